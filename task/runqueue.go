package task

import "sync/atomic"

// The run queue: a runner's queue of runnable tasks (runner.head), the
// post's task_queue, which Spawn and the wakes made anywhere but on the
// runner's own goroutine push onto. It is an intrusive lock-free stack of
// task slots, in the manner of embassy-executor's run queue
// (embassy-rs/embassy, embassy-executor/src/raw/run_queue.rs): head is the
// slot (plus one) of the task pushed last, and each task's header links
// to the one pushed before it. A task is in it at most once, because only
// the wake that sets the task's queuedBit pushes it, and only onto its own
// runner's, so it needs no capacity: it can neither fill nor drop a wake.
//
// # Push (Wake, Spawn)
//
// The pusher owns the task's link while queuedBit is its own: it stores
// the current head in the link and moves head to the task with a
// compare-and-swap, retrying with the new head if another push came first
// (a Treiber stack's push, R. K. Treiber, IBM RJ 5118, 1986). Only pushes
// happen concurrently; the runner takes the whole stack at once, so the
// ABA problem of a Treiber pop does not arise. Links are slot numbers, not
// pointers: storing them needs no write barrier, which interrupt context
// must not run. After the push, the pusher wakes the runner if it parks
// (see idle.go).
//
// # Take (the runner)
//
// The runner empties the stack with one swap of head (taking a batch, as
// embassy's executor does), walks the list, and for each task moves it to
// its run list (local.go), then clears its queuedBit with a release store.
// The link is read before the clear: from the clear on, a wake may queue
// the task again and rewrite the link. The clear is a plain store, not a
// read-modify-write, because while queuedBit is set nobody else writes
// the state: wakes only load it, and finish and Stop's drop run on the
// runner's goroutine (or when no runner runs). The batch is reversed into
// push order, so tasks are polled first in, first out, as the post's
// ArrayQueue would.
//
// After the walk and before the first poll, the runner executes one fence
// (a locked instruction): a wake that publishes an event and then finds
// queuedBit still set (so it does not queue the task) did so before the
// clear was visible, hence before the fence, so the poll, which comes
// after the fence, sees the event (Dekker's pattern: store, fence, load on
// both sides; the waker's fence is its own locked instruction or SC
// atomic). One fence per batch replaces a locked clear per task.
//
// A wake and the poll it causes thus cost four locked instructions when
// the batch holds one task, as in BenchmarkWakePoll (the wake's CAS of
// state and CAS of head, the runner's swap of head and its fence), and
// 2 + 2/k in a batch of k. A wake of a task already queued is one load and
// an add that counts it.

// push puts h's task on r's stack; the caller has just set its queuedBit.
// It then wakes the runner if it parks (see idle.go).
//
//go:nosplit
func (r *runner) push(h *header) {
	r.enqueue(h)
	if atomic.LoadUint32(&r.parked) != 0 {
		r.unpark()
	}
}

// enqueue is push without the wake.
//
//go:nosplit
func (r *runner) enqueue(h *header) {
	old := atomic.LoadUint32(&r.head)
	for {
		h.link = old
		if atomic.CompareAndSwapUint32(&r.head, old, h.slot+1) {
			return
		}
		old = atomic.LoadUint32(&r.head)
	}
}

// takeBatch moves the run queue's tasks to the tail of the run list
// (local.go), in push order, clears their queuedBits and fences, as the
// comment above explains; a task already in the run list stays where it
// is. It reports false, taking nothing and making no locked instruction,
// when the queue is empty. It runs on the runner's goroutine only, and is
// //go:nosplit with no runtime call because Wake's local path calls it.
//
//go:nosplit
func (r *runner) takeBatch() bool {
	if atomic.LoadUint32(&r.head) == 0 {
		return false
	}
	next := atomic.SwapUint32(&r.head, 0)
	var first, last uint32 // the batch in push order, as slot+1
	for next != 0 {
		slot := next - 1
		t := r.entry(uint64(slot))
		if t == nil || t.hdr == nil || t.hdr.slot != slot {
			break // unreachable: only live or draining slots are queued
		}
		h := t.hdr
		next = h.link // before the clear: then the link is a waker's again
		f := t.flags
		if f&inRunList == 0 {
			// The stack gives the newest first: prepending reverses it.
			// The run-list bit is set before queuedBit is cleared, so
			// that Snapshot never finds the task in neither queue.
			t.link = first
			storeRelease32(&t.flags, f|inRunList)
			if first == 0 {
				last = slot + 1
			}
			first = slot + 1
		}
		storeRelease32(&h.state, atomic.LoadUint32(&h.state)&^queuedBit)
		if f&inRunList != 0 {
			// A local wake was first: it is in the run list already.
			storeRelease32(&h.dups, h.dups+1)
		}
	}
	fence()
	if first != 0 {
		if r.runTail == 0 {
			storeRelease32(&r.runHead, first)
		} else if t := r.entry(uint64(r.runTail - 1)); t != nil {
			t.link = first
		}
		r.runTail = last
	}
	return true
}

// fence is a full memory barrier: an atomic add of 0 to a word on the
// stack, on amd64 a LOCK XADD, which no load or store crosses. See the
// comment above for why the runner needs one per batch.
//
//go:nosplit
func fence() {
	var w uint32
	atomic.AddUint32(&w, 0)
}
