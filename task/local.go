package task

import "sync/atomic"

// The run list and the local wake path.
//
// A runner polls tasks from its run list, a FIFO private to its
// goroutine, linked through the table's entries (entry.link, and the
// inRunList bit of entry.flags): it needs no memory of its own and no
// atomic operation. Two things put tasks there:
//
//   - takeBatch, which moves the shared run queue's tasks (pushed by
//     Spawn and by wakes from other runners, goroutines and interrupt
//     handlers) to the list's tail, in push order;
//   - a local wake: a Wake made on the runner's goroutine, by a task
//     during its poll (or by a timer that the runner fires, or by the
//     idle function), of a task of that runner, which appends the task
//     directly. It costs no locked instruction, where a shared wake, with
//     the take and its fence, costs four: the difference is most of
//     BenchmarkPingPong's round trip (perf.md measured the same split:
//     32 ns shared, 24 ns with a local path).
//
// # Who is local
//
// Wake takes the local path when the calling goroutine is the one driving
// the task's runner (runner.owner, recorded by Run) and it runs on that
// goroutine's own stack (onOwnStack, in assembly). The second condition
// is for interrupts: in the kernel an interrupt handler runs on the
// interrupted thread's thread-local storage, so it sees the interrupted
// goroutine's g, which may be a runner's, but on a kernel stack outside
// that goroutine's bounds; it must take the shared path, because it may
// have interrupted the runner in the middle of changing the run list. A
// task of one runner waking a task of another takes the shared path too:
// the owner it compares with is the other runner's. On the host, signal
// handlers run on their own g. Off linux/amd64 there is no check
// (gself_other.go): every wake is shared.
//
// # Order and duplicates
//
// A task is at most once in the run list (the inRunList bit) and at most
// once in the shared queue (queuedBit), and may be in both for a moment: a shared
// wake may push a task that a local wake has put in the list. takeBatch
// then clears its queuedBit and leaves it where it is, so it is polled
// once, after both wakes. Before appending, a local wake first takes the
// shared queue if it holds anything, so a task queued from elsewhere
// before the local wake (as far as the two can be ordered) is polled
// before it: the run list stays first in, first out over both paths, and
// wakes from other goroutines cannot be starved by tasks that keep waking
// each other.

// wakeLocal is Wake on the runner's goroutine, for a task of this runner.
// It is //go:nosplit and makes no runtime call, as Wake's callers expect,
// though interrupt handlers never reach it (see above).
//
//go:nosplit
func (r *runner) wakeLocal(h *header) {
	t := r.entry(uint64(h.slot))
	s := atomic.LoadUint32(&h.state)
	if t == nil || t.hdr != h || s&doneBit != 0 {
		return // finished (maybe its slot is another task's now)
	}
	if s&queuedBit == 0 && !t.queued() && atomic.LoadUint32(&r.head) != 0 {
		r.takeBatch() // queued earlier from elsewhere: those go first
	}
	if s&queuedBit != 0 || t.queued() {
		storeRelease32(&h.dups, h.dups+1) // the coming poll will see what this wake announces
		return
	}
	r.appendRun(h.slot, t)
}

// appendRun puts slot's task, t, at the tail of the run list.
//
//go:nosplit
func (r *runner) appendRun(slot uint32, t *entry) {
	t.link = 0
	storeRelease32(&t.flags, t.flags|inRunList)
	if r.runTail == 0 {
		storeRelease32(&r.runHead, slot+1)
	} else if last := r.entry(uint64(r.runTail - 1)); last != nil {
		last.link = slot + 1
	}
	r.runTail = slot + 1
}

// popRun takes the task at the head of the run list: its slot and entry.
func (r *runner) popRun() (slot uint64, t *entry) {
	head := r.runHead
	if head == 0 {
		return 0, nil
	}
	slot = uint64(head - 1)
	t = r.entry(slot)
	storeRelease32(&r.runHead, t.link) // QueueEmpty loads it elsewhere
	if t.link == 0 {
		r.runTail = 0
	}
	t.link = 0
	storeRelease32(&t.flags, t.flags&^inRunList)
	return slot, t
}
