// Package ring holds two bounded, lock-free FIFO queues. Ring is
// multi-producer multi-consumer, the Go counterpart of crossbeam's
// ArrayQueue. SPSC (spsc.go) is single-producer single-consumer, Lamport's
// ring: cheaper, with no locked instruction, for an interrupt handler
// feeding a task (task/source, for the keyboard's scancodes and the serial
// port's bytes).
//
// # Algorithm
//
// This is Dmitry Vyukov's bounded MPMC queue
// (https://www.1024cores.net/home/lock-free-algorithms/queues/bounded-mpmc-queue)
// with the position encoding of crossbeam's ArrayQueue
// (https://github.com/crossbeam-rs/crossbeam, crossbeam-queue/src/array_queue.rs),
// which lets the capacity be any positive number rather than only a power of
// two.
//
// The ring has cap slots, each holding a value and a 64-bit sequence stamp,
// and two 64-bit positions: tail (the next position to push) and head (the
// next position to pop). A position is lap + index: index (in the low bits,
// 0 <= index < cap) names a slot and lap is a multiple of oneLap, the
// smallest power of two above cap. Advancing a position adds 1 to the index,
// or, from the last index, moves to index 0 of the next lap (adds oneLap to
// the lap). All arithmetic is modulo 2^64; because oneLap divides 2^64 the
// encoding stays consistent when a position wraps past 2^64 (after at least
// 2^64/oneLap*cap >= 2^63 operations, so never in practice, but it is
// tested), and because positions are 64-bit they do not wrap at 2^32.
//
// The stamp of the slot at index i says what the slot is waiting for:
//
//	stamp == p      empty, ready for the push at position p (= lap + i)
//	stamp == p + 1  full, holding the value pushed at p, ready for the pop at p
//	                (p+1 cannot carry into the lap bits because i+1 <= cap < oneLap)
//
// A push at p stores stamp p+1 after writing the value; a pop at p stores
// stamp p+oneLap (the same slot in the next lap) after reading the value.
// Initially slot i has stamp i and head == tail == 0.
//
// Push loads tail, say t, and the stamp s of t's slot, and looks at the
// signed difference d = s - t:
//
//   - d == 0: the slot is free for position t. Push claims t with a CAS of
//     tail from t to next(t); on success it alone owns the slot, writes the
//     value and publishes it by storing stamp t+1. On failure another push
//     claimed t, so it starts over with the new tail.
//   - d < 0: the slot still holds the value from the previous lap (stamp
//     t-oneLap+1), or its push from the previous lap has not finished (stamp
//     t-oneLap). The ring is full, or a pop of that slot is in flight: Push
//     returns false.
//   - d > 0: t is stale; another push has already claimed t. Push reloads
//     tail and starts over.
//
// Pop is symmetrical with d = s - (h+1) for the head h it loaded: d == 0
// means the slot holds the value pushed at h, so Pop claims h with a CAS of
// head and then reads the value, clears the slot and stores stamp h+oneLap;
// d < 0 means the push at h has not published (the ring is empty or that
// push is in flight), so Pop returns false; d > 0 means h is stale.
//
// Invariants: (1) a slot is written only by the one push that won the CAS
// for its position and read only by the one pop that won the CAS for it,
// and the stamps order them: pushes of lap L, pops of lap L, pushes of lap
// L+1, ...; so each value is delivered exactly once. (2) head and tail only
// move forward, one position per successful CAS, and a pop claims positions
// in the order pushes claimed them, so the queue is FIFO with respect to the
// order in which pushes claimed their positions; in particular one
// producer's values come out in the order it pushed them. (3) The stamp
// store after writing (reading) the value is a release store (storeRelease:
// a plain MOV on amd64, atomic.StoreUint64 under -race and elsewhere) and
// the stamp load before reading (writing) it is an atomic load, an
// acquire, so the value access of one party happens before that of the
// next; the race detector sees this in -race builds.
//
// # Contention
//
// With 4 goroutines pushing and popping on 2 CPUs the ring used to run 3
// to 5 times slower than a buffered channel (99 ns against 32 ns per push
// and pop here; 385 ns against 81 ns on another machine), although a
// channel takes a lock. The cause is cache-line traffic, not the number of
// instructions: every step of an operation (the CAS of tail or head, the
// stamp of the slot) needs a line that the other CPU wrote last, a
// hand-off of tens to hundreds of nanoseconds between vCPUs, and a CPU
// that lost a race (its CAS failed, or it found its position stale)
// retried at once, taking the line back while the winner was between its
// claim and its publication: both CPUs then wait on each other at every
// step, and the window in which a claimed slot is not yet published grows,
// so Pop reports empty and Push full more often (which a caller answers by
// yielding). A channel avoids this by accident: the loser of its lock
// backs off, so the winner runs a burst of operations with the lines in
// its own cache. Two changes give the ring the same bursts without a lock:
//
//   - A lost race is followed by a backoff (backoff.go): a spin of PAUSE
//     instructions that doubles at each retry of the operation, from 1 to
//     64, twice as long after a failed CAS (the winner is about to write
//     the slot) as after a stale position, as crossbeam's Backoff::spin
//     does after a failed CAS.
//   - The stamps are published with a release store rather than
//     atomic.StoreUint64, which on amd64 is an XCHG: a locked instruction
//     that waits for the line and drains the store buffer, so it lengthened
//     the very window between claim and publication. A plain MOV retires
//     into the store buffer and the CPU goes on.
//
// Each alone helped little (the median over 8 runs of the ring's time
// divided by the channel's went from 0.6-0.7 with either to 0.3-0.5 with
// both, and the worst run from 1.1-3.5 to 0.5-0.95); padding head and tail
// into one line instead did worse. BenchmarkRing/4goroutines against
// BenchmarkChan/4goroutines measures it.
//
// # Interrupt safety
//
// The kernel's keyboard interrupt handler may push while the code it
// interrupted, on the same CPU, is in the middle of a Push or a Pop on the
// same ring. The interrupted operation cannot run until the handler returns,
// so the handler must never wait for it. Push and Pop never do: they wait
// for nothing, and loop only after a failed CAS or a stale position, both of
// which mean that another operation completed a claim since the position was
// loaded (progress); the backoff before such a retry is a fixed count of
// PAUSEs, not a wait for anyone. When the slot they need is claimed but not yet published
// by another operation, they return false ("full" or "empty") instead of
// waiting; crossbeam's ArrayQueue would spin there (Backoff::snooze), which
// would deadlock an interrupt handler. The price is that an operation stalled
// between its claim and its publication (an interrupted one, say) keeps its
// slot busy until it resumes: a stalled Push makes Pop report empty when
// head reaches its slot, even if later values are already published, and a
// stalled Pop makes Push report full when tail comes round to its slot a lap
// later. Len counts claimed positions, so it may be above 0 while Pop
// reports empty, or below Cap while Push reports full. Values are never lost
// or reordered; the tests simulate both stalls.
//
// Push, Pop, Len and Cap are //go:nosplit, allocate nothing, contain no
// bounds checks and, for element types without pointers, call no runtime
// function: they use what sync/atomic compiles to (LOCK CMPXCHG and MOV on
// amd64) and call only pause (a loop of PAUSE in assembly, without a
// frame), so they cannot panic, grow the stack or enter the scheduler and
// may be called on a stack the Go runtime does not know. (Go 1.26 on
// amd64 copies and clears pointer-free values of any size inline, with REP
// MOVSQ/STOSQ; another compiler or architecture may call runtime.memmove or
// runtime.memclrNoHeapPointers for large ones, which are nosplit leaf
// functions too.) Their frames are small (none at all for uint8 and uint64
// on amd64), so they fit the nosplit stack limit. Element types containing
// pointers are allowed, but storing or clearing them needs GC write barriers
// (runtime.gcWriteBarrier calls), so such rings are not interrupt-safe.
//
// # Memory layout
//
// A Ring is 384 bytes: the read-only fields (the slot slice and oneLap) at
// offset 0, head at offset 128 and tail at offset 256, each followed by
// padding. Any two of these are more than 64 bytes apart, so producers
// (writing tail), consumers (writing head) and everyone reading the
// read-only fields never share a cache line wherever the Ring is allocated.
// The 128-byte spacing follows crossbeam's CachePadded on x86-64, whose
// spatial prefetcher pulls cache lines in 128-byte pairs; Go's 384-byte size
// class places objects at multiples of 128 bytes, so the three parts also
// sit in distinct pairs. Slots are a separate array of cap entries of an
// 8-byte stamp followed by the value (padded to 8-byte alignment); they are
// not padded, as in crossbeam.
package ring

