package usbhost

import (
	"slices"
	"testing"
	"time"

	"gokernel/kernel/dev/xhci"
	"gokernel/kernel/usb"
)

// A keyboard on a root port: set up with the boot protocol and no idle
// reports, its endpoint configured from its descriptor; typed keys come
// out of the common stream; Caps Lock's light goes to the keyboard;
// unplugged, it is said and forgotten.
func TestKeyboard(t *testing.T) {
	r := newRig(t)
	k := r.keyboard(xhci.SpeedHigh)
	r.at(0, func() { r.plugRoot(5, k) })
	r.at(time.Second, func() { typeKeys(k, uH, uI, uEnter) })
	r.at(2*time.Second, func() { typeKeys(k, uCaps, uA) })
	r.at(3*time.Second, func() { r.unplugRoot(5) })
	r.run()
	r.expect("usb: keyboard attached (port 5, high speed)", "usb: keyboard detached (port 5)")
	if got := r.typed.String(); got != "hi\nA" {
		t.Errorf("typed %q", got)
	}
	if k.conf != 1 || k.protocol != 0 || !k.setIdle {
		t.Errorf("configuration %d, protocol %d, SET_IDLE %v", k.conf, k.protocol, k.setIdle)
	}
	want := []xhci.EndpointConfig{{Address: 0x81, Attributes: 3, MaxPacket: 8, Interval: 7}}
	if !slices.Equal(k.eps, want) || k.hubCfg != nil {
		t.Errorf("endpoints %+v, hub %+v", k.eps, k.hubCfg)
	}
	// Num Lock on attach (the decoder's start), then Num and Caps.
	if !slices.Equal(k.leds, []byte{usb.LEDNum, usb.LEDNum | usb.LEDCaps}) {
		t.Errorf("LED reports % x", k.leds)
	}
	if r.ks.Len() != 0 {
		t.Errorf("%d keyboards after the unplug", r.ks.Len())
	}
}

// Two keyboards type into one stream; each report's keys stay whole
// (shifted letters keep their Shift), and both show the same lights.
func TestTwoKeyboards(t *testing.T) {
	r := newRig(t)
	a, b := r.keyboard(xhci.SpeedHigh), r.keyboard(xhci.SpeedFull)
	r.at(0, func() { r.plugRoot(1, a); r.plugRoot(2, b) })
	r.at(time.Second, func() {
		a.report(0x81, rep(0x02, uH)) // Shift+h
		b.report(0x81, rep(0, uI))
		a.report(0x81, rep(0))
		b.report(0x81, rep(0))
	})
	r.at(2*time.Second, func() { typeKeys(b, uCaps) })
	r.run()
	got := r.typed.String()
	if got != "Hi" && got != "iH" {
		t.Errorf("typed %q, want H and i", got)
	}
	for _, k := range []*fakeDev{a, b} {
		if !slices.Equal(k.leds, []byte{usb.LEDNum, usb.LEDNum | usb.LEDCaps}) {
			t.Errorf("LED reports % x", k.leds)
		}
	}
	r.expect("usb: keyboard attached (port 1, high speed)", "usb: keyboard attached (port 2, full speed)")
}

// A mouse is named, not driven; nothing is configured.
func TestMouseNotDriven(t *testing.T) {
	r := newRig(t)
	m := r.dev(xhci.SpeedFull, mouseDevice, mouseConfig)
	r.at(0, func() { r.plugRoot(3, m) })
	r.run()
	r.expect("usb: mouse attached (port 3, full speed, 0627:0001); not driven")
	if m.conf != 0 || len(m.eps) != 0 {
		t.Errorf("the mouse was configured: %d, %+v", m.conf, m.eps)
	}
}
