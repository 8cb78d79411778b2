package xhci

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"gokernel/kernel/usb"
)

// The faults of the "Bad input" section: each ends in one error
// that names the port and the fault, and nothing hangs.

func wantErr(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want one containing %q", err, want)
	}
}

func TestControllerNeverLeavesReset(t *testing.T) {
	s := newSim(t, 2, func(f *fakeHC) { f.stuckReset = true })
	s.hc.attach(1, newKeyboard(64), SpeedHigh)
	s.run(func(a await) {
		wantErr(t, aw(a, s.c.Start()), "reset (HCRST): not done after 1s")
		ar := aw(a, s.c.Attach(1))
		wantErr(t, ar.Err, "usb: port 1: xhci: reset (HCRST)")
	})
	if s.now < ResetTimeout || s.now > ResetTimeout+100*time.Millisecond {
		t.Errorf("gave up after %v", s.now)
	}
	if s.c.Failed() == nil {
		t.Error("controller not marked failed")
	}
}

func TestHandoff(t *testing.T) {
	s := newSim(t, 2, nil)
	s.hc.legctl = 0xE000_2011 // SMI enables and SMI status set
	s.run(func(a await) {
		if err := aw(a, s.c.Start()); err != nil {
			t.Error(err)
		}
	})
	if s.hc.legsup&legBIOSOwned != 0 || s.hc.legsup&legOSOwned == 0 || s.c.HandoffForced() {
		t.Errorf("USBLEGSUP %#x, forced %v", s.hc.legsup, s.c.HandoffForced())
	}
	if s.hc.legctl != 0 {
		t.Errorf("USBLEGCTLSTS %#x: SMIs not disabled", s.hc.legctl)
	}
	if s.now < handoffPoll || s.now > 100*time.Millisecond {
		t.Errorf("handoff took %v", s.now)
	}

	// Firmware that never lets go: after 1 s the OS takes the controller.
	s = newSim(t, 2, func(f *fakeHC) { f.biosForever = true })
	s.run(func(a await) {
		if err := aw(a, s.c.Start()); err != nil {
			t.Error(err)
		}
	})
	if !s.c.HandoffForced() || s.hc.legsup&legBIOSOwned != 0 || s.now < HandoffTimeout {
		t.Errorf("forced %v, USBLEGSUP %#x, after %v", s.c.HandoffForced(), s.hc.legsup, s.now)
	}

	// No legacy capability at all.
	s = newSim(t, 2, func(f *fakeHC) { f.noLegacy = true })
	s.run(func(a await) {
		if err := aw(a, s.c.Start()); err != nil {
			t.Error(err)
		}
	})
	if s.hc.legsup&legOSOwned != 0 {
		t.Error("legacy register written without the capability")
	}
}

func TestCommandTimeout(t *testing.T) {
	s := newSim(t, 2, func(f *fakeHC) { f.deaf = true })
	s.hc.attach(2, newKeyboard(64), SpeedHigh)
	s.run(func(a await) {
		if err := aw(a, s.c.Start()); err != nil {
			t.Error(err)
			return
		}
		ar := aw(a, s.c.Attach(2))
		wantErr(t, ar.Err, "usb: port 2: enable slot: xhci: command 9: no completion in 1s")
		if !errors.Is(ar.Err, ErrTimeout) || s.c.Failed() == nil {
			t.Errorf("%v; failed %v", ar.Err, s.c.Failed())
		}
		before := s.now
		r := aw(a, s.c.Command(NoOpCommand()))
		if r.Err == nil || s.now != before {
			t.Errorf("command on a failed controller: %v after %v", r.Err, s.now-before)
		}
	})
}

func TestPortResetTimeout(t *testing.T) {
	s := newSim(t, 2, func(f *fakeHC) { f.resetForever = true })
	s.hc.attach(1, newKeyboard(64), SpeedHigh)
	s.run(func(a await) {
		aw(a, s.c.Start())
		wantErr(t, aw(a, s.c.Attach(1)).Err, "usb: port 1: reset did not complete in 500ms")
		wantErr(t, aw(a, s.c.Attach(2)).Err, "usb: port 2: xhci: nothing connected")
	})
}

