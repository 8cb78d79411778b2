package main

import (
	"gokernel/arch"
	"gokernel/kernel/clock"
	"gokernel/kernel/pic"
	"gokernel/kernel/pit"
	"gokernel/kernel/sched"
)

// Hardware interrupts. Handlers only hand off: they count, wake, and
// return; nothing prints here except the once-per-vector report of an
// interrupt nobody expects.

// interrupt handles IRQ irq of the 8259 pair (vectors 32-47).
//
//go:nosplit
func interrupt(f *arch.Frame, irq uint8) {
	if pic.Check(irq) != pic.Handle {
		spurious[irq>>3&1]++
		return
	}
	switch irq {
	case 0:
		pit.Tick()
		now := clock.Nanotime()
		sched.Tick(now)
		if f.FromUser() {
			sched.Preempt(now)
		}
	default:
		unexpected(uint64(irqBase) + uint64(irq))
	}
	pic.EOI(irq)
}

// spurious counts spurious IRQ 7 (index 0) and IRQ 15 (index 1).
var spurious [2]uint64
