// Package spin is the kernel's spin locks: a word set with compare-and-swap
// by the CPU that takes it, spun on with PAUSE by the others. They are
// taken with interrupts disabled (every ring-0 path runs so), never across
// a thread switch, and in a fixed order.
//
// The lock order. Every Lock has a level; a CPU may take a lock only if
// every lock it holds has a lower level. Acquire checks this and reports a
// violation instead of deadlocking later; the scheduler checks that only
// the big kernel lock is held when it switches threads (HeldBelow). The
// levels, outermost first:
//
//	0  the big kernel lock (kernel/bkl): every kernel entry but the IPIs
//	1  the area list (kernel/mem/vma, through kernel/mem)
//	2  the frame allocator (kernel/mem/phys)
//	3  the console (kernel/console): any path may print
//
// A Lock records its holder as an owner number the caller passes: the
// CPU's index in the kernel, a goroutine's number in host tests. Ring 0:
// //go:nosplit, no allocation; sync/atomic only.
package spin

import "sync/atomic"

// MaxOwners bounds the owner numbers (the kernel's CPUs).
const MaxOwners = 64

// Lock is a spin lock at a level of the lock order. Level is set in its
// declaration (spin.Lock{Level: 1}), which the linker fills in: the lock
// is used in ring 0 before any Go initialisation runs.
type Lock struct {
	word  atomic.Uint32 // owner+1, 0 when free
	Level uint8         // its place in the order, 0 to 31
	spins atomic.Uint64 // PAUSEs spent waiting: the contention
}

// held is, per owner, a bit per level it holds.
var held [MaxOwners]atomic.Uint32

// Violation says why an Acquire broke the rules.
type Violation uint8

const (
	OK         Violation = iota
	OutOfOrder           // a lock at this level or a deeper one is held
	Recursive            // the owner holds this lock already
	BadOwner             // the owner number is out of range
)

// Init sets l's level.
//
//go:nosplit
func (l *Lock) Init(level uint8) { l.Level = level & 31 }

// The first violation seen, for the scheduler's report: the level taken,
// the levels held then (a bit each), the kind; and how many there were.
var (
	violations atomic.Uint64
	first      atomic.Uint64 // kind<<40 | held<<8 | level, set once
)

//go:nosplit
func record(v Violation, level uint8, h uint32) {
	if violations.Add(1) == 1 {
		first.Store(uint64(v)<<40 | uint64(h)<<8 | uint64(level))
	}
}

// Violations returns how many acquisitions broke the order (or took a
// lock the owner held), and the first: its kind, the level it took and
// the levels (a bit each) its owner held then.
//
//go:nosplit
func Violations() (n uint64, kind Violation, level uint8, held uint32) {
	f := first.Load()
	return violations.Load(), Violation(f >> 40), uint8(f), uint32(f >> 8)
}

// Acquire takes l for owner, spinning until it is free, and reports a
// violation of the lock order (taking it anyway, so the report can print).
//
//go:nosplit
func (l *Lock) Acquire(owner int) Violation {
	if uint(owner) >= MaxOwners {
		return BadOwner
	}
	v := OK
	lv := l.Level & 31
	h := held[owner].Load()
	switch {
	case l.word.Load() == uint32(owner)+1:
		record(Recursive, lv, h)
		return Recursive
	case h>>lv != 0:
		v = OutOfOrder
		record(v, lv, h)
	}
	for !l.word.CompareAndSwap(0, uint32(owner)+1) {
		l.spins.Add(1)
		pause()
	}
	held[owner].Or(1 << lv)
	return v
}

// TryAcquire takes l for owner if it is free.
//
//go:nosplit
func (l *Lock) TryAcquire(owner int) bool {
	if uint(owner) >= MaxOwners || !l.word.CompareAndSwap(0, uint32(owner)+1) {
		return false
	}
	held[owner].Or(1 << (l.Level & 31))
	return true
}

// Release frees l, which owner holds.
//
//go:nosplit
func (l *Lock) Release(owner int) {
	if uint(owner) >= MaxOwners {
		return
	}
	held[owner].And(^(uint32(1) << (l.Level & 31)))
	l.word.Store(0)
}

// Holder returns the owner holding l, or -1.
//
//go:nosplit
func (l *Lock) Holder() int { return int(l.word.Load()) - 1 }

// Spins returns the PAUSEs spent waiting for l so far.
//
//go:nosplit
func (l *Lock) Spins() uint64 { return l.spins.Load() }

// Held returns the levels owner holds, a bit each.
//
//go:nosplit
func Held(owner int) uint32 {
	if uint(owner) >= MaxOwners {
		return 0
	}
	return held[owner].Load()
}

// HeldAbove reports whether owner holds any lock deeper than level: the
// scheduler's check that nothing but the big kernel lock is held across a
// switch.
//
//go:nosplit
func HeldAbove(owner int, level uint8) bool {
	if uint(owner) >= MaxOwners {
		return false
	}
	return held[owner].Load()>>(level+1) != 0
}

// Leaf is a spin lock below every level of the order: its holder takes no
// other lock and calls nothing that might, so it needs no owner and no
// checks. The pure data structures use it to be safe for concurrent use
// on their own (the frame allocator, kernel/mem/phys).
//
// In ring 0 its holder runs with interrupts off and is never switched
// away from. In a host test it is an ordinary goroutine, which the Go
// scheduler may preempt while it holds the lock, and the waiters spin in
// leafSpin, assembly the scheduler cannot preempt: once they hold every P,
// the holder never runs again and the test hangs (seen: TestConcurrent of
// kernel/mem/vma stuck for 10 minutes under -race, 8 goroutines on
// GOMAXPROCS=2). A host test that locks from n goroutines at once must
// run with at least n Ps, so that a preempted holder always finds one.
type Leaf struct {
	word  uint32 // 1 while held; atomic
	spins uint64 // atomic
}

// Lock takes l, spinning while another holds it. It is inlined and calls
// nothing Go when uncontended, and only the frameless leafSpin when not:
// ring-0 paths are deep, and their stack is bounded (//go:nosplit). The
// atomic load after leafSpin is what the race detector sees (host tests):
// it pairs with Unlock's store.
//
//go:nosplit
func (l *Leaf) Lock() {
	if !atomic.CompareAndSwapUint32(&l.word, 0, 1) {
		leafSpin(&l.word, &l.spins)
		atomic.LoadUint32(&l.word)
	}
}

// Unlock releases l.
//
//go:nosplit
func (l *Leaf) Unlock() { atomic.StoreUint32(&l.word, 0) }

// Spins returns the PAUSEs spent waiting for l.
//
//go:nosplit
func (l *Leaf) Spins() uint64 { return atomic.LoadUint64(&l.spins) }
