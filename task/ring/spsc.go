package ring

import (
	"sync/atomic"
	"unsafe"
)

// SPSC is a bounded FIFO queue for one producer and one consumer at a
// time, such as an interrupt handler and the task that reads what it
// receives: Lamport's ring buffer (L. Lamport, "Specifying concurrent
// program modules", TOPLAS 1983), the design of Linux's kfifo, rtrb and
// heapless::spsc, with cached indices as in Rigtorp's SPSCQueue.
//
// # Algorithm
//
// There are capacity+1 slots and two indices below that: head, the next
// slot to pop, written only by the consumer, and tail, the next slot to
// push, written only by the producer. The ring is empty when head == tail
// and full when tail+1 == head (modulo the slot count): one slot always
// stays free, so that the two cases differ without a shared count. Each
// side writes only its own index, so no operation needs a read-modify-
// write: Push writes the value and then stores tail, and Pop reads the
// value and then stores head, each store a release (the value access
// happens before the other side sees the index move), each load of the
// other side's index an acquire. On x86 both are plain MOVs; see
// storeRelease for the store. No locked instruction, no loop, no wait.
//
// Each side also keeps a private copy of the other's index (headCache,
// tailCache) and reloads the shared one only when the copy says full or
// empty: as long as the ring is neither, an operation touches only its
// own cache line and the slot, and the other side's line stays put.
//
// # Interrupt safety
//
// Push and Pop are //go:nosplit, allocate nothing, contain no bounds
// checks and, for element types without pointers, call nothing but
// storeRelease (one MOV, no frame). A producer that interrupts the
// consumer on the same CPU sees the consumer's last published head: a pop
// in progress still occupies its slot, so Push may report full one value
// early, never overwrite. The SPSC is not safe for two producers (two
// interrupt handlers, or a handler and a goroutine) or two consumers at
// once: use a Ring there.
//
// # Memory layout
//
// As in Ring, the read-only fields, the consumer's pair (head,
// tailCache) and the producer's pair (tail, headCache) are 128 bytes
// apart, so the two sides never write to a cache line (or a prefetched
// line pair) that the other writes.
type SPSC[T any] struct {
	_ [0]atomic.Uint64 // 8-byte alignment; go vet reports copies

	// Read-only after NewSPSC.
	buf []T // capacity+1 slots
	_   [padSize - unsafe.Sizeof([]byte(nil))]byte

	// The consumer's: head is also loaded (with sync/atomic) by the
	// producer; tailCache is the consumer's alone.
	head      uint64
	tailCache uint64
	_         [padSize - 16]byte

	// The producer's: tail is also loaded (with sync/atomic) by the
	// consumer; headCache is the producer's alone.
	tail      uint64
	headCache uint64
	_         [padSize - 16]byte
}

// NewSPSC returns an empty SPSC with room for capacity values, or
// ErrCapacity if capacity is not positive (or absurdly large). It is the
// only function of SPSC that allocates.
func NewSPSC[T any](capacity int) (*SPSC[T], error) {
	var zero T
	if capacity <= 0 || uint64(capacity) >= maxBytes/uint64(max(unsafe.Sizeof(zero), 1)) {
		return nil, ErrCapacity
	}
	return &SPSC[T]{buf: make([]T, capacity+1)}, nil
}

// Push appends v, or returns false, leaving the ring unchanged, if it is
// full. Only one goroutine (or interrupt handler) may push at a time.
//
//go:nosplit
func (r *SPSC[T]) Push(v T) bool {
	buf := r.buf
	t := r.tail // only this side writes it: no atomic load needed
	if t >= uint64(len(buf)) {
		return false // unreachable, except for the zero SPSC
	}
	next := t + 1
	if next == uint64(len(buf)) {
		next = 0
	}
	if next == r.headCache {
		r.headCache = atomic.LoadUint64(&r.head) // acquire
		if next == r.headCache {
			return false
		}
	}
	buf[t] = v
	stallPoint()                // written, not yet published (tests only)
	storeRelease(&r.tail, next) // publish: v is written before tail moves
	return true
}

// Pop removes and returns the oldest value, or the zero value and false
// if the ring is empty. Only one goroutine may pop at a time.
//
//go:nosplit
func (r *SPSC[T]) Pop() (v T, ok bool) {
	buf := r.buf
	h := r.head // only this side writes it
	if h >= uint64(len(buf)) {
		return v, false // unreachable, except for the zero SPSC
	}
	if h == r.tailCache {
		r.tailCache = atomic.LoadUint64(&r.tail) // acquire
		if h == r.tailCache {
			return v, false
		}
	}
	v = buf[h]
	clear1(&buf[h]) // drop references for the GC
	stallPoint()    // read, slot not yet freed (tests only)
	next := h + 1
	if next == uint64(len(buf)) {
		next = 0
	}
	storeRelease(&r.head, next) // free the slot: v is read before head moves
	return v, true
}

// Len returns the number of values in the ring: exact when neither side
// is in the middle of an operation, otherwise a snapshot between 0 and
// Cap. Any goroutine may call it.
//
//go:nosplit
func (r *SPSC[T]) Len() int {
	n := uint64(len(r.buf))
	h := atomic.LoadUint64(&r.head)
	t := atomic.LoadUint64(&r.tail)
	if t >= h {
		return int(t - h)
	}
	return int(n - h + t)
}

// Cap returns the capacity given to NewSPSC.
//
//go:nosplit
func (r *SPSC[T]) Cap() int {
	if len(r.buf) == 0 {
		return 0
	}
	return len(r.buf) - 1
}
