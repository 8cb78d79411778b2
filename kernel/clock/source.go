package clock

// Source is where the TSC's frequency came from.
type Source uint8

const (
	None    Source = iota
	CPUID15        // CPUID leaf 15h: the TSC/crystal ratio and the crystal
	CPUID16        // CPUID leaf 16h: the processor's base frequency
	HPET           // calibrated against the HPET's main counter
	PMTimer        // calibrated against the ACPI PM timer
	PIT            // calibrated against the 8254's channel 2
	Guess          // nothing answered: 2 GHz assumed
	Agreed         // references agreeing on a figure outside the plausible range
	numSources
)

// String names the source as the boot line and clocksource= do.
//
//go:nosplit
func (s Source) String() string {
	switch s {
	case CPUID15:
		return "CPUID 15h"
	case CPUID16:
		return "CPUID 16h"
	case HPET:
		return "HPET"
	case PMTimer:
		return "PM timer"
	case PIT:
		return "PIT"
	case Guess:
		return "a guess"
	case Agreed:
		return "references agreeing"
	}
	return "none"
}

// Order returns the sources in Linux's order (native_calibrate_tsc, then
// the timer-based loops): what the CPU says first, then the references
// from best to worst.
//
//go:nosplit
func Order() [5]Source { return [5]Source{CPUID15, CPUID16, HPET, PMTimer, PIT} }

// ByName returns the source clocksource= names: cpuid (both leaves),
// hpet, pmtimer, pit.
//
//go:nosplit
func ByName(name string) (Source, bool) {
	switch name {
	case "cpuid":
		return CPUID15, true
	case "hpet":
		return HPET, true
	case "pmtimer":
		return PMTimer, true
	case "pit":
		return PIT, true
	}
	return None, false
}

// Refs is what the boot found to calibrate against: the HPET's registers
// (mapped), the PM timer's port and width from the FADT, and whether to
// try the PIT (not with apic on a machine the firmware says lacks one).
type Refs struct {
	HPET   uintptr
	PMPort uint16
	PMBits uint8
	NoPIT  bool
	Force  Source // clocksource=: this source or the guess
}

// Plausible TSC frequencies: a single figure outside them is taken for a
// broken source (though references that agree are believed).
const (
	minHz = 100_000_000
	maxHz = 10_000_000_000
)

// bootRefs is what the boot found; the clocksources test calibrates
// against it again.
var bootRefs Refs

// BootRefs returns the references the boot found.
//
//go:nosplit
func BootRefs() *Refs { return &bootRefs }
