package task

import (
	"runtime"
	"sync/atomic"
	"time"
)

// The post's sleep_if_idle: what a runner does when none of its tasks is
// queued.

// IdleFunc is what a runner calls when its queue is empty but tasks are
// left: it should wait until an interrupt (or whatever stands for one)
// may have woken a task, or until deadline if hasDeadline, and return.
// Run fires the due timers and polls the queue again after it returns, so
// returning early is always safe; only the cost differs.
//
// deadline is the earliest deadline of the runner's timer queue (see
// SetTimers), on that queue's clock (Timers.Now), and hasDeadline is false
// when no timer is armed: then only an interrupt can wake a task. The
// deadline may already have passed (a timer fell due after the runner's
// last Fire); the idle function should then return at once. It is what lets
// an idle kernel sleep without a periodic tick: halt until the next
// interrupt or the deadline, whichever comes first.
//
// queueEmpty reports whether the runner's queue (its run list and run
// queue) is empty. It allocates nothing,
// takes no lock and only loads two integers, so it may be called with
// interrupts disabled. It exists so that the idle function can close the
// race between its check and its sleep, as the post's sleep_if_idle does:
//
//	func idle(queueEmpty func() bool, deadline time.Duration, hasDeadline bool) {
//		arch.Cli()
//		if queueEmpty() {
//			// sti; hlt: enables interrupts and halts in one step, until
//			// the next interrupt or, if hasDeadline, the timer interrupt
//			// programmed for deadline.
//			waitForInterrupt(deadline, hasDeadline)
//		}
//		arch.Sti()
//	}
//
// With interrupts off nothing can wake a task between queueEmpty and the
// halt, and sti takes effect only after the instruction that follows it,
// so an interrupt that arrives after the check is held pending until hlt
// has begun and then ends it: the wake it brings is never slept through.
// A hosted idle function gets the same guarantee from a buffered channel
// that "interrupts" signal after they wake (see the tests). NewExecutor
// with a nil IdleFunc uses the executor's own, which blocks (see park).
//
// An IdleFunc is not told when another runner ends the executor (Stop, or
// the last task finished elsewhere): with several runners it must return
// by itself now and then, or the runner's Run returns only when it does.
// park needs no such care; it is what a multi-runner executor should use,
// with the kernel's blocking call as its WaitFunc.
type IdleFunc func(queueEmpty func() bool, deadline time.Duration, hasDeadline bool)

// GoschedIdle is an IdleFunc that yields the processor (runtime.Gosched)
// when the queue is empty, so the runner polls and yields in a loop until
// a task is woken. It ignores the deadline: a task sleeping on a timer keeps the
// loop spinning (with yields) until the deadline. The default idle (a nil
// IdleFunc) blocks instead.
func GoschedIdle(queueEmpty func() bool, _ time.Duration, _ bool) {
	if queueEmpty() {
		runtime.Gosched()
	}
}

// WaitFunc is park's blocking call: it blocks the calling thread while
// *word == val, until a FUTEX_WAKE of word or the timeout (negative: none),
// and may return early (spuriously, or on a signal). That is futex(2)'s
// FUTEX_WAIT, which the default (Config.Wait nil) makes. The check of
// *word and the start of the wait must be atomic with respect to the wake,
// as a futex's are: a wake between them must end the wait.
//
// The kernel passes its own: a wait that also ends at the next hardware
// interrupt (its WaitIRQ), because an interrupt handler that wakes a task
// of a parked runner cannot make the FUTEX_WAKE (see park for who wakes
// whom).
type WaitFunc func(word *uint32, val uint32, timeout time.Duration)

