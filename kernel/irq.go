package main

import (
	"gokernel/arch"
	"gokernel/kernel/clock"
	"gokernel/kernel/pic"
	"gokernel/kernel/pit"
	"gokernel/kernel/sched"
	"gokernel/kernel/serialin"
	"gokernel/keyboard"
)

// Hardware interrupts. Handlers only hand off: they read the device, push
// what it gave into a lock-free ring, wake whoever waits, and acknowledge;
// nothing prints here except the once-per-vector report of an interrupt
// nobody expects. Every interrupt also wakes threads waiting in opWaitIRQ,
// the executor's idle.

const (
	irqTimer    = 0
	irqKeyboard = 1
	irqCOM1     = 4
	ps2Data     = 0x60
)

// irqHandled reports whether IRQ irq has a handler (the only lines the
// kernel unmasks).
//
//go:nosplit
func irqHandled(irq uint8) bool { return irq == irqTimer || irq == irqKeyboard || irq == irqCOM1 }

// interrupt handles IRQ irq of the 8259 pair (vectors 32-47).
//
//go:nosplit
func interrupt(f *arch.Frame, irq uint8) {
	if pic.Check(irq) != pic.Handle {
		spurious[irq>>3&1]++
		return
	}
	switch irq {
	case irqTimer:
		pit.Interrupt()
		now := clock.Nanotime()
		sched.Tick(now)
		if f.FromUser() {
			sched.Preempt(now)
		}
	case irqKeyboard:
		// Reading the data port takes the byte and lets the 8042 raise
		// IRQ 1 again for the next one.
		keyboard.AddScancode(arch.Inb(ps2Data))
	case irqCOM1:
		serialin.Interrupt()
	default:
		unexpected(uint64(irqBase) + uint64(irq))
	}
	pic.EOI(irq)
	// A device interrupt may have woken a task: wake the executor's thread
	// if it waits. The timer does too, every tenth tick, for tasks woken
	// by ordinary goroutines rather than by interrupts.
	if irq != irqTimer || pit.Ticks()%10 == 0 {
		sched.WakeIRQWaiters()
	}
}

// spurious counts spurious IRQ 7 (index 0) and IRQ 15 (index 1).
var spurious [2]uint64
