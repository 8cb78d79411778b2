package task

import (
	"runtime"
	"sync/atomic"
	"time"
)

// The post's sleep_if_idle: what Run does when no task is queued.

// IdleFunc is what Run calls when the run queue is empty but tasks are
// left: it should wait until an interrupt (or whatever stands for one)
// may have woken a task, or until deadline if hasDeadline, and return.
// Run fires the due timers and polls the queue again after it returns, so
// returning early is always safe; only the cost differs.
//
// deadline is the earliest deadline of the executor's timer queue (see
// SetTimers), on that queue's clock (Timers.Now), and hasDeadline is false
// when no timer is armed: then only an interrupt can wake a task. The
// deadline may already have passed (a timer fell due after Run's last
// Fire); the idle function should then return at once. It is what lets
// an idle kernel sleep without a periodic tick: halt until the next
// interrupt or the deadline, whichever comes first.
//
// queueEmpty reports whether the run queue is empty. It allocates nothing,
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
type IdleFunc func(queueEmpty func() bool, deadline time.Duration, hasDeadline bool)

// GoschedIdle is an IdleFunc that yields the processor (runtime.Gosched)
// when the queue is empty, so Run polls and yields in a loop until a task
// is woken. It ignores the deadline: a task sleeping on a timer keeps the
// loop spinning (with yields) until the deadline. The default idle (a nil
// IdleFunc) blocks instead.
func GoschedIdle(queueEmpty func() bool, _ time.Duration, _ bool) {
	if queueEmpty() {
		runtime.Gosched()
	}
}

// park is the default idle function, for hosted programs: it blocks the
// executor's thread until a task is queued (a Wake, a Spawn), Stop is
// called, or the deadline passes, so an idle executor costs no CPU.
//
// It announces that it sleeps in the run queue's sleeping word, checks
// the queue and the stop flag once more, and waits on the word with a
// futex. A Wake or Spawn that pushed a task, and Stop, load the word
// after their own update; one that finds it set clears it and wakes the
// futex. Both sides store and then load with sequentially consistent
// atomics (Dekker's pattern), so either park sees the task or the stop,
// or the waker sees the word set: a wake is never slept through. If the
// waker clears the word before the futex wait begins, the wait returns at
// once (the word no longer holds 1).
//
// The futex wake is a system call: Waker.Wake reaches it, and it is why
// park is only for hosted programs. In the kernel an interrupt handler
// calls Wake, where a system call cannot be made; there the executor has
// an idle function of its own (the kernel's halts with interrupts off),
// the sleeping word is never set, and Wake never makes the call.
//
// The deadline is on the executor's timer clock, taken to run at the speed
// of real time (the default clock does).
func (e *Executor) park(deadline time.Duration, hasDeadline bool) {
	q := e.q
	atomic.StoreUint32(&q.sleeping, 1)
	if !e.QueueEmpty() || atomic.LoadUint32(&e.stopFlag) != 0 {
		atomic.StoreUint32(&q.sleeping, 0)
		return
	}
	timeout := time.Duration(-1) // none
	if hasDeadline {
		if timeout = deadline - e.tq.Now(); timeout <= 0 {
			atomic.StoreUint32(&q.sleeping, 0)
			return
		}
	}
	futexWait(&q.sleeping, 1, timeout)
	atomic.StoreUint32(&q.sleeping, 0)
}

// wakeSleeper wakes the executor if it sleeps in park. Callers have just
// pushed a task or set the stop flag, and check q.sleeping first.
//
//go:nosplit
func (q *runQueue) wakeSleeper() {
	if atomic.CompareAndSwapUint32(&q.sleeping, 1, 0) {
		futexWake(&q.sleeping)
	}
}

// QueueEmpty reports whether no task is queued: Run's run list and the run
// queue are empty. It is what Run passes to the idle function:
// //go:nosplit, two loads, no allocation, no lock, no runtime call. Run
// calls the idle function only when both are empty, so there QueueEmpty
// turns false only when a task is queued from elsewhere, unless another
// thread's push is in flight (its wake has set queuedBit, its CAS of the
// head is still to come): an interrupt handler finishes its push before
// the idle function resumes, and another thread's push that lands later
// wakes a sleeping park, or, in the kernel, is seen at the next interrupt.
//
//go:nosplit
func (e *Executor) QueueEmpty() bool {
	return atomic.LoadUint32(&e.runHead) == 0 && atomic.LoadUint32(&e.q.head) == 0
}