// TestAddressFails: the device goes away between the reset and Address
// Device; the slot is given back and the memory freed.
func TestAddressFails(t *testing.T) {
	s := newSim(t, 2, nil)
	s.hc.attach(1, newKeyboard(64), SpeedHigh)
	s.run(func(a await) {
		aw(a, s.c.Start())
		own := s.mem.live
		s.hc.ports[0].dev = nil // no answer to SET_ADDRESS
		ar := aw(a, s.c.Attach(1))
		wantErr(t, ar.Err, "usb: port 1: address device: xhci: command 11: USB transaction error")
		if !slices.Contains(s.hc.cmdLog, TypeDisableSlot) || s.hc.slots[1] != nil {
			t.Errorf("slot not disabled: commands %v", s.hc.cmdLog)
		}
		if s.mem.live != own {
			t.Errorf("%d pages leaked", s.mem.live-own)
		}
	})
}

// TestStallRecovery: a request the device stalls fails with ErrStall; the
// endpoint is reset and the next request works.
func TestStallRecovery(t *testing.T) {
	s := newSim(t, 2, nil)
	kbd := newKeyboard(64)
	kbd.stall = func(s [8]byte) bool { return s[0] == 0xC0 } // vendor requests
	s.hc.attach(1, kbd, SpeedHigh)
	s.run(func(a await) {
		aw(a, s.c.Start())
		d := aw(a, s.c.Attach(1)).Dev
		if d == nil {
			t.Error("no device")
			return
		}
		r := aw(a, d.Control([8]byte{0xC0, 1, 0, 0, 0, 0, 4, 0}, make([]byte, 4)))
		if !errors.Is(r.Err, ErrStall) || r.Code != CCStall {
			t.Errorf("stalled request: %+v", r)
		}
		r = aw(a, d.Control(usb.GetDescriptor(usb.DescDevice, 0, 0, 18).Bytes(), make([]byte, 18)))
		if r.Err != nil || r.N != 18 {
			t.Errorf("request after the stall: %+v", r)
		}
		// A short answer is no error: 18 bytes asked as 64.
		r = aw(a, d.Control(usb.GetDescriptor(usb.DescDevice, 0, 0, 64).Bytes(), make([]byte, 64)))
		if r.Err != nil || r.N != 18 || r.Code != CCSuccess {
			t.Errorf("short answer: %+v", r)
		}
	})
	want := []int{TypeResetEP, TypeSetTRDequeue}
	if i := slices.Index(s.hc.cmdLog, TypeResetEP); i < 0 || !slices.Equal(s.hc.cmdLog[i:i+2], want) {
		t.Errorf("commands %v: no Reset Endpoint, Set TR Dequeue Pointer", s.hc.cmdLog)
	}
}

// TestRingsWrap sends 700 reports: the event ring (256 TRBs) and the
// interrupt endpoint's ring (255) wrap several times, cycle bits and all.
func TestRingsWrap(t *testing.T) {
	s := newSim(t, 1, nil)
	kbd := newKeyboard(64)
	s.hc.attach(1, kbd, SpeedHigh)
	const n = 700
	got := 0
	s.run(func(a await) {
		aw(a, s.c.Start())
		d := aw(a, s.c.Attach(1)).Dev
		ep, ok := keyboardSetup(t, a, d)
		if !ok {
			return
		}
		for i := range n {
			kbd.reports = append(kbd.reports, rep(0, byte(4+i%26)))
		}
		st := d.Reports(ep)
		for got < n {
			v := aw(a, nextOf[[]byte](st))
			if !v.OK || v.V[2] != byte(4+got%26) {
				t.Errorf("report %d: %v % x", got, v.OK, v.V)
				return
			}
			got++
		}
	})
	if got != n || s.hc.evFull != 0 {
		t.Errorf("%d reports, %d events lost", got, s.hc.evFull)
	}
}

func TestNoMemory(t *testing.T) {
	for at := 1; at <= 6; at++ {
		s := newSim(t, 1, nil)
		s.mem.failAt = at
		s.run(func(a await) {
			wantErr(t, aw(a, s.c.Start()), "out of memory")
		})
		if s.mem.live != 0 {
			t.Errorf("allocation %d failing: %d pages leaked", at, s.mem.live)
		}
	}
}

// TestDMAAbove4G: a controller without 64-bit addressing refuses memory
// above 4 GiB, and gives back what it got.
func TestDMAAbove4G(t *testing.T) {
	s := newSim(t, 1, func(f *fakeHC) { f.no64 = true })
	s.mem.next = 1<<32 - PageSize
	s.run(func(a await) {
		wantErr(t, aw(a, s.c.Start()), "above 4 GiB for a 32-bit controller")
	})
	if s.mem.live != 0 {
		t.Errorf("%d pages leaked", s.mem.live)
	}
	s = newSim(t, 1, func(f *fakeHC) { f.no64 = true })
	s.run(func(a await) {
		if err := aw(a, s.c.Start()); err != nil {
			t.Error(err)
		}
	})
}
