package usbhost

import (
	"testing"
	"time"

	"gokernel/kernel/dev/xhci"
	"gokernel/kernel/usb"
)

// QEMU's usb-hub (USB 1.1, full speed) on root port 5 with a keyboard on
// its port 1 from the start: the hub is set up, its ports powered, the
// keyboard found, reset and addressed one tier down, and it types. A
// second keyboard plugged into port 4 later comes too; unplugged, it
// goes; the hub unplugged takes the first with it.
func TestHubWithKeyboard(t *testing.T) {
	r := newRig(t)
	h := r.hub(xhci.SpeedFull, 8)
	k1, k2 := r.keyboard(xhci.SpeedFull), r.keyboard(xhci.SpeedLow)
	r.at(0, func() { h.hub.plug(1, k1); r.plugRoot(5, h) })
	r.at(time.Second, func() { typeKeys(k1, uH) })
	r.at(2*time.Second, func() { h.hub.plug(4, k2) })
	r.at(3*time.Second, func() { typeKeys(k2, uI) })
	r.at(4*time.Second, func() { h.hub.unplug(4) })
	r.at(5*time.Second, func() { r.unplugRoot(5) })
	r.run()
	r.expect("usb: hub attached (port 5, full speed, 8 ports)",
		"usb: keyboard attached (port 5.1, full speed)",
		"usb: keyboard attached (port 5.4, low speed)",
		"usb: keyboard detached (port 5.4)")
	r.expect("usb: hub detached (port 5)")
	r.expect("usb: keyboard detached (port 5.1)")
	if got := r.typed.String(); got != "hi" {
		t.Errorf("typed %q", got)
	}
	// The hub's slot: its status endpoint, 8 ports, TT think time 1.
	if h.hubCfg == nil || h.hubCfg.Ports != 8 || h.hubCfg.TTT != 1 || len(h.eps) != 1 || h.eps[0].Address != 0x81 {
		t.Errorf("hub endpoints %+v, hub %+v", h.eps, h.hubCfg)
	}
	for p := 1; p <= 8; p++ {
		if !h.asked(usb.SetPortFeature(usb.PortPower, uint8(p))) {
			t.Errorf("port %d not powered", p)
		}
	}
	want := xhci.Location{RootPort: 5, Route: 1, Depth: 1, Speed: xhci.SpeedFull}
	if k1.loc != want {
		t.Errorf("keyboard at %+v, want %+v", k1.loc, want)
	}
	if !k1.gone || !k2.gone {
		t.Errorf("keyboards not detached: %v %v", k1.gone, k2.gone)
	}
	if r.ks.Len() != 0 {
		t.Errorf("%d keyboards left", r.ks.Len())
	}
	if h.hub.depth != -1 {
		t.Error("SET_HUB_DEPTH sent to a USB 2 hub")
	}
}

// A full-speed keyboard behind a high-speed hub is reached through the
// hub's transaction translator: the slot context names the hub's slot
// and port (xHCI §6.2.2).
func TestHighSpeedHubTT(t *testing.T) {
	r := newRig(t)
	h := r.hub(xhci.SpeedHigh, 4)
	k := r.keyboard(xhci.SpeedFull)
	r.at(0, func() { h.hub.plug(3, k); r.plugRoot(2, h) })
	r.run()
	r.expect("usb: hub attached (port 2, high speed, 4 ports)", "usb: keyboard attached (port 2.3, full speed)")
	want := xhci.Location{RootPort: 2, Route: 3, Depth: 1, Speed: xhci.SpeedFull, TTHubSlot: h.slot, TTPort: 3}
	if k.loc != want {
		t.Errorf("keyboard at %+v, want %+v", k.loc, want)
	}
}

// A USB 3 hub gets SET_HUB_DEPTH and its SuperSpeed descriptor; its
// ports train by themselves, so a device is addressed without a reset.
// Behind it, a second USB 3 hub, depth 1, routes one tier further.
func TestSuperSpeedHubs(t *testing.T) {
	r := newRig(t)
	h1, h2 := r.hub(xhci.SpeedSuper, 4), r.hub(xhci.SpeedSuper, 2)
	k := r.keyboard(xhci.SpeedSuper)
	r.at(0, func() { h2.hub.plug(2, k); h1.hub.plug(4, h2); r.plugRoot(1, h1) })
	r.at(time.Second, func() { typeKeys(k, uA) })
	r.run()
	r.expect("usb: hub attached (port 1, SuperSpeed, 4 ports)", "usb: hub attached (port 1.4, SuperSpeed, 2 ports)",
		"usb: keyboard attached (port 1.4.2, SuperSpeed)")
	if h1.hub.depth != 0 || h2.hub.depth != 1 {
		t.Errorf("hub depths %d %d, want 0 1", h1.hub.depth, h2.hub.depth)
	}
	for _, h := range []*fakeDev{h1, h2} {
		for p := range h.hub.ports {
			if h.asked(usb.SetPortFeature(usb.PortReset, uint8(p+1))) {
				t.Errorf("USB 3 hub port %d reset", p+1)
			}
		}
	}
	want := xhci.Location{RootPort: 1, Route: 0x24, Depth: 2, Speed: xhci.SpeedSuper}
	if k.loc != want {
		t.Errorf("keyboard at %+v, want %+v", k.loc, want)
	}
	if r.typed.String() != "a" {
		t.Errorf("typed %q", r.typed.String())
	}
}

// Hubs five deep are allowed; the sixth is refused (the route string has
// five tiers), with a line, and the kernel goes on.
func TestHubTooDeep(t *testing.T) {
	r := newRig(t)
	var hubs []*fakeDev
	for range 6 {
		hubs = append(hubs, r.hub(xhci.SpeedHigh, 2))
	}
	r.at(0, func() {
		for i := len(hubs) - 1; i > 0; i-- {
			hubs[i-1].hub.plug(1, hubs[i])
		}
		r.plugRoot(1, hubs[0])
	})
	r.run()
	r.expect("usb: hub attached (port 1.1.1.1.1, high speed, 2 ports)", "usb: port 1.1.1.1.1.1: hub: 6 hubs deep; USB allows 5; not driven")
}
