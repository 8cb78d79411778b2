package task

import "sync/atomic"

// header is the part of a task that its Wakers point to: the post's
// TaskWaker. It is allocated once, when the task is spawned (48 bytes),
// and the executor drops its own reference when the task ends; the
// garbage collector frees it when the last Waker copy is gone (it never
// moves: Go's heap objects do not move). It holds no pointer to the
// task's future, so an old Waker keeps 48 bytes alive, not the task.
//
// A Wake writes only integers here (state, link, dupWakes): no pointer, so
// no write barrier, which interrupt context must not run.
type header struct {
	r        *runner // the task's runner, its home (runner.go); immutable
	state    uint32  // atomic: queuedBit | doneBit
	slot     uint32  // the task's slot in the table; immutable
	link     uint32  // run queue link (see runqueue.go), written by the owner of queuedBit
	dups     uint32  // duplicate wakes counted on the runner's goroutine (local.go); loaded by Snapshot
	dupWakes uint64  // atomic: the other wakes that found the task already queued
	name     string  // SpawnNamed's; immutable
}

// Task state bits.
const (
	// queuedBit is set by the wake that queues the task (or by Spawn),
	// and cleared by its runner when it takes the task out of the run queue,
	// before polling it. While it is set the task is in the run queue or
	// about to be, exactly once, and its link belongs to whoever set it.
	queuedBit = 1 << 0
	// doneBit is set when the task has finished or was dropped: from
	// then on its Wakers do nothing.
	doneBit = 1 << 1
)

// Waker wakes one task: Wake makes the executor poll the task again. A
// Waker is a small value (one pointer); copy it freely. Futures get theirs
// from Context.Waker and keep a copy wherever the event they wait for will
// be signalled.
//
// The zero Waker is valid and does nothing: it is the no-op waker that
// SimpleExecutor polls with.
type Waker struct {
	h *header
}

// Wake schedules the task for polling: if the task has not finished and is
// not already queued, it queues it on its runner. It never blocks, never
// allocates and stores no pointers, so it may be called from any goroutine
// and from an interrupt handler running on a stack the Go runtime does
// not know: it is //go:nosplit and calls only functions that obey the
// same rules (onOwnStack, wakeLocal, runner.push).
//
// A wake made by a task of the same runner, on its goroutine, takes the
// local path (local.go): no locked instruction. Any other (a task of
// another runner, another goroutine, an interrupt handler on any CPU)
// takes the shared one: a wake of a task already queued is one load of
// its state and the count of duplicates (an atomic add), since the coming
// poll will see what it announces; the first wake after a poll sets
// queuedBit with one compare-and-swap and pushes the task onto its
// runner's run queue with one more (see runqueue.go), then wakes the
// runner if it is parked (see idle.go). Either way a wake that arrives
// while the task is being polled queues it again, so it is polled once
// more after the current poll (a wake is never lost), and waking a
// finished task does nothing.
//
// A waker on another goroutine or CPU must publish its event with a
// sync/atomic operation (or anything else that is a full barrier) before
// calling Wake: Wake's first access is a load of the task's state, and x86
// lets a load pass an earlier plain store, so after a plain or release
// store the load may find the task queued while the runner, which clears
// the bit and fences before polling, does not yet see the event. The
// runner's own tasks need nothing: their wakes are ordered by the program.
//
//go:nosplit
func (w Waker) Wake() {
	h := w.h
	if h == nil {
		return
	}
	r := h.r
	if g := atomic.LoadUintptr(&r.owner); g != 0 && onOwnStack(g) {
		r.wakeLocal(h)
		return
	}
	s := atomic.LoadUint32(&h.state)
	for {
		switch {
		case s&doneBit != 0:
			return
		case s&queuedBit != 0:
			atomic.AddUint64(&h.dupWakes, 1)
			return
		}
		if atomic.CompareAndSwapUint32(&h.state, s, s|queuedBit) {
			r.push(h)
			return
		}
		// Another wake queued it, or it finished: look again.
		s = atomic.LoadUint32(&h.state)
	}
}

// WillWake reports whether w and other wake the same task (two zero Wakers
// count as the same). AtomicWaker.Register uses it to skip a store.
func (w Waker) WillWake(other Waker) bool { return w.h == other.h }
