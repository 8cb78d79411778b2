// Package pic drives the two cascaded 8259A programmable interrupt
// controllers of the PC (Intel 8259A data sheet; PC/AT wiring: the slave's
// INT output on the master's IRQ 2).
//
// EOI discipline. The kernel runs interrupt handlers with interrupts
// disabled and sends the end-of-interrupt after the handler, so an IRQ line
// is not re-raised while its handler runs. IRQs 8-15 come through the
// slave: they need an EOI to the slave and then to the master (whose IRQ 2
// was raised). A spurious interrupt (the line dropped before the CPU's
// acknowledge cycle) arrives as IRQ 7 or IRQ 15 with the in-service bit
// clear: it must not be acknowledged at the controller that raised it,
// because no interrupt is in service there; for a spurious IRQ 15 the
// master did see its IRQ 2 raised, so the master still gets its EOI.
package pic

import "gokernel/arch"

const (
	masterCmd  = 0x20
	masterData = 0x21
	slaveCmd   = 0xA0
	slaveData  = 0xA1

	icw1Init = 0x11 // ICW1: edge triggered, cascade, ICW4 follows
	icw4x86  = 0x01 // ICW4: 8086 mode, normal EOI
	ocw2EOI  = 0x20 // OCW2: non-specific EOI
	ocw3ISR  = 0x0B // OCW3: the next read of the command port returns the ISR
	ocw3IRR  = 0x0A // OCW3: ... the IRR

	cascade = 2 // the master's input the slave is wired to
)

var mask uint16 = 0xFFFF // bit n set: IRQ n masked

// Init moves IRQs 0-7 to vectors base..base+7 and IRQs 8-15 to
// base+8..base+15, and masks every line. At power-on the master sits on
// vectors 8-15, where IRQ 0 would look like a double fault, so this must
// happen before interrupts are enabled. Preconditions: interrupts disabled.
//
//go:nosplit
func Init(base uint8) {
	arch.Outb(masterCmd, icw1Init)
	arch.Outb(slaveCmd, icw1Init)
	arch.Outb(masterData, base)       // ICW2: master vector offset
	arch.Outb(slaveData, base+8)      // ICW2: slave vector offset
	arch.Outb(masterData, 1<<cascade) // ICW3: slave on IRQ 2
	arch.Outb(slaveData, cascade)     // ICW3: slave identity
	arch.Outb(masterData, icw4x86)
	arch.Outb(slaveData, icw4x86)
	mask = 0xFFFF
	writeMask()
}

//go:nosplit
func writeMask() {
	arch.Outb(masterData, uint8(mask))
	arch.Outb(slaveData, uint8(mask>>8))
}

// Present reports whether there is a master 8259: as Linux's probe_8259A
// does, it writes a mask (every line but the cascade) to the master's mask
// register and reads it back; with no chip the bus reads all ones. The
// mask write is the only access; on a real 8259 it is harmless.
//
//go:nosplit
func Present() bool {
	const probe = 0xFF &^ (1 << cascade)
	arch.Outb(masterData, probe)
	return arch.Inb(masterData) == probe
}

// Unmask enables IRQ irq (0-15); a slave IRQ also enables the cascade.
//
//go:nosplit
func Unmask(irq uint8) {
	mask &^= 1 << (irq & 15)
	if irq&15 >= 8 {
		mask &^= 1 << cascade
	}
	writeMask()
}

// Mask disables IRQ irq (0-15).
//
//go:nosplit
func Mask(irq uint8) {
	mask |= 1 << (irq & 15)
	if mask&0xFF00 == 0xFF00 {
		mask |= 1 << cascade // no slave IRQ left: close the cascade too
	}
	writeMask()
}

// MaskAll disables every IRQ line.
//
//go:nosplit
func MaskAll() {
	mask = 0xFFFF
	writeMask()
}

// Masked reports whether IRQ irq is masked.
//
//go:nosplit
func Masked(irq uint8) bool { return mask&(1<<(irq&15)) != 0 }

// EOI acknowledges IRQ irq after its handler ran.
//
//go:nosplit
func EOI(irq uint8) {
	if irq >= 8 {
		arch.Outb(slaveCmd, ocw2EOI)
	}
	arch.Outb(masterCmd, ocw2EOI)
}

// isr reads the in-service registers of both controllers.
//
//go:nosplit
func isr() (master, slave uint8) {
	arch.Outb(masterCmd, ocw3ISR)
	arch.Outb(slaveCmd, ocw3ISR)
	return arch.Inb(masterCmd), arch.Inb(slaveCmd)
}

// Pending reports whether master IRQ irq (0-7) is requested and not yet
// acknowledged: its bit in the interrupt request register (8259A data
// sheet, OCW3 "read IRR"). The in-kernel tests use it to catch a timer
// interrupt that is waiting while interrupts are disabled.
//
//go:nosplit
func Pending(irq uint8) bool {
	arch.Outb(masterCmd, ocw3IRR)
	return arch.Inb(masterCmd)&(1<<(irq&7)) != 0
}

// Action says what the handler of an IRQ vector must do.
type Action uint8

const (
	Handle        Action = iota // a real interrupt: run the handler, then EOI(irq)
	SpuriousNoEOI               // spurious IRQ 7: no EOI at all
	SpuriousEOI                 // spurious IRQ 15: EOI to the master only
)

// Classify decides whether IRQ irq is real or spurious, given the in-service
// registers. Only IRQ 7 and IRQ 15 can be spurious: they are what each
// 8259A reports when the requesting line went away before the acknowledge.
//
//go:nosplit
func Classify(irq uint8, masterISR, slaveISR uint8) Action {
	switch irq {
	case 7:
		if masterISR&(1<<7) == 0 {
			return SpuriousNoEOI
		}
	case 15:
		if slaveISR&(1<<7) == 0 {
			return SpuriousEOI
		}
	}
	return Handle
}

// Check classifies IRQ irq by reading the controllers, and for a spurious
// IRQ 15 sends the master's EOI itself. The caller runs the handler and
// calls EOI only when Check returns Handle.
//
//go:nosplit
func Check(irq uint8) Action {
	if irq != 7 && irq != 15 {
		return Handle
	}
	m, s := isr()
	a := Classify(irq, m, s)
	if a == SpuriousEOI {
		arch.Outb(masterCmd, ocw2EOI)
	}
	return a
}
