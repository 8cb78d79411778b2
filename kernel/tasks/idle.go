package tasks

import (
	"time"

	"gokernel/arch"
	"gokernel/kernel/kcall"
	"gokernel/task"
)

// Idle is the executor's idle function, the post's sleep_if_idle: the
// race-free halt. With interrupts disabled, check the queue; only if it is
// empty, ask the kernel to enable interrupts and halt in one step, until
// an interrupt or the executor's next timer (task.Sleep, tickers) (STI;HLT
// in the ring-0 idle loop, or another thread runs meanwhile). An
// interrupt that arrives between the check and the halt stays pending
// until interrupts are on again and then wakes us: no key is slept
// through. (A task woken by an ordinary goroutine rather than an
// interrupt is noticed within ten ticks of the timer, which wakes the
// waiting thread every tenth tick while any thread runs.)
//
// The executor's goroutine must be locked to its thread
// (runtime.LockOSThread): the CLI holds for that thread only.
func Idle(queueEmpty func() bool, deadline time.Duration, hasDeadline bool) {
	arch.Cli()
	if queueEmpty() {
		var timeout time.Duration // none: only an interrupt wakes us
		if hasDeadline {
			if timeout = deadline - task.DefaultTimers().Now(); timeout <= 0 {
				arch.Sti()
				return // a timer is due: fire it
			}
		}
		kcall.WaitInterrupt(timeout)
	}
	arch.Sti()
}
