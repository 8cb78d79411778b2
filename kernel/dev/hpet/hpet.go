// Package hpet reads the High Precision Event Timer's main counter (IA-PC
// HPET Specification 1.0a, §2.3 "Register Set Area"; the ACPI HPET table
// gives its address). The kernel uses it only as a reference clock to
// measure the TSC's frequency. It is the only place the HPET's registers
// are named.
//
// Ring 0: //go:nosplit, no allocation; the registers are MMIO the caller
// maps uncached.
package hpet

import "gokernel/arch"

const (
	regCapID   = 0x000 // bits 63:32 the counter's period in femtoseconds
	regConfig  = 0x010 // bit 0 ENABLE_CNF: the main counter runs
	regCounter = 0x0F0

	cfgEnable = 1 << 0
	cap64Bit  = 1 << 13 // COUNT_SIZE_CAP: the main counter is 64 bits wide

	// maxPeriod is the longest period the specification allows, 100 ns
	// (§2.3.4: COUNTER_CLK_PERIOD <= 0x05F5E100).
	maxPeriod = 100_000_000
)

var (
	mmio     uintptr
	periodFs uint64
	wasOn    bool
	bits     uint8
)

// Init takes the HPET whose registers are mapped at va, starts its main
// counter if it is stopped, and returns the counter's frequency in Hz. It
// reports false for a block that reads back all ones or whose period is
// zero or beyond the specification's limit.
//
//go:nosplit
func Init(va uintptr) (hz uint64, ok bool) {
	mmio = va
	capID := read(regCapID)
	p := capID >> 32
	if capID == ^uint64(0) || p == 0 || p > maxPeriod {
		return 0, false
	}
	periodFs = p
	bits = 32
	if capID&cap64Bit != 0 {
		bits = 64
	}
	cfg := read(regConfig)
	wasOn = cfg&cfgEnable != 0
	if !wasOn {
		write(regConfig, cfg|cfgEnable)
	}
	return 1_000_000_000_000_000 / p, true
}

// CounterBits returns the main counter's width: 32 or 64.
//
//go:nosplit
func CounterBits() uint8 { return bits }

// Counter reads the main counter.
//
//go:nosplit
func Counter() uint64 { return read(regCounter) }

// Release stops the main counter again if Init started it.
//
//go:nosplit
func Release() {
	if mmio != 0 && !wasOn {
		write(regConfig, read(regConfig)&^cfgEnable)
	}
}

//go:nosplit
func read(reg uintptr) uint64 { return *(*uint64)(arch.Ptr(mmio + reg)) }

//go:nosplit
func write(reg uintptr, v uint64) { *(*uint64)(arch.Ptr(mmio + reg)) = v }
