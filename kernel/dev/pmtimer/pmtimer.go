// Package pmtimer reads the ACPI power-management timer (ACPI 6.5 §4.8.3.3,
// "PM Timer"): a free-running counter at 3.579545 MHz, 24 or 32 bits wide,
// read from the I/O port the FADT names (PM_TMR_BLK or X_PM_TMR_BLK). The
// kernel uses it as a reference clock to measure the TSC's frequency. The
// port is the firmware's to choose; nothing here assumes one.
//
// Ring 0: //go:nosplit, no allocation.
package pmtimer

import "gokernel/arch"

// Hz is the timer's frequency.
const Hz = 3579545

var (
	port uint16
	mask uint32
)

// Init takes the timer at port, bits wide (24 or 32). It reports false for
// port 0 or a width it does not know.
//
//go:nosplit
func Init(p uint16, bits uint8) bool {
	switch bits {
	case 24:
		mask = 1<<24 - 1
	case 32:
		mask = ^uint32(0)
	default:
		return false
	}
	port = p
	return p != 0
}

// Read returns the counter.
//
//go:nosplit
func Read() uint32 { return arch.Inl(port) & mask }

// Elapsed returns the counts from a to b, allowing for one wrap of the
// counter's width.
//
//go:nosplit
func Elapsed(a, b uint32) uint32 { return (b - a) & mask }
