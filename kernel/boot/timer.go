package boot

import (
	"gokernel/arch"
	"gokernel/kernel/clock"
	"gokernel/kernel/cmdline"
	"gokernel/kernel/console"
	"gokernel/kernel/dev/lapic"
	"gokernel/kernel/irq"
	"gokernel/kernel/sched"
	"gokernel/kernel/timer"
)

// Timer starts the event timer at hz= ticks a second and prints the
// "timer:" line. With the APICs: the local APIC timer in TSC-deadline
// mode where the CPU has it (and tscdeadline=off does not forbid it), else
// counting down at a rate measured against the TSC; the 8254 only when
// neither works. With the PICs, the 8254. Each is checked: if its
// interrupt does not come within checkTime, the next is tried. If none
// fires, the kernel says so and the idle loop polls the clock instead of
// halting, so time keeps working.
//
//go:nosplit
func Timer() {
	hz := cmdline.Get(cmdline.Hz).Num
	if irq.Active() == irq.APIC {
		if arch.HasTSCDeadline() && !off(cmdline.TSCDeadline) {
			timer.UseLAPIC(hz, irq.TimerVector, true, 0)
			if fires("TSC-deadline timer") {
				timerLine("TSC-deadline", 0)
				return
			}
		}
		if rate, ok := measureLAPIC(); ok {
			timer.UseLAPIC(hz, irq.TimerVector, false, rate)
			if fires("LAPIC timer") {
				timerLine("LAPIC one-shot at ", rate)
				return
			}
		} else {
			console.Line("timer: the LAPIC timer does not count")
		}
		timer.Off()
	}
	timer.UsePIT(hz)
	if irq.Enable(irq.Timer) && fires("PIT") {
		timerLine("PIT", 0)
		return
	}
	timer.Off()
	sched.InterruptsWake = false
	console.Line("timer: no timer fires; the idle loop polls the clock instead of halting (time keeps working, at a cost)")
}

// checkTime bounds the wait for a timer's first interrupts. A timer that
// works answers within two ticks; the bound only matters for one that
// does not, and it must outlast an emulator's vCPU being descheduled.
const checkTime = 250_000_000 // ns

// fires enables interrupts until the timer has interrupted twice or
// checkTime has passed, polling the clock (a halt might never end), and
// reports whether it did; if not it says so, naming it.
//
//go:nosplit
func fires(name string) bool {
	f0 := timer.Fired()
	end := clock.Nanotime() + checkTime
	for timer.Fired()-f0 < 2 {
		late := clock.Nanotime() >= end
		// Interrupts are taken in this window, also once after the
		// deadline: the vCPU may have been away past it with the
		// interrupt pending.
		arch.Sti()
		arch.Pause()
		arch.Cli()
		if late {
			break
		}
	}
	if timer.Fired()-f0 >= 2 {
		sched.InterruptsWake = true
		return true
	}
	console.WriteString("timer: the ")
	console.WriteString(name)
	console.Line(" does not fire; trying the next")
	return false
}

// measureLAPIC measures the APIC timer's count-down rate (after its
// divider) against the TSC clock over about 2 ms: at QEMU's 62.5 MHz
// that is 125,000 counts, so the tick's length is good to about 0.1% if
// each end pairs its count with the right time. A count read is an MMIO
// access that a hypervisor may take microseconds to serve (tens under a
// busy TCG host), so each end is bracketed by two clock reads and the
// tightest of a few tries is kept, its count dated at the midpoint
// (lapicSample). Without that, 30 us of delay at one end made the rate
// 1.5% low ("61 MHz" for QEMU's 62.5) and one-shots fire early.
//
//go:nosplit
func measureLAPIC() (uint64, bool) {
	lapic.MeasureStart()
	t0, c0 := lapicSample()
	for clock.Nanotime()-t0 < 2_000_000 {
		arch.Pause()
	}
	t1, c1 := lapicSample()
	lapic.StopTimer()
	if c1 >= c0 || t1 <= t0 {
		return 0, false
	}
	return (uint64(c0-c1) * 1_000_000_000) / uint64(t1-t0), true
}

// lapicSample reads the APIC timer's count between two clock reads, four
// times, and returns the count of the tightest pair with the midpoint of
// its clock reads.
//
//go:nosplit
func lapicSample() (int64, uint32) {
	var at int64
	var count uint32
	best := int64(-1)
	for range 4 {
		a := clock.Nanotime()
		c := lapic.Count()
		b := clock.Nanotime()
		if best < 0 || b-a < best {
			best, at, count = b-a, a+(b-a)/2, c
		}
	}
	return at, count
}

//go:nosplit
func timerLine(what string, rate uint64) {
	console.WriteString("timer: ")
	console.WriteString(what)
	if rate != 0 {
		console.Dec(int64(rate / 1_000_000))
		console.WriteString(" MHz")
	}
	console.WriteString(", ")
	console.Dec(int64(timer.Hz()))
	console.Line(" Hz tick")
}
