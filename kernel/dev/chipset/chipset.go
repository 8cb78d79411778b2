// Package chipset drives the two legacy registers of the PC chipset that
// the kernel uses besides its interrupt and timer chips: the Reset
// Control Register at port 0xCF9 (PIIX and ICH chipsets; Intel ICH9
// datasheet §13.7.5) and the POST code port 0x80, whose writes serve as
// a delay of about a microsecond per write on real hardware (an ISA bus
// cycle; Linux's io_delay).
//
// Ring 0: //go:nosplit, no allocation.
package chipset

import "gokernel/arch"

const (
	resetControl = 0xCF9
	postCode     = 0x80

	rcrSystemReset = 0x02 // SYS_RST: full (hard) reset, not just the CPU
	rcrResetCPU    = 0x04 // RST_CPU: the 0->1 edge starts the reset
)

// Reset asks the chipset for a hard reset: select it first, then start
// it. It returns if the chipset has no such register.
//
//go:nosplit
func Reset() {
	arch.Outb(resetControl, rcrSystemReset)
	arch.Outb(resetControl, rcrSystemReset|rcrResetCPU)
}

// Delay waits about n microseconds by writes to the POST code port.
//
//go:nosplit
func Delay(n int) {
	for i := 0; i < n; i++ {
		arch.Outb(postCode, 0)
	}
}
