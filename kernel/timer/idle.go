package timer

import (
	"gokernel/kernel/clock"
	"gokernel/kernel/dev/pit"
)

// The tickless idle: StopTick before the idle loop halts, RestartTick
// after. Interrupts are disabled in both.

// StopTick replaces the tick with one interrupt gap ns from now: the next
// deadline of a sleeping thread, or far away (a long gap is clamped by
// the hardware: 55 ms for the 8254, about a minute for the APIC counter,
// none for TSC-deadline).
//
//go:nosplit
func StopTick(gap int64) {
	switch kind {
	case PIT:
		pit.StopTick(gap)
	case LAPIC, Deadline:
		c := mine()
		if c.stopped || gap < 2*periodNs {
			return // the tick comes first anyway
		}
		c.stopped = true
		c.stopAt = clock.Nanotime()
		arm(c.stopAt + gap)
	}
}

// RestartTick goes back to the tick after StopTick, crediting the tick
// periods that passed.
//
//go:nosplit
func RestartTick() {
	switch kind {
	case PIT:
		pit.RestartTick()
	case LAPIC, Deadline:
		c := mine()
		if !c.stopped {
			return
		}
		now := clock.Nanotime()
		p := periodNs
		if p <= 0 { // never: UseLAPIC sets it; the check spares the division's
			return // zero check, which would call the runtime
		}
		elapsed := now - c.stopAt + c.carry
		n := elapsed / p
		c.carry = elapsed - n*p
		c.ticks.Add(uint64(n))
		c.stopped = false
		c.nextTick = now + periodNs - c.carry
		arm(c.nextTick)
	}
}

// Fired returns the timer interrupts seen so far, for the boot's check
// that the timer works.
//
//go:nosplit
func Fired() uint32 { return fired.Load() }
