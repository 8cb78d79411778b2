// Package pic drives the two cascaded 8259A programmable interrupt
// controllers of the PC (Intel 8259A data sheet; PC/AT wiring: the slave on
// the master's IRQ 2).
package pic

import "gokernel/arch"

const (
	masterCmd  = 0x20
	masterData = 0x21
	slaveCmd   = 0xA0
	slaveData  = 0xA1

	icw1Init = 0x11 // ICW1: edge triggered, cascade, ICW4 follows
	icw4x86  = 0x01 // ICW4: 8086 mode, normal EOI
)

// Init moves IRQs 0-7 to vectors base..base+7 and IRQs 8-15 to
// base+8..base+15, and masks every line. At power-on the master sits on
// vectors 8-15, where IRQ 0 would look like a double fault, so this must
// happen before interrupts are enabled. Preconditions: interrupts disabled.
//
//go:nosplit
func Init(base uint8) {
	arch.Outb(masterCmd, icw1Init)
	arch.Outb(slaveCmd, icw1Init)
	arch.Outb(masterData, base)  // ICW2: master vector offset
	arch.Outb(slaveData, base+8) // ICW2: slave vector offset
	arch.Outb(masterData, 1<<2)  // ICW3: slave on IRQ 2
	arch.Outb(slaveData, 2)      // ICW3: slave identity 2
	arch.Outb(masterData, icw4x86)
	arch.Outb(slaveData, icw4x86)
	arch.Outb(masterData, 0xFF) // OCW1: mask everything
	arch.Outb(slaveData, 0xFF)
}
