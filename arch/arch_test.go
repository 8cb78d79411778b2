package arch

import (
	"testing"
	"unsafe"
)

func TestFrameLayout(t *testing.T) {
	var f Frame
	if s := unsafe.Sizeof(f); s != FrameSize || s%16 != 0 {
		t.Fatalf("Frame is %d bytes, want %d (a multiple of 16)", s, FrameSize)
	}
	// The entry stub pushes SS, RSP, RFLAGS, CS, RIP (CPU), error code,
	// vector, then RAX ... R15, then FXSAVEs 512 bytes below.
	want := []struct {
		name string
		off  uintptr
	}{
		{"R15", unsafe.Offsetof(f.R15)}, {"R8", unsafe.Offsetof(f.R8)},
		{"RBP", unsafe.Offsetof(f.RBP)}, {"RAX", unsafe.Offsetof(f.RAX)},
		{"Vector", unsafe.Offsetof(f.Vector)}, {"ErrorCode", unsafe.Offsetof(f.ErrorCode)},
		{"RIP", unsafe.Offsetof(f.RIP)}, {"SS", unsafe.Offsetof(f.SS)},
	}
	exp := map[string]uintptr{"R15": 512, "R8": 512 + 7*8, "RBP": 512 + 8*8, "RAX": 512 + 14*8,
		"Vector": 512 + 15*8, "ErrorCode": 512 + 16*8, "RIP": 512 + 17*8, "SS": 512 + 21*8}
	for _, w := range want {
		if exp[w.name] != w.off {
			t.Errorf("%s at offset %d, want %d", w.name, w.off, exp[w.name])
		}
	}
}

func TestTSS(t *testing.T) {
	var tss TSS
	if unsafe.Sizeof(tss) != TSSSize {
		t.Fatalf("TSS is %d bytes, want %d", unsafe.Sizeof(tss), TSSSize)
	}
	tss.SetRSP0(0x1122334455667788)
	tss.SetIST(1, 0xAAAABBBBCCCCDDDD)
	tss.SetIST(7, 0x0102030405060708)
	tss.SetIST(8, 1) // ignored
	tss.SetIOMapBase(TSSSize)
	b := (*[TSSSize]byte)(unsafe.Pointer(&tss))
	le := func(off int) uint64 {
		var v uint64
		for i := 7; i >= 0; i-- {
			v = v<<8 | uint64(b[off+i])
		}
		return v
	}
	if got := le(4); got != 0x1122334455667788 {
		t.Errorf("RSP0 = %#x", got)
	}
	if got := le(36); got != 0xAAAABBBBCCCCDDDD {
		t.Errorf("IST1 = %#x", got)
	}
	if got := le(36 + 6*8); got != 0x0102030405060708 {
		t.Errorf("IST7 = %#x", got)
	}
	if got := uint16(b[102]) | uint16(b[103])<<8; got != TSSSize {
		t.Errorf("I/O map base = %d", got)
	}
}

func TestTSSDescriptor(t *testing.T) {
	lo, hi := TSSDescriptor(0xFFFF8000_12345678, TSSSize-1)
	// Base 15:0 in bits 31:16, 23:16 in 39:32, 31:24 in 63:56, 63:32 in hi.
	if lo&0xFFFF != TSSSize-1 || (lo>>16)&0xFFFF != 0x5678 || (lo>>32)&0xFF != 0x34 ||
		(lo>>56)&0xFF != 0x12 || (lo>>40)&0xFF != 0x89 || hi != 0xFFFF8000 {
		t.Errorf("TSS descriptor = %#x %#x", hi, lo)
	}
}

func TestGate(t *testing.T) {
	const h = 0xFFFF_FFFF_8012_3456
	g := MakeGate(h, 0x08, 2, GateInterrupt, 3)
	if g.Handler() != h {
		t.Errorf("handler %#x, want %#x", g.Handler(), uint64(h))
	}
	if sel := (g.Lo >> 16) & 0xFFFF; sel != 0x08 {
		t.Errorf("selector %#x", sel)
	}
	if ist := (g.Lo >> 32) & 7; ist != 2 {
		t.Errorf("IST %d", ist)
	}
	if attr := (g.Lo >> 40) & 0xFF; attr != 0xEE { // P=1, DPL=3, type E
		t.Errorf("attributes %#x, want 0xee", attr)
	}
}

func TestDescriptorPointer(t *testing.T) {
	p := MakeDescriptorPointer(0x1122334455667788, 0xABCD)
	want := [10]byte{0xCD, 0xAB, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}
	if p.b != want {
		t.Errorf("pointer bytes % x, want % x", p.b, want)
	}
}
