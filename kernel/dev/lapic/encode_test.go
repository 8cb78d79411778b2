package lapic

import "testing"

func TestX2MSR(t *testing.T) {
	// SDM Vol. 3A Table 11-6.
	for reg, msr := range map[uint32]uint32{regID: 0x802, regEOI: 0x80B, regSVR: 0x80F, regICRLow: 0x830,
		regLVTTimer: 0x832, regTimerInit: 0x838, regTimerCur: 0x839, regTimerDiv: 0x83E, regESR: 0x828} {
		if got := x2MSR(reg); got != msr {
			t.Errorf("register %#x: MSR %#x, want %#x", reg, got, msr)
		}
	}
}

func TestLVTTimer(t *testing.T) {
	for _, c := range []struct {
		vec    uint8
		m      TimerMode
		masked bool
		want   uint32
	}{
		{48, OneShot, false, 0x30},
		{48, Periodic, false, 0x20030},
		{48, TSCDeadline, false, 0x40030},
		{0xEF, OneShot, true, 0x100EF},
	} {
		if got := LVTTimer(c.vec, c.m, c.masked); got != c.want {
			t.Errorf("LVTTimer(%d, %#x, %v) = %#x, want %#x", c.vec, c.m, c.masked, got, c.want)
		}
	}
}

func TestDivideCode(t *testing.T) {
	// Figure 11-10: bits 3, 1, 0.
	for d, want := range map[uint32]uint32{1: 0b1011, 2: 0b0000, 4: 0b0001, 8: 0b0010, 16: 0b0011, 32: 0b1000, 64: 0b1001, 128: 0b1010} {
		if got := divideCode(d); got != want {
			t.Errorf("divide by %d: %#b, want %#b", d, got, want)
		}
	}
}

func TestICR(t *testing.T) {
	// INIT to APIC ID 3 in xAPIC mode: destination in bits 63:56.
	if got, want := ICR(3, 0, INIT, false), uint64(3)<<56|INIT|icrAssert; got != want {
		t.Errorf("xAPIC INIT: %#x, want %#x", got, want)
	}
	// Startup at page 8 to APIC ID 260 in x2APIC mode: bits 63:32.
	if got, want := ICR(260, 8, Startup, true), uint64(260)<<32|8|Startup|icrAssert; got != want {
		t.Errorf("x2APIC SIPI: %#x, want %#x", got, want)
	}
	if got := ICR(0x1FF, 0x40, Fixed, false); got>>56 != 0xFF {
		t.Errorf("an xAPIC destination keeps 8 bits: %#x", got)
	}
}

func TestAnswers(t *testing.T) {
	for v, want := range map[uint32]bool{0x50014: true, 0x60015: true, 0x50010: true, 0xFFFFFFFF: false, 0: false, 0x5000F: false} {
		if answers(v) != want {
			t.Errorf("answers(%#x) = %v", v, !want)
		}
	}
}
