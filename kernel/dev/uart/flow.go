package uart

import "gokernel/arch"

// Flow control. A 16550 has no flow control of its own: software drops
// RTS (MCR bit 1) to ask the other end to pause, which a terminal set for
// RTS/CTS obeys (input.go does this). The 16750 (and the 16950 in its
// 16750 mode) adds automatic flow control: with MCR bit 5 (AFE) and RTS
// set, the UART itself drops RTS when its receive FIFO reaches the
// trigger level and holds transmission while CTS is low (TI TL16C750 data
// sheet, "Auto-flow control"). It is found by its 64-byte FIFO: with
// FCR bit 5 written while LCR's DLAB is set, IIR bit 5 reads back 1.
// QEMU emulates a 16550A: no AFE, so the kernel's own throttling is what
// runs there.

const (
	regIIR = 2 // interrupt identification (read); FCR on write

	lcr8N1DLAB = lcr8N1 | lcrDLAB
	fcrProbe   = 0xE7 // FIFOs on and cleared, 64-byte FIFO, trigger 14
	iirFIFO    = 0xC0 // both bits: FIFOs enabled (16550A and later)
	iir64      = 0x20 // the 64-byte FIFO is on (16750)
	mcrRTS     = 1 << 1
	mcrAFE     = 1 << 5
	lsrOverrun = 1 << 1
)

// Kind is what the probe found.
type Kind uint8

const (
	Kind8250   Kind = iota // no usable FIFO (8250, 16450, or the buggy 16550)
	Kind16550A             // 16-byte FIFO
	Kind16750              // 64-byte FIFO and automatic flow control
)

// Classify names the UART from the IIR it reads after fcrProbe.
func Classify(iir uint8) Kind {
	switch {
	case iir&iirFIFO != iirFIFO:
		return Kind8250
	case iir&iir64 != 0:
		return Kind16750
	}
	return Kind16550A
}

// hasAutoFlow probes COM1 for automatic flow control, with interrupts off
// so that no console output meets the divisor latch, and puts the FIFO
// setting of Init back. Ring 3 (IOPL 3), before the receive interrupt is
// on.
func hasAutoFlow() bool {
	if !ok {
		return false
	}
	arch.Cli()
	defer arch.Sti()
	arch.Outb(com1+regLCR, lcr8N1DLAB)
	arch.Outb(com1+regFCR, fcrProbe)
	arch.Outb(com1+regLCR, lcr8N1)
	kind := Classify(arch.Inb(com1 + regIIR))
	arch.Outb(com1+regLCR, lcr8N1DLAB)
	arch.Outb(com1+regFCR, fcrEnable)
	arch.Outb(com1+regLCR, lcr8N1)
	return kind == Kind16750
}
