package clock

import (
	"gokernel/arch"
	"gokernel/kernel/dev/hpet"
	"gokernel/kernel/dev/pit"
	"gokernel/kernel/dev/pmtimer"
)

// Calibration against a reference counter: read the reference and the TSC
// together at the start and the end of about 5 ms of reference time, and
// divide. Under emulation the virtual CPU can be descheduled at any
// instruction, so each read is bracketed by two TSC reads, the tightest of
// several is kept, and the median of three rounds wins.
//
// Every wait is bounded by TSC cycles, not by a count of reads: a
// reference that does not count (an 8254 whose clock is gated, a missing
// HPET) costs at most waitCycles of TSC, about 0.2 s at 10 GHz and 2 s at
// 1 GHz, however slow each read is. Legacy port reads take about a
// microsecond on real hardware, so a count of ten million reads was 30 s.

const (
	rounds     = 3
	tries      = 8
	roundMs    = 5
	quickMs    = 1 // a boot round against the HPET or PM timer; Refine follows
	waitCycles = 1 << 31
)

// refHz returns a reference's frequency, refMask the width of its counter.
//
//go:nosplit
func refHz(s Source) uint64 {
	switch s {
	case HPET:
		return hpetHz
	case PMTimer:
		return pmtimer.Hz
	case PIT:
		return pit.InputHz
	}
	return 0
}

//go:nosplit
func refMask(s Source) uint64 {
	switch s {
	case HPET:
		return hpetMask
	case PMTimer:
		return pmMask
	}
	return 0xFFFF
}

var (
	hpetHz   uint64
	hpetMask uint64
	pmMask   uint64
)

// readRef reads the reference as a counter that counts up.
//
//go:nosplit
func readRef(s Source) uint64 {
	switch s {
	case HPET:
		return hpet.Counter()
	case PMTimer:
		return uint64(pmtimer.Read())
	}
	return uint64(^pit.ReadReference()) // channel 2 counts down
}

// sample returns the tightest of several bracketed reads of the reference:
// the TSC at the middle of the read and the reference's value.
//
//go:nosplit
func sample(s Source) (tsc, ref uint64) {
	width := ^uint64(0)
	for i := 0; i < tries; i++ {
		t0 := arch.Rdtsc()
		r := readRef(s)
		t1 := arch.Rdtsc()
		if t1 >= t0 && t1-t0 < width {
			tsc, ref, width = t0+(t1-t0)/2, r, t1-t0
		}
	}
	return tsc, ref
}

// round measures the TSC's frequency over ms of the reference, or
// reports false if the reference does not count within waitCycles.
//
//go:nosplit
func round(s Source, ms uint64) (uint64, bool) {
	hz, mask := refHz(s), refMask(s)
	target := hz * ms / 1000
	t1, r1 := sample(s)
	if first.tsc == 0 {
		first = stamp{t1, r1}
	}
	for {
		t2, r2 := sample(s)
		d := (r2 - r1) & mask
		if d >= target && d < mask/2 {
			if t2 <= t1 || d == 0 { // d is not 0: the check spares the division's
				return 0, false // zero check, which would call the runtime
			}
			return (t2 - t1) * hz / d, true
		}
		if t2-t1 > waitCycles {
			return 0, false
		}
	}
}

// first is the first sample of the latest measure, from which Refine
// measures again over a longer span.
var first stamp

type stamp struct{ tsc, ref uint64 }

// measure calibrates against reference s: the median of three rounds of
// ms each.
//
//go:nosplit
func measure(s Source, ms uint64) (uint64, bool) {
	first = stamp{}
	var old uint8
	if s == PIT {
		old = pit.StartReference()
	}
	var r [rounds]uint64
	ok := true
	for i := 0; i < rounds && ok; i++ {
		r[i], ok = round(s, ms)
	}
	if s == PIT {
		pit.StopReference(old)
	}
	if !ok {
		return 0, false
	}
	if r[0] > r[1] {
		r[0], r[1] = r[1], r[0]
	}
	if r[1] > r[2] {
		r[1], r[2] = r[2], r[1]
	}
	if r[0] > r[1] {
		r[0], r[1] = r[1], r[0]
	}
	return r[1], true
}

// Calibrate measures the TSC's frequency against source s, or says why it
// cannot: the source is absent, does not count, or gives a figure outside
// 100 MHz..10 GHz.
//
//go:nosplit
func Calibrate(s Source, r *Refs) (uint64, Problem) {
	return calibrate(s, r, false)
}

//go:nosplit
func calibrate(s Source, r *Refs, quick bool) (uint64, Problem) {
	ms := uint64(roundMs)
	if quick && (s == HPET || s == PMTimer) {
		ms = quickMs
	}
	var hz uint64
	var ok bool
	switch s {
	case CPUID15:
		hz, ok = fromCPUID15()
	case CPUID16:
		hz, ok = fromCPUID16()
	case HPET:
		if r.HPET == 0 {
			return 0, Absent
		}
		if hpetHz, ok = hpet.Init(r.HPET); !ok {
			return 0, Broken
		}
		hpetMask = ^uint64(0) >> (64 - hpet.CounterBits())
		hz, ok = measure(HPET, ms)
		if !quick || !ok {
			hpet.Release()
		}
	case PMTimer:
		if !pmtimer.Init(r.PMPort, r.PMBits) {
			return 0, Absent
		}
		pmMask = uint64(1)<<r.PMBits - 1
		hz, ok = measure(PMTimer, ms)
	case PIT:
		if r.NoPIT {
			return 0, Absent
		}
		hz, ok = measure(PIT, ms)
	default:
		return 0, Absent
	}
	switch {
	case !ok && (s == CPUID15 || s == CPUID16):
		return 0, Absent
	case !ok:
		return 0, Silent
	case hz < minHz || hz > maxHz:
		return hz, Absurd
	}
	return hz, Good
}

// Problem is the outcome of a calibration.
type Problem uint8

const (
	Good   Problem = iota
	Absent         // the source does not exist here
	Silent         // it does not count
	Broken         // its registers make no sense
	Absurd         // its figure is outside 100 MHz..10 GHz
)

// String says what went wrong, for the warning line.
//
//go:nosplit
func (p Problem) String() string {
	switch p {
	case Absent:
		return "not present"
	case Silent:
		return "did not count"
	case Broken:
		return "registers make no sense"
	case Absurd:
		return "gave an absurd figure"
	}
	return "ok"
}
