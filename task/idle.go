package task

import (
	"runtime"
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
// that "interrupts" signal after they wake (see the tests), or may simply
// yield (GoschedIdle).
type IdleFunc func(queueEmpty func() bool, deadline time.Duration, hasDeadline bool)

// GoschedIdle is an IdleFunc for hosted programs: it yields the processor
// (runtime.Gosched) when the queue is empty, so Run polls and yields in a
// loop until a task is woken. It ignores the deadline: a task sleeping on
// a timer keeps the loop spinning (with yields) until the deadline, which
// is fine for tests and short sleeps. NewExecutor uses it for a nil
// IdleFunc.
func GoschedIdle(queueEmpty func() bool, _ time.Duration, _ bool) {
	if queueEmpty() {
		runtime.Gosched()
	}
}

// QueueEmpty reports whether the run queue is empty. It is what Run passes
// to the idle function: //go:nosplit, no allocation, no lock, no runtime
// call; a wake whose push into the queue is still in flight counts as
// queued (the ring's Len counts claimed places), so QueueEmpty never says
// empty while a wake is being delivered.
//
//go:nosplit
func (e *Executor) QueueEmpty() bool {
	return e.q.ring.Len() == 0
}