import (
	"sync/atomic"
	"unsafe"
)

// Error is the type of the errors New returns. It is a string type so that
// the sentinel below is a constant.
type Error string

func (e Error) Error() string { return string(e) }

// ErrCapacity is returned by New for a capacity that is not positive or
// whose slots could not be addressed.
const ErrCapacity = Error("ring: capacity must be positive and fit in memory")

const (
	// padSize is the distance between the hot fields of a Ring; see the
	// package documentation.
	padSize = 128

	// maxBytes bounds the size of the slot array: the amd64 user address
	// space is 2^47 bytes. It keeps make from panicking in New.
	maxBytes = 1 << 47

	// maxClear is the largest element size Pop clears; see clear1.
	maxClear = 64 << 10
)

// slot is one element of the ring: the stamp says which position the slot
// is waiting for (see the package documentation).
type slot[T any] struct {
	_     [0]atomic.Uint64 // 8-byte alignment of stamp on 32-bit platforms too
	stamp uint64           // accessed only with sync/atomic
	val   T
}

// Ring is a bounded lock-free MPMC FIFO queue of T. Create it with New; the
// zero Ring has no capacity (Push reports full, Pop empty). A Ring must not
// be copied after first use.
type Ring[T any] struct {
	// The zero-length atomic.Uint64 array aligns the Ring to 8 bytes on
	// 32-bit platforms too, and makes go vet report copies of a Ring.
	_ [0]atomic.Uint64

	// Read-only after New.
	slots  []slot[T] // len(slots) is the capacity
	oneLap uint64    // smallest power of two > len(slots); mask is oneLap-1
	_      [padSize - unsafe.Sizeof([]byte(nil)) - 8]byte

	// head and tail are accessed only with sync/atomic functions. (Not
	// atomic.Uint64 methods: those are not inlined into instances of
	// Ring's methods compiled in packages that do not import sync/atomic
	// themselves, as of Go 1.26, while the functions are intrinsics
	// everywhere.)
	head uint64 // next position to pop
	_    [padSize - 8]byte

	tail uint64 // next position to push
	_    [padSize - 8]byte
}

