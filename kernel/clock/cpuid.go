package clock

import "gokernel/arch"

// The TSC's frequency as the CPU states it (SDM Vol. 2A, CPUID leaves 15h
// and 16h), as Linux's native_calibrate_tsc reads it
// (arch/x86/kernel/tsc.c).

// fromCPUID15 returns crystal * EBX / EAX from leaf 15h. Where the crystal
// field is 0 it uses Linux's table of the crystals of the models that do
// not report theirs (24 MHz Skylake and Kaby Lake clients, 25 MHz
// Skylake-X and Denverton, 19.2 MHz Goldmont), and otherwise derives the
// crystal from leaf 16h's base frequency, as Linux does.
//
//go:nosplit
func fromCPUID15() (uint64, bool) {
	if arch.MaxLeaf() < 0x15 {
		return 0, false
	}
	den, num, crystal, _ := arch.CPUID(0x15, 0)
	if den == 0 || num == 0 {
		return 0, false
	}
	hz := uint64(crystal)
	if hz == 0 {
		hz = knownCrystal(model())
	}
	if hz == 0 && arch.MaxLeaf() >= 0x16 {
		base, _, _, _ := arch.CPUID(0x16, 0)
		hz = uint64(base&0xFFFF) * 1_000_000 * uint64(den) / uint64(num)
	}
	return hz * uint64(num) / uint64(den), hz != 0
}

// fromCPUID16 returns leaf 16h's base frequency, at which the TSC runs on
// the processors that have the leaf.
//
//go:nosplit
func fromCPUID16() (uint64, bool) {
	if arch.MaxLeaf() < 0x16 {
		return 0, false
	}
	base, _, _, _ := arch.CPUID(0x16, 0)
	mhz := uint64(base & 0xFFFF)
	return mhz * 1_000_000, mhz != 0
}

// model returns the display model of a family-6 Intel CPU, or 0.
//
//go:nosplit
func model() uint32 {
	_, b, c, d := arch.CPUID(0, 0)
	if b != 0x756E6547 || d != 0x49656E69 || c != 0x6C65746E { // "GenuineIntel"
		return 0
	}
	a, _, _, _ := arch.CPUID(1, 0)
	if (a>>8)&0xF != 6 {
		return 0
	}
	return (a>>4)&0xF | (a>>16)&0xF<<4
}

// knownCrystal is Linux's table for models whose leaf 15h leaves the
// crystal out.
//
//go:nosplit
func knownCrystal(m uint32) uint64 {
	switch m {
	case 0x4E, 0x5E, 0x8E, 0x9E: // Skylake and Kaby Lake, mobile and desktop
		return 24_000_000
	case 0x55, 0x5F: // Skylake-X, Goldmont D (Denverton)
		return 25_000_000
	case 0x5C: // Goldmont (Apollo Lake)
		return 19_200_000
	}
	return 0
}
