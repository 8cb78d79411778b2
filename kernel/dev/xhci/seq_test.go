package xhci

import (
	"strings"
	"testing"
	"time"
)

// stepAll runs a machine on a clock that jumps to each requested time,
// calling hw (the hardware) between steps, and returns the time it
// finished at.
func stepAll(t *testing.T, m Machine, hw func()) (time.Duration, error) {
	t.Helper()
	now := time.Duration(0)
	for range 100000 {
		again, done, err := m.Step(now)
		if done {
			return now, err
		}
		if again <= now {
			t.Fatalf("machine asked to run again at %v, now %v", again, now)
		}
		now = again
		if hw != nil {
			hw()
		}
	}
	t.Fatal("machine never finished")
	return 0, nil
}

func TestResetSequence(t *testing.T) {
	f := newFakeHC(t, newFakeMem(t), 1)
	f.usbcmd, f.usbsts = cmdRun|cmdINTE, 0 // running, as the firmware left it
	caps, err := ParseCaps(f)
	if err != nil {
		t.Fatal(err)
	}
	f.logRegs = true
	at, err := stepAll(t, ResetSequence(f, &caps), func() { f.tick() })
	if err != nil || f.usbcmd&(cmdReset|cmdRun) != 0 || f.usbsts&(stsCNR|stsHalted) != stsHalted {
		t.Fatalf("after reset at %v: %v, USBCMD %#x USBSTS %#x", at, err, f.usbcmd, f.usbsts)
	}
	// Halt before reset: the first write clears R/S, and HCRST is set
	// only once HCHalted reads 1.
	var writes []string
	for _, l := range f.regLog {
		if strings.HasPrefix(l, "w ") {
			writes = append(writes, l)
		}
	}
	if len(writes) != 2 || writes[0] != "w 0x40=0x0" || writes[1] != "w 0x40=0x2" {
		t.Errorf("writes %q", writes)
	}
	at, err = stepAll(t, StartSequence(f, &caps), func() { f.tick() })
	if err != nil || f.usbsts&stsHalted != 0 || f.usbcmd&cmdINTE == 0 {
		t.Errorf("start: %v", err)
	}

	f.stuckReset = true
	at, err = stepAll(t, ResetSequence(f, &caps), func() { f.tick() })
	if err == nil || !strings.Contains(err.Error(), "reset (HCRST): not done after 1s") || at < ResetTimeout {
		t.Errorf("stuck reset: %v at %v", err, at)
	}
	// A controller that never halts.
	g := newFakeHC(t, newFakeMem(t), 1)
	g.usbcmd, g.usbsts = cmdRun, 0
	_, err = stepAll(t, ResetSequence(g, &caps), nil)
	if err == nil || !strings.Contains(err.Error(), "halt: not done after 16ms") {
		t.Errorf("no halt: %v", err)
	}
}

func TestHandoffMachine(t *testing.T) {
	f := newFakeHC(t, newFakeMem(t), 1)
	caps, _ := ParseCaps(f)
	off, err := FindLegacy(f, &caps, fRegSize)
	if err != nil || off != fLegacy {
		t.Fatalf("FindLegacy: %#x %v", off, err)
	}
	h := NewHandoff(f, off)
	at, err := stepAll(t, h, func() { f.tick() })
	if err != nil || h.Forced || f.legsup&legBIOSOwned != 0 || at != 3*handoffPoll { // the fake lets go after 3 looks
		t.Errorf("handoff: %v forced %v at %v, USBLEGSUP %#x", err, h.Forced, at, f.legsup)
	}
	f = newFakeHC(t, newFakeMem(t), 1)
	f.biosForever = true
	h = NewHandoff(f, fLegacy)
	at, err = stepAll(t, h, func() { f.tick() })
	if err != nil || !h.Forced || at != HandoffTimeout || f.legsup != xcapLegacy|legOSOwned {
		t.Errorf("forced: %v at %v, USBLEGSUP %#x", err, at, f.legsup)
	}
	if _, done, _ := NewHandoff(f, 0).Step(0); !done {
		t.Error("no capability: not done at once")
	}
	// Firmware that does not own the controller: one step.
	f = newFakeHC(t, newFakeMem(t), 1)
	f.legsup = xcapLegacy
	if _, done, err := NewHandoff(f, fLegacy).Step(0); !done || err != nil || f.legsup&legOSOwned == 0 {
		t.Errorf("not owned: done %v %v, %#x", done, err, f.legsup)
	}
}

// xcapRegs is an MMIO of plain registers, for the capability walk.
type xcapRegs map[uintptr]uint32

func (x xcapRegs) Read32(off uintptr) uint32     { return x[off] }
func (x xcapRegs) Write32(off uintptr, v uint32) { x[off] = v }
func (x xcapRegs) Write64(off uintptr, v uint64) {}

func TestFindLegacy(t *testing.T) {
	caps := &Caps{XECP: 0x100}
	for _, c := range []struct {
		regs  xcapRegs
		limit uintptr
		want  uintptr
		err   string
	}{
		{xcapRegs{0x100: 2 | 2<<8, 0x108: 1}, 0x1000, 0x108, ""},
		{xcapRegs{0x100: 2 | 2<<8, 0x108: 3}, 0x1000, 0, ""},
		{xcapRegs{0x100: 2 | 0xFF<<8}, 0x200, 0, "outside"},
		{xcapRegs{0x100: 0xFFFFFFFF}, 0x1000, 0, "all ones"},
	} {
		off, err := FindLegacy(c.regs, caps, c.limit)
		if off != c.want || (err != nil) != (c.err != "") || err != nil && !strings.Contains(err.Error(), c.err) {
			t.Errorf("%v: %#x %v", c.regs, off, err)
		}
	}
}

func TestParseCaps(t *testing.T) {
	f := newFakeHC(t, newFakeMem(t), 8)
	c, err := ParseCaps(f)
	want := Caps{OpOffset: 0x40, Version: 0x100, MaxSlots: 32, MaxIntrs: 1, MaxPorts: 8, MaxERST: 4,
		Scratchpads: 2, AC64: true, ContextSize: 32, XECP: 0x800, DoorbellOff: 0x2000, RuntimeOff: 0x1000}
	if err != nil || c != want {
		t.Errorf("%+v %v\nwant %+v", c, err, want)
	}
	f.scratch, f.ctxSize = 40, 64
	if c, _ := ParseCaps(f); c.Scratchpads != 40 || c.ContextSize != 64 {
		t.Errorf("scratchpads hi/lo, CSZ: %+v", c)
	}
	for _, bad := range []xcapRegs{
		{0: 0xFFFFFFFF},
		{0: 0x10, 4: 1 | 1<<8 | 1<<24, 0x14: 0x100, 0x18: 0x100},
		{0: 0x40, 4: 0, 0x14: 0x100, 0x18: 0x100},
		{0: 0x40, 4: 1 | 1<<8 | 1<<24, 0x14: 0, 0x18: 0x100},
	} {
		if _, err := ParseCaps(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if c.PortSC(2) != 0x450 || c.ir(0, irERDP) != 0x1038 || c.doorbell(3) != 0x200C {
		t.Error("register offsets")
	}
}
