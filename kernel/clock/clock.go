// Package clock keeps the kernel's time: a monotonic nanosecond clock read
// from the time-stamp counter, whose frequency the CPU states or the boot
// measures against a reference (calibrate.go, in Linux's order: CPUID
// leaves 15h and 16h, the HPET, the ACPI PM timer, the 8254), and the
// wall-clock time read once from the CMOS real-time clock.
//
// Both rings: Nanotime is //go:nosplit and runs in ring 0 (and, read
// through the vDSO's copy of the parameters, in ring 3); the calibration
// runs in ring 0 at boot and in the clocksources test.
package clock

import (
	"math/bits"

	"gokernel/arch"
	"gokernel/kernel/dev/rtc"
)

var (
	tscHz    uint64 // TSC ticks per second
	tsc0     uint64 // TSC at calibration: time zero of Nanotime
	mult     uint64 // ns = (tsc-tsc0) * mult >> 32
	inv      uint64 // tsc-tsc0 = ns * inv >> 24
	last     int64  // Nanotime never goes backwards, even across a TSC hiccup
	bootUnix int64  // wall-clock seconds at time zero
	source   Source
)

// GuessHz is the TSC frequency assumed when nothing could measure it.
const GuessHz = 2_000_000_000

// Start starts the clock at the TSC frequency hz, which source gave, and
// reads the RTC. Preconditions: interrupts disabled; called once at boot.
//
//go:nosplit
func Start(hz uint64, s Source) {
	lowest := uint64(minHz)
	if s == Agreed {
		lowest = 1_000_000 // an emulator's slow TSC, which references confirmed
	}
	if hz < lowest || hz > maxHz {
		hz, s = GuessHz, Guess
	}
	source = s
	tscHz = hz
	mult = (1_000_000_000 << 32) / hz
	inv = (hz << 24) / 1_000_000_000
	tsc0 = arch.Rdtsc()
	bootUnix = rtc.ReadUnix()
}

// TSCAt returns the TSC value at Nanotime ns.
//
//go:nosplit
func TSCAt(ns int64) uint64 {
	if ns < 0 {
		ns = 0
	}
	hi, lo := bits.Mul64(uint64(ns), inv)
	return tsc0 + (hi<<40 | lo>>24)
}

// ClockSource returns where the TSC's frequency came from.
//
//go:nosplit
func ClockSource() Source { return source }

// Nanotime returns nanoseconds since Init. It never decreases.
//
//go:nosplit
func Nanotime() int64 {
	ns := nanotimeAt(arch.Rdtsc())
	if ns < last {
		return last
	}
	last = ns
	return ns
}

// nanotimeAt converts TSC value t to nanoseconds since time zero.
//
//go:nosplit
func nanotimeAt(t uint64) int64 {
	hi, lo := bits.Mul64(t-tsc0, mult)
	return int64(hi<<32 | lo>>32)
}

// Realtime returns the wall-clock time in nanoseconds since the Unix epoch.
//
//go:nosplit
func Realtime() int64 { return bootUnix*1_000_000_000 + Nanotime() }

// TSCHz returns the TSC frequency and whether it was measured or stated
// rather than guessed.
//
//go:nosplit
func TSCHz() (uint64, bool) { return tscHz, source != Guess && source != None }

// Params returns what a reader of the TSC needs to compute the clock
// without the kernel: ns since boot = (TSC - tsc0) * mult >> 32, and the
// wall-clock time at tsc0 in ns. The vDSO gets these.
//
//go:nosplit
func Params() (tsc0Out, multOut uint64, wallNs int64) {
	return tsc0, mult, bootUnix * 1_000_000_000
}