// New returns an empty ring with room for capacity values, or ErrCapacity
// if capacity is not positive (or absurdly large). Any positive capacity
// works; it need not be a power of two. New is the only function of the
// package that allocates.
func New[T any](capacity int) (*Ring[T], error) {
	if capacity <= 0 || uint64(capacity) > maxBytes/uint64(unsafe.Sizeof(slot[T]{})) {
		return nil, ErrCapacity
	}
	oneLap := uint64(1)
	for oneLap <= uint64(capacity) {
		oneLap <<= 1
	}
	r := &Ring[T]{slots: make([]slot[T], capacity), oneLap: oneLap}
	r.reset(0)
	return r, nil
}

// reset makes r empty with head and tail at position pos, rounded up to a
// valid position (one whose index is below the capacity). New uses
// reset(0); tests use it to start near 2^32 and 2^64. r must not be in use.
func (r *Ring[T]) reset(pos uint64) {
	mask := r.oneLap - 1
	lap, idx := pos&^mask, pos&mask
	if idx >= uint64(len(r.slots)) {
		lap, idx = lap+r.oneLap, 0
	}
	var zero T
	slots := r.slots
	for i := range slots {
		// Slots from idx on wait for their push in this lap; those before
		// idx count as already popped in this lap and wait for the next.
		stamp := lap + uint64(i)
		if uint64(i) < idx {
			stamp += r.oneLap
		}
		slots[i].val = zero
		atomic.StoreUint64(&slots[i].stamp, stamp)
	}
	atomic.StoreUint64(&r.head, lap+idx)
	atomic.StoreUint64(&r.tail, lap+idx)
}

