package xhci

import "fmt"

// EventRing is the consumer side of an event ring (§4.9.4): one segment
// that the controller fills and the driver empties, described to the
// controller by a one-entry Event Ring Segment Table (§6.5). A TRB is a
// new event when its cycle bit equals the consumer cycle state (CCS,
// initially 1), which flips each time the dequeue index wraps.
//
// Next and ERDP are what Interrupt uses: they allocate nothing and store
// only integers.
type EventRing struct {
	seg DMA
	n   int
	deq int
	ccs bool
}

// ERSTEntrySize is the size of an Event Ring Segment Table entry (§6.5).
const ERSTEntrySize = 16

// minEventTRBs is the smallest event ring segment (§6.5: Ring Segment
// Size 16 to 4096).
const minEventTRBs = 16

// NewEventRing makes an event ring over seg (zeroed, 64-byte aligned, 16
// to 4096 TRBs) and writes its segment table entry into erst: base
// address, size in TRBs.
func NewEventRing(seg, erst DMA) (*EventRing, error) {
	n := len(seg.Mem) / TRBSize
	if n < minEventTRBs || n > 4096 || seg.Phys&63 != 0 || len(erst.Mem) < ERSTEntrySize || erst.Phys&63 != 0 {
		return nil, fmt.Errorf("xhci: event ring of %d TRBs at %#x, table at %#x", n, seg.Phys, erst.Phys)
	}
	erst.put64(0, seg.Phys)
	erst.put32(8, uint32(n))
	erst.put32(12, 0)
	return &EventRing{seg: seg, n: n, ccs: true}, nil
}

// Peek returns the next event, if the controller has written one,
// without consuming it. It reads the control dword (with the cycle bit)
// first, atomically, and the rest only if the TRB is the controller's:
// the controller writes the control dword last.
func (e *EventRing) Peek() (TRB, bool) {
	off := e.deq * TRBSize
	c := e.seg.load32(off + 12)
	if (c&trbCycle != 0) != e.ccs {
		return TRB{}, false
	}
	return TRB{Param: e.seg.get64(off), Status: e.seg.get32(off + 8), Control: c}, true
}

// Pop consumes the event Peek returned.
func (e *EventRing) Pop() {
	if e.deq++; e.deq == e.n {
		e.deq, e.ccs = 0, !e.ccs
	}
}

// Next returns and consumes the next event, if there is one.
func (e *EventRing) Next() (TRB, bool) {
	t, ok := e.Peek()
	if ok {
		e.Pop()
	}
	return t, ok
}

// ERDP returns the value to write to the interrupter's ERDP register:
// the dequeue pointer (the next TRB the driver will read), segment index
// 0, and EHB set, which clears Event Handler Busy (§5.5.2.3.3).
func (e *EventRing) ERDP() uint64 {
	return e.seg.Phys + uint64(e.deq*TRBSize) | erdpEHB
}

// Phys returns the segment's address: the initial ERDP.
func (e *EventRing) Phys() uint64 { return e.seg.Phys }
