// Package irq routes hardware interrupts to their drivers: the lines the
// kernel handles, enabling them, and the handler that runs for each.
// Handlers only hand off: they read the device, push what it gave into a
// lock-free ring, wake whoever waits, and acknowledge; nothing prints here
// but the once-per-vector report of an interrupt nobody expects. Every
// interrupt also wakes the threads waiting in the private call's WaitIRQ,
// the executor's idle.
//
// Ring 0: everything here runs with interrupts disabled on the kernel
// stack, under the ring-0 rules (//go:nosplit, no allocation, no write
// barrier; tools/ring0check).
package irq

import (
	"gokernel/arch"
	"gokernel/kernel/clock"
	"gokernel/kernel/dev/pic"
	"gokernel/kernel/dev/pit"
	"gokernel/kernel/dev/ps2"
	"gokernel/kernel/dev/uart"
	"gokernel/kernel/sched"
	"gokernel/kernel/trap"
)

// The ISA interrupt lines the kernel handles.
const (
	Timer    = 0 // the 8254's channel 0: the tick
	Keyboard = 1 // the 8042's first port
	COM1     = 4 // the 16550's receive interrupt
)

// Base is the vector of line 0: line n arrives as vector Base+n.
const Base = 32

// Handled reports whether line has a handler (the only lines the kernel
// enables).
//
//go:nosplit
func Handled(line uint8) bool { return line == Timer || line == Keyboard || line == COM1 }

// Init sets up the interrupt controller with every line masked.
//
//go:nosplit
func Init() { pic.Init(Base) }

// Enable unmasks line if it has a handler, and reports whether it did.
//
//go:nosplit
func Enable(line uint8) bool {
	if !Handled(line) {
		return false
	}
	pic.Unmask(line)
	return true
}

// Interrupt handles line (vector Base+line) whose frame is f.
//
//go:nosplit
func Interrupt(f *arch.Frame, line uint8) {
	if pic.Check(line) != pic.Handle {
		spurious[line>>3&1]++
		return
	}
	switch line {
	case Timer:
		pit.Interrupt()
		now := clock.Nanotime()
		sched.Tick(now)
		if f.FromUser() {
			sched.Preempt(now)
		}
	case Keyboard:
		ps2.Interrupt()
	case COM1:
		uart.Interrupt()
	default:
		trap.Unexpected(uint64(Base) + uint64(line))
	}
	pic.EOI(line)
	// A device interrupt may have woken a task: wake the executor's thread
	// if it waits. The timer does too, every tenth tick, for tasks woken
	// by ordinary goroutines rather than by interrupts.
	if line != Timer || pit.Ticks()%10 == 0 {
		sched.WakeIRQWaiters()
	}
}

// spurious counts spurious IRQ 7 (index 0) and IRQ 15 (index 1).
var spurious [2]uint64

// Spurious returns the counts of spurious IRQ 7 and IRQ 15.
//
//go:nosplit
func Spurious() (irq7, irq15 uint64) { return spurious[0], spurious[1] }