// park is the default idle function: it blocks the runner's thread until
// a task is queued on the runner (a Wake, a Spawn), the executor stops
// (Stop, or the last task finished on another runner), or the deadline
// passes, so an idle runner costs no CPU.
//
// # The park word
//
// Each runner has a park word (runner.parked), a uint32:
//
//	0  the runner runs (or is about to find work)
//	1  the runner parks: it is about to block in its WaitFunc, or blocks
//	2  it parks, and an interrupt handler has queued a task for it since,
//	   which could not make the FUTEX_WAKE (ring 0 makes no system call)
//
// The protocol, with sequentially consistent atomics on both sides (on
// amd64 XCHG, LOCK CMPXCHG and a plain load):
//
//  1. The runner stores 1 in its word (only the runner stores 1, and 0
//     after it has parked).
//  2. It checks its queue (its run list and run queue: QueueEmpty) and the
//     stop flag; if either says there is work, it stores 0 and returns.
//  3. It calls the WaitFunc with the word's address and 1 (and the time to
//     the next deadline), which blocks while the word holds 1.
//  4. When that returns, for whatever reason, it stores 0.
//
// A waker (a Wake or Spawn that pushed a task onto the runner's queue;
// Stop; the runner that ends the executor) first makes its update (the
// push's CAS of the queue's head, the store of the stop flag), then loads
// the word, and if it is not 0:
//
//   - in ring 3 (a goroutine, a task of another runner; on the host,
//     always) it swaps the word to 0, and if the old value was not 0 makes
//     futex(word, FUTEX_WAKE_PRIVATE, 1), a bare SYSCALL; of several
//     wakers, only the first swap finds 1 or 2 and makes the call;
//   - in ring 0 (an interrupt handler in the kernel; inRing0 reads CS) it
//     changes 1 to 2 with a compare-and-swap and makes no call. The
//     kernel must end the wait itself once the handler returns: its
//     WaitFunc also ends at every device interrupt (the kernel wakes the
//     threads in it after each handler, as it wakes WaitIRQ's today).
//
// No wake is lost: the runner stores 1 and then loads the queue; the waker
// stores into the queue and then loads the word (Dekker's pattern). Both
// are sequentially consistent, so either the runner sees the task (step 2
// returns), or the waker sees 1 and changes it (or another waker already
// did). That change comes either before the WaitFunc checks the word,
// which then does not block (the word no longer holds 1), or after the
// wait began, and then the FUTEX_WAKE, or in ring 0 the end of the
// interrupt, ends it. A waker that finds 0 has nothing to do: the runner
// is running, or will see the task in step 2, or another waker has woken
// it. Extra wakes only cost a spurious return: the runner loops, finds
// nothing, and parks again.
//
// The 2 keeps a ring-0 wake from hiding the runner from later wakers: with
// a WaitFunc that interrupts do not end (FutexWait, as a kernel executor
// using the default would have), a runner that an interrupt handler woke
// stays blocked until the deadline or the next ring-3 wake, which still
// finds the word not 0 and makes the FUTEX_WAKE. Delayed, never lost;
// the kernel's own WaitFunc removes the delay.
//
// The FUTEX_WAKE is a system call that Waker.Wake reaches: at most one per
// park, and none while the runner runs (a load of the word). It is a bare
// SYSCALL without the runtime's entersyscall (futex_linux_amd64.s), so
// Wake still makes no runtime call.
//
// The deadline is on the runner's timer clock, taken to run at the speed
// of real time (the default clock does).
func (r *runner) park(deadline time.Duration, hasDeadline bool) {
	atomic.StoreUint32(&r.parked, 1)
	if !r.QueueEmpty() || atomic.LoadUint32(&r.e.stopFlag) != 0 {
		atomic.StoreUint32(&r.parked, 0)
		return
	}
	timeout := time.Duration(-1) // none
	if hasDeadline {
		if timeout = deadline - r.tq.Now(); timeout <= 0 {
			atomic.StoreUint32(&r.parked, 0)
			return
		}
	}
	r.e.wait(&r.parked, 1, timeout)
	atomic.StoreUint32(&r.parked, 0)
}

// unpark wakes the runner if it parks, as park's protocol says. Callers
// have just pushed a task or set the stop flag, and found r.parked not 0.
//
//go:nosplit
func (r *runner) unpark() { r.unparkFrom(inRing0()) }

// unparkFrom is unpark in ring 0 or in ring 3; TestParkRing0 plays the
// interrupt handler with it.
//
//go:nosplit
func (r *runner) unparkFrom(ring0 bool) {
	if ring0 {
		atomic.CompareAndSwapUint32(&r.parked, 1, 2)
		return
	}
	if atomic.SwapUint32(&r.parked, 0) != 0 {
		futexWake(&r.parked)
	}
}

// QueueEmpty reports whether no task is queued on r: its run list and run
// queue are empty. It is what the runner passes to the idle function:
// //go:nosplit, two loads, no allocation, no lock, no runtime call. The
// runner calls the idle function only when both are empty, so there
// QueueEmpty turns false only when a task is queued from elsewhere, unless
// another thread's push is in flight (its wake has set queuedBit, its CAS
// of the head is still to come): an interrupt handler finishes its push
// before the idle function resumes, and another thread's push that lands
// later unparks the runner, or, with another idle function, is seen at
// the next interrupt.
//
//go:nosplit
func (r *runner) QueueEmpty() bool {
	return atomic.LoadUint32(&r.runHead) == 0 && atomic.LoadUint32(&r.head) == 0
}

// QueueEmpty reports whether no task is queued on any runner: see
// runner.QueueEmpty, which the idle function is given. It is //go:nosplit,
// two loads per runner, no allocation, no lock, no runtime call.
//
//go:nosplit
func (e *Executor) QueueEmpty() bool {
	for _, r := range e.runners {
		if !r.QueueEmpty() {
			return false
		}
	}
	return true
}
