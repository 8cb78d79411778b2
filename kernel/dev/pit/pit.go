// Package pit drives the 8254 programmable interval timer (Intel 8254 data
// sheet; PC wiring: channel 0 on IRQ 0, channel 2 gated and read through
// port 0x61). It is the only place the 8254's ports are written.
//
// Channel 0 is the kernel's tick (tick.go): periodic (mode 2, rate
// generator) while threads run, so the scheduler can preempt them, and a
// one-shot count (mode 0) when the CPU is idle with nothing due for a
// while ("tickless idle", like Linux's NO_HZ_IDLE). The tick accounting is
// a pure state machine (account.go) that host tests drive; this file and
// tick.go are the port I/O around it. Channel 2 measures the TSC's
// frequency at boot (calibrate.go).
//
// Ring 0 only: every function is //go:nosplit and allocates nothing; the
// tick functions run in the IRQ 0 handler and the idle loop with
// interrupts disabled.
package pit

import "gokernel/arch"

const (
	// InputHz is the 8254's input clock on PCs.
	InputHz = 1193182
	// DefaultHz is the tick rate unless the command line says hz=N.
	DefaultHz = 1000
	MinHz     = 19 // the 16-bit divisor's limit at 1.193182 MHz
	MaxHz     = 10000

	ch0   = 0x40
	ch2   = 0x42
	cmd   = 0x43
	portB = 0x61 // PC system control port B: bit 0 gates channel 2, bit 1 the speaker

	portBGate2 = 1 << 0
	portBSpkr  = 1 << 1

	modeRate     = 0x34 // channel 0, lo/hi byte, mode 2 (rate generator), binary
	modeOneShot  = 0x30 // channel 0, lo/hi byte, mode 0 (interrupt on terminal count)
	latch0       = 0x00 // latch channel 0's count
	latch2       = 0x80 // latch channel 2's count
	mode2OneShot = 0xB0 // channel 2, lo/hi byte, mode 0, binary
	// Read-back command (8254 data sheet, "Read-Back Command"): latch
	// channel 0's status byte only; its bit 7 is the OUT pin, which in
	// mode 0 goes high at the terminal count and stays high.
	readBackStatus0 = 0xE2
	statusOut       = 1 << 7
	maxCount        = 0xFFFF
)

// out writes a count to a channel, low byte first (the lo/hi access mode).
//
//go:nosplit
func writeCount(port uint16, n uint64) {
	arch.Outb(port, uint8(n))
	arch.Outb(port, uint8(n>>8))
}

// readLatched reads a latched 16-bit count.
//
//go:nosplit
func readLatched(port uint16) uint64 {
	lo := uint64(arch.Inb(port))
	return uint64(arch.Inb(port))<<8 | lo
}
