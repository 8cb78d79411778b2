package usbhost

import (
	"errors"
	"strings"
	"testing"
	"time"

	"gokernel/kernel/dev/xhci"
	"gokernel/kernel/usb"
)

// Bad devices cost one line naming the port and the fault; the device is
// left alone until it is plugged in again, and everything else goes on.

// A device that stalls its device descriptor is reported; plugged in
// again (behaving), it works.
func TestStallingDevice(t *testing.T) {
	r := newRig(t)
	bad := r.keyboard(xhci.SpeedFull)
	bad.stall = func(s usb.Setup) bool { return s.Request == usb.ReqGetDescriptor }
	good := r.keyboard(xhci.SpeedFull)
	r.at(0, func() { r.plugRoot(2, bad) })
	r.at(time.Second, func() { r.unplugRoot(2) })
	r.at(2*time.Second, func() { r.plugRoot(2, good) })
	r.at(3*time.Second, func() { typeKeys(good, uA) })
	r.run()
	r.expect("usb: port 2: device descriptor: xhci: slot 1 endpoint 1: stall; ignored until it is plugged in again",
		"usb: keyboard attached (port 2, full speed)")
	if r.typed.String() != "a" {
		t.Errorf("typed %q", r.typed.String())
	}
}

// Malformed descriptors are refused with the parser's reason.
func TestMalformedDescriptors(t *testing.T) {
	for _, c := range []struct {
		name           string
		device, config []byte
		want           string
	}{
		{"short device descriptor", kbdDevice[:10], kbdConfig, "usb: port 1: device descriptor: "},
		{"bad packet size", append(append([]byte{}, kbdDevice[:7]...), append([]byte{7}, kbdDevice[8:]...)...), kbdConfig, "bMaxPacketSize0 7"},
		{"configuration too long", kbdDevice, append([]byte{0x09, 0x02, 0x00, 0x20}, kbdConfig[4:]...), "configuration descriptor: wTotalLength 8192"},
		{"configuration cut short", kbdDevice, append([]byte{0x09, 0x02, 0x30, 0x00}, kbdConfig[4:]...), "usb: port 1: configuration: "},
		{"interface count wrong", kbdDevice, append(append([]byte{}, kbdConfig[:4]...), append([]byte{2}, kbdConfig[5:]...)...), "usb: port 1: configuration: "},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t)
			d := r.dev(xhci.SpeedFull, c.device, c.config)
			r.at(0, func() { r.plugRoot(1, d) })
			r.run()
			r.expect(c.want)
			if len(r.lines) != 1 || !strings.HasSuffix(r.lines[0], "; ignored until it is plugged in again") {
				t.Errorf("lines %q", r.lines)
			}
			if d.conf != 0 {
				t.Error("a malformed device was configured")
			}
		})
	}
}

// A short report is told once and ignored; the keyboard types on.
// SET_IDLE and SET_REPORT stalling cost nothing but the lights' line.
func TestShortReportsAndStalls(t *testing.T) {
	r := newRig(t)
	k := r.keyboard(xhci.SpeedFull)
	k.stall = func(s usb.Setup) bool {
		return s.Request == usb.ReqHIDSetIdle && s.RequestType&usb.TypeClass != 0 ||
			s.Request == usb.ReqHIDSetReport && s.RequestType&usb.TypeClass != 0
	}
	r.at(0, func() { r.plugRoot(1, k) })
	r.at(time.Second, func() {
		k.report(0x81, []byte{0, 0, uH})
		k.report(0x81, []byte{0, 0})
		typeKeys(k, uH, uI)
	})
	r.run()
	r.expect("usb: keyboard attached (port 1, full speed)",
		"usb: port 1: keyboard lights: xhci: slot 1 endpoint 1: stall; left as they are",
		"usb: port 1: usb: keyboard report 00 00 0b ignored: 3 bytes, want 8")
	if n := strings.Count(strings.Join(r.lines, "\n"), "ignored: "); n != 1 {
		t.Errorf("%d report lines, want 1:\n%s", n, strings.Join(r.lines, "\n"))
	}
	if r.typed.String() != "hi" {
		t.Errorf("typed %q", r.typed.String())
	}
}

// Transfers that keep failing end the keyboard with one line; it is no
// longer read.
func TestTransferErrors(t *testing.T) {
	r := newRig(t)
	k := r.keyboard(xhci.SpeedFull)
	r.at(0, func() { r.plugRoot(1, k) })
	r.at(time.Second, func() { k.reports[0x81].end(errors.New("xhci: slot 1 endpoint 3: USB transaction error")) })
	r.run()
	r.expect("usb: port 1: keyboard: xhci: slot 1 endpoint 3: USB transaction error; ignored until it is plugged in again")
	if r.ks.Len() != 0 {
		t.Error("the failed keyboard is still read")
	}
}

// A hub port whose reset never ends is given up after the timeout; the
// hub's other ports still work. A device that flaps during the debounce
// is not attached and costs no line.
func TestHubPortFaults(t *testing.T) {
	r := newRig(t)
	h := r.hub(xhci.SpeedHigh, 4)
	k := r.keyboard(xhci.SpeedFull)
	flap := r.keyboard(xhci.SpeedFull)
	r.at(0, func() { r.plugRoot(1, h) })
	r.at(time.Second, func() { h.hub.resetNever = true; h.hub.plug(2, r.keyboard(xhci.SpeedFull)) })
	r.at(3*time.Second, func() { h.hub.resetNever = false; h.hub.plug(3, k) })
	r.at(4*time.Second, func() { h.hub.plug(4, flap) })
	r.at(4*time.Second+20*time.Millisecond, func() { h.hub.unplug(4) })
	r.at(5*time.Second, func() { typeKeys(k, uA) })
	r.run()
	r.expect("usb: port 1.2: port reset: did not complete in 500ms; ignored until it is plugged in again",
		"usb: keyboard attached (port 1.3, full speed)")
	if strings.Contains(strings.Join(r.lines, "\n"), "1.4") || flap.addressed {
		t.Errorf("the flapping device was attached:\n%s", strings.Join(r.lines, "\n"))
	}
	if r.typed.String() != "a" {
		t.Errorf("typed %q", r.typed.String())
	}
}

// A device behind a hub that stalls is reported by its hub port's name;
// a hub whose descriptor is garbage is not driven.
func TestHubBadDevices(t *testing.T) {
	r := newRig(t)
	h := r.hub(xhci.SpeedFull, 2)
	bad := r.keyboard(xhci.SpeedFull)
	bad.stall = func(usb.Setup) bool { return true }
	h2 := r.hub(xhci.SpeedFull, 2)
	h2.stall = func(s usb.Setup) bool {
		return s.RequestType == usb.DirIn|usb.TypeClass && s.Request == usb.ReqGetDescriptor
	}
	r.at(0, func() { h.hub.plug(1, bad); r.plugRoot(1, h); r.plugRoot(2, h2) })
	r.run()
	r.expect("usb: port 1.1: device descriptor: xhci: slot 3 endpoint 1: stall; ignored until it is plugged in again")
	r.expect("usb: port 2: hub: hub descriptor: xhci: slot 2 endpoint 1: stall; ignored until it is plugged in again")
}
