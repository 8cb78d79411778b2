package pit

import "gokernel/arch"

// The tick: channel 0 on IRQ 0. These are the I/O shell around account.

var (
	tick account
	hz   uint64
)

// Init programs channel 0 as a rate generator (mode 2) at rate Hz, clamped
// to [MinHz, MaxHz], and returns the rate it set: the divisor is an
// integer, so the real rate is InputHz / divisor.
//
//go:nosplit
func Init(rate uint64) uint64 {
	rate = min(max(rate, MinHz), MaxHz)
	tick.divisor = (InputHz + rate/2) / rate
	hz = rate
	periodic()
	return InputHz / tick.divisor
}

//go:nosplit
func periodic() {
	arch.Outb(cmd, modeRate)
	writeCount(ch0, tick.divisor)
}

// Interrupt accounts for one IRQ 0. Called from the IRQ 0 handler.
//
//go:nosplit
func Interrupt() {
	out := false
	if tick.needsOut() {
		out = terminalCount()
	}
	tick.interrupt(out)
}

// terminalCount reports whether the one-shot count has run out.
//
//go:nosplit
func terminalCount() bool {
	arch.Outb(cmd, readBackStatus0)
	return arch.Inb(ch0)&statusOut != 0
}

// StopTick replaces the periodic tick with one interrupt after ns (at most
// about 55 ms, the counter's range). The idle loop calls it, with
// interrupts disabled, right before it halts. Preconditions: the periodic
// tick is running.
//
//go:nosplit
func StopTick(ns int64) {
	if n, ok := tick.stop(ns); ok {
		arch.Outb(cmd, modeOneShot)
		writeCount(ch0, n)
	}
}

// RestartTick goes back to the periodic tick after StopTick, adding the
// clocks that elapsed if an interrupt other than the one-shot ended the
// halt. Interrupts disabled.
//
//go:nosplit
func RestartTick() {
	if !tick.oneShot {
		return
	}
	out := !tick.fired && terminalCount()
	var left uint64
	if tick.restartNeedsCount(out) {
		arch.Outb(cmd, latch0)
		left = readLatched(ch0)
	}
	if tick.restart(out, left) {
		periodic()
	}
}

// Stop stops channel 0 for good: a control word for mode 0 without a
// count. The counter waits for a count that never comes and OUT stays
// low (8254 data sheet, "Write Operations": writing a control word resets
// the counter's control logic; mode 0 starts counting once the count is
// written), so no IRQ 0 follows and an emulator has no timer to run.
//
//go:nosplit
func Stop() {
	arch.Outb(cmd, modeOneShot)
}

// Ticks returns the number of tick periods since Init.
//
//go:nosplit
func Ticks() uint64 { return tick.ticks.Load() }

// Hz returns the programmed rate.
//
//go:nosplit
func Hz() uint64 { return hz }

// NsPerTick returns the length of a tick period in nanoseconds.
//
//go:nosplit
func NsPerTick() int64 {
	if hz == 0 {
		return 0
	}
	return int64(1_000_000_000 / hz)
}
