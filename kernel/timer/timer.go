// Package timer is the kernel's event timer: the tick that lets the
// scheduler preempt threads and end waits, and the tickless idle that
// sleeps until the next deadline. Three kinds of hardware can serve:
//
//   - the local APIC timer in TSC-deadline mode (SDM Vol. 3A §11.5.4.1):
//     it interrupts when the TSC reaches a value, so a deadline is
//     programmed exactly, with no calibration of its own;
//   - the local APIC timer counting down (one-shot), at a rate measured
//     against the TSC at boot;
//   - the 8254's channel 0 (kernel/dev/pit), on IRQ 0, when there is no
//     APIC or the APIC's timer does not work.
//
// With an APIC timer the tick is a one-shot re-armed at every interrupt
// while threads run; in idle it is armed once for the next deadline. The
// tick count stays honest across idle: the periods that passed are
// credited when the tick restarts (account.go for the 8254 does the same
// with its counter).
//
// Ring 0: everything runs with interrupts disabled (the timer interrupt,
// the idle loop, boot), //go:nosplit, no allocation.
package timer

import (
	"sync/atomic"

	"gokernel/kernel/clock"
	"gokernel/kernel/cpu"
	"gokernel/kernel/dev/lapic"
	"gokernel/kernel/dev/pit"
)

// Kind is the hardware that serves the timer.
type Kind uint8

const (
	None     Kind = iota // nothing fires: the idle loop polls the clock
	PIT                  // the 8254 on IRQ 0
	LAPIC                // the local APIC timer, counting down
	Deadline             // the local APIC timer in TSC-deadline mode
)

// String names the kind as the boot line does.
//
//go:nosplit
func (k Kind) String() string {
	switch k {
	case PIT:
		return "PIT"
	case LAPIC:
		return "LAPIC one-shot"
	case Deadline:
		return "TSC-deadline"
	}
	return "none"
}

var (
	kind     Kind
	vector   uint8
	hz       uint64 // ticks a second
	periodNs int64  // ns a tick
	lapicHz  uint64 // the APIC timer's clocks a second (after its divider)

	fired atomic.Uint32 // interrupts seen, for the boot's check
)

// Each CPU's local APIC timer is its own: its tick, its idle.
type perCPU struct {
	ticks    atomic.Uint64
	fired    uint64 // this CPU's timer interrupts
	nextTick int64  // ns: when the APIC tick is due
	stopped  bool   // the APIC tick is stopped for the idle
	stopAt   int64  // ns: when it was
	carry    int64  // ns of a tick period not yet counted
	_        [16]byte
}

var cpus [cpu.Max]perCPU

//go:nosplit
func mine() *perCPU { return &cpus[cpu.ID()] }

// UsePIT makes the 8254's channel 0 the timer at rate Hz. The caller
// routes and enables IRQ 0.
//
//go:nosplit
func UsePIT(rate uint64) {
	kind = PIT
	hz = pit.Init(rate)
	periodNs = int64(1_000_000_000 / hz)
}

// UseLAPIC makes the local APIC timer the timer at rate Hz on vector:
// TSC-deadline mode if deadline, else counting down at clocksHz (after
// lapic.Divide).
//
//go:nosplit
func UseLAPIC(rate uint64, vec uint8, deadline bool, clocksHz uint64) {
	vector, hz = vec, max(rate, 1)
	periodNs = int64(1_000_000_000 / hz)
	kind = LAPIC
	lapicHz = clocksHz
	if deadline {
		kind = Deadline
	}
	StartCPU()
}

// StartCPU starts this CPU's tick with the kind, rate and vector the boot
// CPU chose: an AP's, as it comes up. The APIC kinds only.
//
//go:nosplit
func StartCPU() {
	if kind == Deadline {
		lapic.StartDeadline(vector)
	}
	c := mine()
	c.stopped = false
	c.nextTick = clock.Nanotime() + periodNs
	arm(c.nextTick)
}

// PerCPU reports whether every CPU has its own tick (the APIC kinds):
// the other CPUs may run threads only then.
//
//go:nosplit
func PerCPU() bool { return kind == LAPIC || kind == Deadline }

// Off stops the timer: nothing fires.
//
//go:nosplit
func Off() {
	if kind == LAPIC || kind == Deadline {
		lapic.StopTimer()
	}
	kind = None
}

// Active returns the timer's kind.
//
//go:nosplit
func Active() Kind { return kind }

// Hz returns the tick rate; Ticks the ticks counted since the timer
// started.
//
//go:nosplit
func Hz() uint64 { return hz }

//go:nosplit
func Ticks() uint64 {
	if kind == PIT {
		return pit.Ticks()
	}
	return cpus[0].ticks.Load()
}

// MyTicks returns this CPU's ticks.
//
//go:nosplit
func MyTicks() uint64 {
	if kind == PIT {
		return pit.Ticks()
	}
	return mine().ticks.Load()
}

// MyFired returns the timer interrupts this CPU took: the idle loop
// compares it across a halt to tell a wake-up by the timer from others.
//
//go:nosplit
func MyFired() uint64 { return mine().fired }

// LAPICHz returns the APIC timer's measured rate (LAPIC kind).
//
//go:nosplit
func LAPICHz() uint64 { return lapicHz }

// arm programs the APIC timer to interrupt at Nanotime at.
//
//go:nosplit
func arm(at int64) {
	switch kind {
	case Deadline:
		lapic.SetDeadline(clock.TSCAt(at))
	case LAPIC:
		d := max(at-clock.Nanotime(), 1000) // at least 1 us ahead
		lapic.StartCount(vector, countFor(d, lapicHz))
	}
}

// countFor returns the APIC timer clocks in ns at clocksHz, at least 1 and
// at most the 32-bit counter's range.
//
//go:nosplit
func countFor(ns int64, clocksHz uint64) uint32 {
	if ns <= 0 {
		return 1
	}
	if uint64(ns) > 1<<40 { // far beyond the counter: avoid overflow
		return ^uint32(0)
	}
	n := uint64(ns) * (clocksHz / 1000) / 1_000_000
	return uint32(min(max(n, 1), uint64(^uint32(0))))
}

// Interrupt accounts for one timer interrupt and re-arms the tick, and
// returns the time. The caller (kernel/irq) then ends expired waits and
// preempts.
//
//go:nosplit
func Interrupt() int64 {
	fired.Add(1)
	if kind == LAPIC || kind == Deadline {
		mine().fired++
	} else {
		cpus[0].fired++ // the 8254 interrupts the boot CPU
	}
	now := clock.Nanotime()
	switch kind {
	case PIT:
		pit.Interrupt()
	case LAPIC, Deadline:
		c := mine()
		p := periodNs
		if c.stopped || p <= 0 {
			return now // the idle's one-shot: RestartTick credits it
		}
		// The tick due at nextTick, and any whole periods that passed
		// since (a late interrupt), so the count keeps time.
		n := int64(1)
		if now > c.nextTick {
			n += (now - c.nextTick) / p
		}
		c.ticks.Add(uint64(n))
		c.nextTick += n * p
		arm(c.nextTick)
	}
	return now
}
