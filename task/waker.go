package task

import (
	"sync/atomic"

	"gokernel/task/ring"
)

// runQueue is an Executor's queue of runnable tasks: the ring carries
// handles (see Executor), at most one per task slot, so a push never
// fails. dropped counts pushes that failed anyway (never, unless the
// invariant is broken); Executor.DroppedWakes reports it.
type runQueue struct {
	ring     *ring.Ring[uint64]
	dropped  uint64 // atomic
	sleeping uint32 // atomic: 1 while the executor sleeps in park
}

// header is the part of a task that its Wakers point to. It is allocated
// once, when the task is spawned, and never written through a Waker except
// for the three atomic words; the executor drops its own reference when the
// task ends, and the garbage collector frees it when the last Waker copy
// is gone (it never moves: Go's heap objects do not move). It holds no
// pointer to the task's future, so an old Waker keeps 32 bytes alive, not
// the task.
//
// Everything a Wake touches is either immutable after spawn (handle, q) or
// a non-pointer word updated with sync/atomic (queued, done, dupWakes).
type header struct {
	handle   uint64    // what Wake pushes: the task's ID and slot (see Executor)
	q        *runQueue // the executor's run queue
	dupWakes uint64    // atomic: wakes that found the task already queued
	queued   uint32    // atomic: 1 while the handle is in the run queue (or being pushed)
	done     uint32    // atomic: 1 once the task has finished or was dropped
}

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
// not already in its executor's run queue, it puts it there. It never
// blocks, never allocates and stores no pointers, so it may be called from
// any goroutine and from an interrupt handler running on a stack the Go
// runtime does not know: it is //go:nosplit, performs only atomic loads,
// compare-and-swaps and adds on integer words of the task's header, and
// calls only ring.Push (itself nosplit and free of runtime calls).
//
// Duplicate wakes are cheap and harmless: the first one after a poll
// queues the task, later ones find it queued and only count. A wake that
// arrives while the task is being polled queues it again, so the task is
// polled once more after the current poll returns (a wake is never lost).
// Waking a finished task does nothing.
//
//go:nosplit
func (w Waker) Wake() {
	h := w.h
	if h == nil || atomic.LoadUint32(&h.done) != 0 {
		return
	}
	if !atomic.CompareAndSwapUint32(&h.queued, 0, 1) {
		// Already queued: the coming poll will see what this wake
		// announces. Only count it (the executor counts the others).
		atomic.AddUint64(&h.dupWakes, 1)
		return
	}
	q := h.q
	if !q.ring.Push(h.handle) {
		// Unreachable: the ring has one place per task slot and a slot's
		// handle is queued at most once (the queued flag). Undo, so that
		// a later wake can try again, and count it.
		atomic.StoreUint32(&h.queued, 0)
		atomic.AddUint64(&q.dropped, 1)
		return
	}
	if atomic.LoadUint32(&q.sleeping) != 0 {
		q.wakeSleeper() // the executor sleeps in park (hosted only)
	}
}

// WillWake reports whether w and other wake the same task (two zero Wakers
// count as the same). AtomicWaker.Register uses it to skip a store.
func (w Waker) WillWake(other Waker) bool { return w.h == other.h }
