package clock

import "gokernel/kernel/dev/hpet"

// The boot's calibration in two steps, as Linux refines its early TSC
// calibration later (arch/x86/kernel/tsc.c, tsc_refine_calibration_work):
// CalibrateQuick measures three rounds of 1 ms against the HPET or the
// ACPI PM timer, enough to start the clock; the boot's next phases (the
// timer, the other CPUs, the address space) run meanwhile; Refine then
// measures again from the first sample to now, a span several times
// longer, and restarts the clock at the better figure without a jump.
// Against the 8254, whose 16-bit counter wraps every 55 ms, the rounds
// stay at 5 ms and Refine does nothing. This took the calibration from
// about 17 ms of the boot to about 4 (figures in README.md, "Boot time").

// refineMin is the shortest span Refine trusts: shorter, the quick
// figure stands.
const refineMin = 5 // ms

// CalibrateQuick is Calibrate for the boot: quick rounds, the reference
// left running for Refine.
//
//go:nosplit
func CalibrateQuick(s Source, r *Refs) (uint64, Problem) {
	hz, p := calibrate(s, r, true)
	switch {
	case p == Good && (s == HPET || s == PMTimer):
		pending = s
	case s == HPET && p != Absent && p != Broken:
		hpet.Release() // measured, but not used
	}
	return hz, p
}

var pending Source // the reference Refine measures against; None: none

// Refine measures the TSC again against the quick calibration's
// reference, over the span since its first sample, and restarts the clock
// at that frequency so that Nanotime carries on from where it is. It
// keeps the quick figure if the span is short, the reference wrapped
// or the figures differ by more than 1% (something is wrong with one).
// Preconditions: interrupts disabled; called once at boot, after Start
// and before the vDSO gets the clock's parameters (Params).
//
//go:nosplit
func Refine() {
	s := pending
	if s == None || source != s {
		return
	}
	pending = None
	t, r := sample(s)
	span, d := t-first.tsc, (r-first.ref)&refMask(s)
	ok := t > first.tsc && d > 0 && d < refMask(s)/2 &&
		span < 1<<40 && span*1000/tscHz >= refineMin
	if ok {
		hz := span * refHz(s) / d
		if hz*100 > tscHz*99 && hz*100 < tscHz*101 {
			restart(hz, t)
		}
	}
	if s == HPET {
		hpet.Release()
	}
}

// restart changes the TSC frequency to hz at TSC t, keeping Nanotime
// continuous there: Nanotime(t) before equals Nanotime(t) after.
//
//go:nosplit
func restart(hz, t uint64) {
	now := nanotimeAt(t)
	tscHz = hz
	mult = (1_000_000_000 << 32) / hz
	inv = (hz << 24) / 1_000_000_000
	tsc0 = 0
	tsc0 = t - TSCAt(now) // TSCAt adds tsc0: 0 here
}
