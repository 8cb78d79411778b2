package xhci

import (
	"errors"
	"testing"
)

// ringOf makes a ring of n TRBs at a made-up physical address.
func ringOf(t *testing.T, n int) (*Ring, DMA) {
	t.Helper()
	mem := DMA{Mem: make([]byte, n*TRBSize), Phys: 0x40000}
	r, err := NewRing(mem)
	if err != nil {
		t.Fatal(err)
	}
	return r, mem
}

func trbAt(d DMA, i int) TRB {
	return TRB{Param: d.get64(i * 16), Status: d.get32(i*16 + 8), Control: d.get32(i*16 + 12)}
}

func TestRing(t *testing.T) {
	r, mem := ringOf(t, 4) // 3 usable TRBs, 2 in flight at most
	if l := trbAt(mem, 3); l.Type() != TypeLink || l.Param != 0x40000 || l.Control&trbTC == 0 || l.Cycle() {
		t.Fatalf("link TRB %v", l)
	}
	if r.Free() != 2 || !r.CycleState() {
		t.Fatalf("free %d", r.Free())
	}
	ptrs, err := r.Enqueue(NoOp(), NoOp())
	if err != nil || ptrs[0] != 0x40000 || ptrs[1] != 0x40010 {
		t.Fatalf("enqueue: %x %v", ptrs, err)
	}
	if !trbAt(mem, 0).Cycle() || !trbAt(mem, 1).Cycle() {
		t.Error("cycle bits not handed over")
	}
	if _, err := r.Enqueue(NoOp()); err != ErrRingFull {
		t.Errorf("third TRB: %v", err)
	}
	if err := r.Completed(0x40020); !errors.Is(err, ErrNotInFlight) {
		t.Errorf("completion of a TRB not in flight: %v", err)
	}
	if err := r.Completed(0x40008); err != ErrNotOnRing {
		t.Errorf("misaligned: %v", err)
	}
	if err := r.Completed(0x40030); err != ErrNotOnRing {
		t.Errorf("the link: %v", err)
	}
	if err := r.Completed(0x40000); err != nil || r.Free() != 1 {
		t.Fatalf("completed: %v, free %d", err, r.Free())
	}
	// The third TRB goes to index 2, then the Link is handed over with
	// cycle 1 and the state flips to 0.
	ptrs, err = r.Enqueue(TRB{Control: ctl(TypeNormal) | trbChain})
	if err != nil || ptrs[0] != 0x40020 || r.CycleState() {
		t.Fatalf("wrap: %x %v, cycle %v", ptrs, err, r.CycleState())
	}
	if l := trbAt(mem, 3); !l.Cycle() || l.Control&trbChain == 0 {
		t.Errorf("link after wrap %v: want cycle and chain", l)
	}
	r.Completed(0x40020)
	if r.Free() != 2 {
		t.Errorf("free %d", r.Free())
	}
	ptrs, _ = r.Enqueue(NoOp())
	if ptrs[0] != 0x40000 || trbAt(mem, 0).Cycle() {
		t.Errorf("second lap: %x, cycle %v (want 0)", ptrs, trbAt(mem, 0).Cycle())
	}
	if r.EnqueuePtr() != 0x40010 {
		t.Errorf("enqueue pointer %#x", r.EnqueuePtr())
	}
	r.Reset()
	if r.Free() != 2 {
		t.Error("Reset")
	}
	if _, err := NewRing(DMA{Mem: make([]byte, 16), Phys: 0}); err == nil {
		t.Error("one-TRB ring accepted")
	}
	if _, err := NewRing(DMA{Mem: make([]byte, 64), Phys: 8}); err == nil {
		t.Error("misaligned ring accepted")
	}
}

func TestEventRing(t *testing.T) {
	seg := DMA{Mem: make([]byte, 16*TRBSize), Phys: 0x80000}
	erst := DMA{Mem: make([]byte, 64), Phys: 0x81000}
	e, err := NewEventRing(seg, erst)
	if err != nil {
		t.Fatal(err)
	}
	if erst.get64(0) != 0x80000 || erst.get32(8) != 16 {
		t.Errorf("ERST entry % x", erst.Mem[:16])
	}
	if _, ok := e.Next(); ok {
		t.Fatal("event in an empty ring")
	}
	put := func(i int, cycle bool, port int) {
		tr := EncodeEvent(Event{Type: TypePortStatus, Port: port})
		if cycle {
			tr.Control |= trbCycle
		}
		seg.put64(i*16, tr.Param)
		seg.put32(i*16+8, tr.Status)
		seg.put32(i*16+12, tr.Control)
	}
	for lap, cycle := range []bool{true, false, true} {
		for i := range 16 {
			put(i, cycle, i+1)
			tr, ok := e.Next()
			if !ok || DecodeEvent(tr).Port != i+1 {
				t.Fatalf("lap %d event %d: %v %v", lap, i, tr, ok)
			}
			if _, ok := e.Next(); ok {
				t.Fatalf("lap %d: stale event after %d", lap, i)
			}
		}
	}
	if e.ERDP() != 0x80000|erdpEHB {
		t.Errorf("ERDP %#x", e.ERDP())
	}
	e.Peek()
	if _, err := NewEventRing(DMA{Mem: make([]byte, 15*16), Phys: 0}, erst); err == nil {
		t.Error("15-TRB segment accepted")
	}
}
