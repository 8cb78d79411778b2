package xhci

import (
	"errors"
	"fmt"
)

// Ring is a producer ring in DMA memory: the command ring or a transfer
// ring (§4.9.2). It is one segment of TRBs whose last is a Link TRB back
// to the first with Toggle Cycle set (§4.9.2.2), so the controller's
// consumer cycle state flips at each lap. The producer writes TRBs with
// its cycle state (PCS, initially 1): a TRB is the controller's once its
// cycle bit matches the controller's consumer cycle state.
//
// A ring is full when one more TRB would reach the TRB the controller
// has not yet completed (§4.9.2.1): the driver learns how far the
// controller got from the events (Completed), so there is always one
// free place between the enqueue and dequeue positions.
//
// Not safe for concurrent use: one task produces, the same task consumes
// the events (Controller.Run).
type Ring struct {
	mem DMA
	n   int  // TRBs in the segment, the Link TRB included
	enq int  // index of the next TRB to write
	deq int  // index of the oldest TRB the controller has not completed
	pcs bool // producer cycle state
}

// Errors of Ring.
var (
	ErrRingFull    = errors.New("xhci: ring full")
	ErrNotOnRing   = errors.New("xhci: TRB pointer not on this ring")
	ErrNotInFlight = errors.New("xhci: TRB pointer not in flight on this ring")
)

// NewRing makes a ring of len(mem.Mem)/16 TRBs (at least 2) over mem,
// which must be zeroed and 64-byte aligned (Table 6-1), and writes its
// Link TRB.
func NewRing(mem DMA) (*Ring, error) {
	n := len(mem.Mem) / TRBSize
	if n < 2 || mem.Phys&63 != 0 {
		return nil, fmt.Errorf("xhci: ring of %d TRBs at %#x", n, mem.Phys)
	}
	r := &Ring{mem: mem, n: n, pcs: true}
	r.write(n-1, Link(mem.Phys, true), false)
	return r, nil
}

// Phys returns the ring's physical address: its dequeue pointer when the
// controller starts (CRCR, an endpoint context's TR Dequeue Pointer).
func (r *Ring) Phys() uint64 { return r.mem.Phys }

// CycleState returns the producer cycle state: the DCS/RCS the
// controller must start with is the state when the ring was empty at
// its start, true.
func (r *Ring) CycleState() bool { return r.pcs }

// EnqueuePtr returns the physical address of the next TRB to be written
// (for Set TR Dequeue Pointer after a stall).
func (r *Ring) EnqueuePtr() uint64 { return r.mem.Phys + uint64(r.enq*TRBSize) }

// Free returns how many TRBs can be enqueued now.
func (r *Ring) Free() int {
	return r.n - 2 - r.dist(r.deq, r.enq)
}

// write stores t at index i with cycle bit c: the parameter and status
// first, the control dword (which holds the cycle bit) last, atomically,
// so the controller never sees a TRB whose cycle bit is valid before
// its fields are.
func (r *Ring) write(i int, t TRB, c bool) {
	off := i * TRBSize
	r.mem.put64(off, t.Param)
	r.mem.put32(off+8, t.Status)
	ctl := t.Control &^ trbCycle
	if c {
		ctl |= trbCycle
	}
	r.mem.store32(off+12, ctl)
}

// Enqueue writes the TRBs of one TD (or one command) and returns their
// physical addresses. It writes them all or, if they do not fit, none
// (ErrRingFull). The first TRB's cycle bit is
// written last, so the controller, which stops at it, sees the TD whole
// or not at all. Crossing the Link TRB, the Link carries the chain bit
// of the TRB before it (§4.11.5.1), and the cycle state toggles.
func (r *Ring) Enqueue(trbs ...TRB) ([]uint64, error) {
	if len(trbs) == 0 || len(trbs) > r.Free() {
		return nil, ErrRingFull
	}
	ptrs := make([]uint64, len(trbs))
	firstIdx, firstCycle := r.enq, r.pcs
	for k, t := range trbs {
		c := r.pcs
		if k == 0 {
			c = !c // handed over at the end
		}
		r.write(r.enq, t, c)
		ptrs[k] = r.EnqueuePtr()
		r.enq++
		if r.enq == r.n-1 {
			link := Link(r.mem.Phys, true)
			link.Control |= t.Control & trbChain
			r.write(r.enq, link, r.pcs)
			r.pcs = !r.pcs
			r.enq = 0
		}
	}
	off := firstIdx*TRBSize + 12
	ctl := r.mem.load32(off) &^ trbCycle
	if firstCycle {
		ctl |= trbCycle
	}
	r.mem.store32(off, ctl)
	return ptrs, nil
}

// Completed records that the controller has completed the TRB at ptr
// (an event named it): every TRB up to it is free again. A pointer that
// is not one of the TRBs in flight (between the dequeue and enqueue
// positions) is refused and changes nothing.
func (r *Ring) Completed(ptr uint64) error {
	i, ok := r.index(ptr)
	if !ok {
		return ErrNotOnRing
	}
	if r.dist(r.deq, i) >= r.dist(r.deq, r.enq) {
		return ErrNotInFlight
	}
	r.deq = i + 1
	if r.deq == r.n-1 {
		r.deq = 0
	}
	return nil
}

// dist is the number of TRBs from index a forward to index b.
func (r *Ring) dist(a, b int) int {
	d := b - a
	if d < 0 {
		d += r.n - 1
	}
	return d
}

// index returns the index of the TRB at ptr, if ptr is one of the
// ring's TRBs other than the Link.
func (r *Ring) index(ptr uint64) (int, bool) {
	if !r.mem.contains(ptr) || (ptr-r.mem.Phys)%TRBSize != 0 {
		return 0, false
	}
	i := int((ptr - r.mem.Phys) / TRBSize)
	return i, i < r.n-1
}

// Contains reports whether ptr is a TRB of this ring.
func (r *Ring) Contains(ptr uint64) bool {
	_, ok := r.index(ptr)
	return ok
}

// Reset empties the ring (after a Set TR Dequeue Pointer to EnqueuePtr,
// the controller continues where the producer is): every TRB written is
// taken as completed.
func (r *Ring) Reset() { r.deq = r.enq }
