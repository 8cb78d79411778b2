// Package irq routes hardware interrupts: which interrupt controller the
// kernel uses (the local and I/O APICs, or the 8259 PICs as the fallback),
// how each device line reaches a vector, enabling lines, and the handler
// that runs for each vector. Handlers only hand off: they read the device,
// push what it gave into a lock-free ring, wake whoever waits, and
// acknowledge; nothing prints here but the once-per-vector report of an
// interrupt nobody expects. Every device interrupt also wakes the threads
// waiting in the private call's WaitIRQ, the executor's idle.
//
// Vectors: ISA line n arrives as Base+n with either controller (the I/O
// APIC is programmed to keep the PIC's numbering), the local APIC timer as
// TimerVector, its error and spurious interrupts as ErrorVector and
// SpuriousVector, and the vectors handed out for message-signalled
// interrupts from MSIBase on (msi.go).
//
// Ring 0: everything here runs with interrupts disabled on the kernel
// stack, under the ring-0 rules (//go:nosplit, no allocation, no write
// barrier; tools/ring0check).
package irq

import (
	"gokernel/arch"
	"gokernel/kernel/dev/lapic"
	"gokernel/kernel/dev/pic"
	"gokernel/kernel/dev/ps2"
	"gokernel/kernel/dev/uart"
	"gokernel/kernel/sched"
	"gokernel/kernel/timer"
	"gokernel/kernel/trap"
)

// The ISA interrupt lines the kernel handles.
const (
	Timer    = 0 // the 8254's channel 0: the tick, when the 8254 is the timer
	Keyboard = 1 // the 8042's first port
	COM1     = 4 // the 16550's receive interrupt
	RTC      = 8 // not used: listed for the irq command
)

// Vectors.
const (
	Base           = 32   // ISA line n is vector Base+n
	TimerVector    = 48   // the local APIC timer
	ErrorVector    = 0xFE // the local APIC's internal errors
	SpuriousVector = 0xFF // the local APIC's spurious interrupt (SDM Vol. 3A §11.9)
)

// Controller is the interrupt controller in use.
type Controller uint8

const (
	PIC  Controller = iota // the 8259 pair
	APIC                   // local APIC and I/O APICs
)

var (
	ctrl     Controller
	counts   [256]uint64 // interrupts by vector
	spurious [2]uint64   // spurious IRQ 7 and IRQ 15 of the PICs
)

// Handled reports whether line has a handler (the only lines the kernel
// enables).
//
//go:nosplit
func Handled(line uint8) bool { return line == Timer || line == Keyboard || line == COM1 }

// Active returns the controller in use.
//
//go:nosplit
func Active() Controller { return ctrl }

// Interrupt handles vector v, whose frame is f.
//
//go:nosplit
func Interrupt(f *arch.Frame, v uint8) {
	counts[v]++
	switch {
	case v == SpuriousVector && ctrl == APIC:
		return // not in service: no EOI
	case v == ErrorVector && ctrl == APIC:
		apicErrors |= lapic.Errors()
		lapic.EOI()
		return
	case v == TimerVector && ctrl == APIC:
		tick(f)
		lapic.EOI()
		return
	case v >= MSIBase && v < MSIBase+MSICount && ctrl == APIC:
		msi(v)
		return
	case v >= Base && v < Base+16:
	default:
		trap.Unexpected(uint64(v))
		return
	}
	line := v - Base
	if ctrl == PIC && pic.Check(line) != pic.Handle {
		spurious[line>>3&1]++
		return
	}
	switch line {
	case Timer:
		tick(f)
	case Keyboard:
		ps2.Interrupt()
	case COM1:
		uart.Interrupt()
	default:
		trap.Unexpected(uint64(v))
	}
	eoi(line)
	// A device interrupt may have woken a task: wake the executor's
	// thread if it waits.
	if line != Timer {
		sched.WakeIRQWaiters()
	}
}

// tick is the timer interrupt: account and re-arm, end the waits that are
// due, preempt a thread whose time slice is used up. Every tenth tick also
// wakes the executor's thread, for tasks woken by ordinary goroutines
// rather than by interrupts.
//
//go:nosplit
func tick(f *arch.Frame) {
	now := timer.Interrupt()
	sched.Tick(now)
	if f.FromUser() {
		sched.Preempt(now)
	}
	if timer.MyTicks()%10 == 0 {
		sched.WakeIRQWaiters()
	}
}

//go:nosplit
func eoi(line uint8) {
	if ctrl == APIC {
		lapic.EOI()
		return
	}
	pic.EOI(line)
}

// Spurious returns the counts of spurious IRQ 7 and IRQ 15 (PIC) and of
// the local APIC's spurious vector.
//
//go:nosplit
func Spurious() (irq7, irq15, apic uint64) {
	return spurious[0], spurious[1], counts[SpuriousVector]
}