// Push appends v to the ring. It returns false, leaving the ring unchanged,
// if the ring is full; a Pop that has claimed the slot Push needs but not
// yet returned counts as occupying it (see the package documentation). It
// never blocks or waits for another goroutine.
//
//go:nosplit
func (r *Ring[T]) Push(v T) bool {
	slots := r.slots
	mask := r.oneLap - 1
	tail := atomic.LoadUint64(&r.tail)
	b := backoff(1)
	for {
		idx := tail & mask
		if idx >= uint64(len(slots)) {
			return false // unreachable: positions always have idx < cap
		}
		s := &slots[idx]
		stamp := atomic.LoadUint64(&s.stamp)
		if d := int64(stamp - tail); d == 0 {
			// The slot is free for position tail: try to claim it. Only
			// the winner of the CAS touches s.val until it publishes.
			next := tail + 1
			if idx+1 == uint64(len(slots)) {
				next = tail&^mask + r.oneLap
			}
			if atomic.CompareAndSwapUint64(&r.tail, tail, next) {
				stallPoint() // claimed, not yet published (tests only)
				s.val = v
				storeRelease(&s.stamp, tail+1) // publish
				return true
			}
			// The CAS failed: another push claimed tail first, so the
			// reload below sees a later tail. That push is about to write
			// the slot: back off twice (see Contention).
			b.spin()
		} else if d < 0 {
			// Full: the slot holds the value of the previous lap (d ==
			// 1-oneLap), its pop is in flight (same stamp), or its push of
			// the previous lap is still in flight (d == -oneLap). Waiting
			// would be waiting for another operation: report full.
			return false
		}
		// d > 0: tail is stale, another push claimed it and published
		// (maybe a pop even freed the slot again). That push moved tail
		// before storing the stamp we loaded, so the reload below sees a
		// later tail: each iteration follows someone else's progress.
		// Either way another CPU holds tail's line: back off before
		// taking it back (see Contention).
		b.spin()
		tail = atomic.LoadUint64(&r.tail)
	}
}

// Pop removes and returns the oldest value. It returns the zero value and
// false if the ring is empty; a Push that has claimed the oldest position but
// not yet returned counts as not having pushed (see the package
// documentation). It never blocks or waits for another goroutine.
//
//go:nosplit
func (r *Ring[T]) Pop() (v T, ok bool) {
	slots := r.slots
	mask := r.oneLap - 1
	head := atomic.LoadUint64(&r.head)
	b := backoff(1)
	for {
		idx := head & mask
		if idx >= uint64(len(slots)) {
			return v, false // unreachable: positions always have idx < cap
		}
		s := &slots[idx]
		stamp := atomic.LoadUint64(&s.stamp)
		if d := int64(stamp - (head + 1)); d == 0 {
			// The slot holds the value pushed at head: try to claim it.
			next := head + 1
			if idx+1 == uint64(len(slots)) {
				next = head&^mask + r.oneLap
			}
			if atomic.CompareAndSwapUint64(&r.head, head, next) {
				stallPoint() // claimed, slot not yet freed (tests only)
				v = s.val
				clear1(&s.val)                        // drop references for the GC
				storeRelease(&s.stamp, head+r.oneLap) // free the slot for the next lap
				return v, true
			}
			// The CAS failed: another pop claimed head first; back off
			// twice, as in Push.
			b.spin()
		} else if d < 0 {
			// Empty: the push at head has not claimed the slot (d == -1)
			// or has claimed it and not published (same stamp), or the
			// pop of the previous lap is still in flight (d == -oneLap).
			return v, false
		}
		// d > 0: head is stale; see Push.
		b.spin()
		head = atomic.LoadUint64(&r.head)
	}
}

// clear1 sets *p to the zero value, so that a popped slot does not keep
// what the value points to alive. It leaves values above maxClear bytes
// alone: zeroing them would need a zero value that large, which the
// compiler puts on the heap (an allocation); the condition is a constant in
// each instance, so the dead branch disappears.
//
//go:nosplit
func clear1[T any](p *T) {
	if unsafe.Sizeof(*p) <= maxClear {
		var zero T
		*p = zero
	}
}

// Len returns the number of values in the ring: exact when no Push or Pop
// is in flight, otherwise a snapshot that may be stale, but always between
// 0 and Cap.
//
//go:nosplit
func (r *Ring[T]) Len() int {
	// head first: tail is loaded later, and tail never falls behind any
	// earlier head, so tail-head >= 0 (it may exceed the capacity if pops
	// and pushes happen between the loads, hence the clamp).
	head := atomic.LoadUint64(&r.head)
	tail := atomic.LoadUint64(&r.tail)
	capacity := uint64(len(r.slots))
	mask := r.oneLap - 1
	hi, ti := head&mask, tail&mask
	var n uint64
	switch tail&^mask - head&^mask {
	case 0: // same lap
		if ti > hi {
			n = ti - hi
		}
	case r.oneLap: // tail one lap ahead
		n = capacity - hi + ti
		if hi < ti {
			n = capacity
		}
	default: // tail two or more laps ahead: stale head
		n = capacity
	}
	return int(n)
}

// Cap returns the capacity given to New.
//
//go:nosplit
func (r *Ring[T]) Cap() int {
	return len(r.slots)
}
