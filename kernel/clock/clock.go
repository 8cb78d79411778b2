// Package clock keeps the kernel's time: a monotonic nanosecond clock read
// from the time-stamp counter, calibrated at boot against the 8254 PIT, and
// the wall-clock time read once from the CMOS real-time clock.
package clock

import (
	"math/bits"

	"gokernel/arch"
	"gokernel/kernel/dev/pit"
	"gokernel/kernel/dev/rtc"
)

var (
	tscHz    uint64 // TSC ticks per second
	tsc0     uint64 // TSC at calibration: time zero of Nanotime
	mult     uint64 // ns = (tsc-tsc0) * mult >> 32
	last     int64  // Nanotime never goes backwards, even across a TSC hiccup
	bootUnix int64  // wall-clock seconds at time zero
	measured bool   // false when calibration fell back to a guess
)

// Init calibrates the TSC and reads the RTC. Preconditions: interrupts
// disabled; called once at boot.
//
//go:nosplit
func Init() {
	hz, ok := pit.CalibrateTSC()
	if !ok {
		hz = 2_000_000_000 // no PIT answer: assume 2 GHz rather than hang
	}
	measured = ok
	tscHz = hz
	mult = (1_000_000_000 << 32) / hz
	tsc0 = arch.Rdtsc()
	bootUnix = rtc.ReadUnix()
}

// Nanotime returns nanoseconds since Init. It never decreases.
//
//go:nosplit
func Nanotime() int64 {
	d := arch.Rdtsc() - tsc0
	hi, lo := bits.Mul64(d, mult)
	ns := int64(hi<<32 | lo>>32)
	if ns < last {
		return last
	}
	last = ns
	return ns
}

// Realtime returns the wall-clock time in nanoseconds since the Unix epoch.
//
//go:nosplit
func Realtime() int64 { return bootUnix*1_000_000_000 + Nanotime() }

// TSCHz returns the calibrated TSC frequency and whether it was measured.
//
//go:nosplit
func TSCHz() (uint64, bool) { return tscHz, measured }

// Params returns what a reader of the TSC needs to compute the clock
// without the kernel: ns since boot = (TSC - tsc0) * mult >> 32, and the
// wall-clock time at tsc0 in ns. The vDSO gets these.
//
//go:nosplit
func Params() (tsc0Out, multOut uint64, wallNs int64) {
	return tsc0, mult, bootUnix * 1_000_000_000
}
