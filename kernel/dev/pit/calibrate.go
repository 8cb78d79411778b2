package pit

import "gokernel/arch"

// Channel 2 as a reference clock (Intel 8254 data sheet; on PCs the
// channel's gate and the speaker are bits 0 and 1 of port 0x61): loaded
// with 0xFFFF in mode 0 it counts down at InputHz without an interrupt, so
// it works before the interrupt controllers are set up. The kernel's clock
// reads it to measure the TSC's frequency (kernel/clock) when no better
// reference exists.

// StartReference gates channel 2 on (the speaker off) and starts it
// counting down from 0xFFFF. It returns the old port 0x61 value for
// StopReference.
//
//go:nosplit
func StartReference() uint8 {
	b := arch.Inb(portB)
	arch.Outb(portB, (b&^portBSpkr)|portBGate2)
	arch.Outb(cmd, mode2OneShot)
	writeCount(ch2, 0xFFFF)
	return b
}

// ReadReference returns channel 2's count, which falls by one each tick of
// InputHz and wraps at 16 bits.
//
//go:nosplit
func ReadReference() uint16 {
	arch.Outb(cmd, latch2)
	return uint16(readLatched(ch2))
}

// StopReference restores port 0x61.
//
//go:nosplit
func StopReference(old uint8) { arch.Outb(portB, old) }
