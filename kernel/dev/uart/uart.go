// Package uart drives COM1, a 16550-compatible UART at the legacy port
// 0x3F8 (National Semiconductor PC16550D data sheet; register offsets
// below). It is the only place the UART's registers are named: the
// console's output (Init, Put) and the terminal's input (Open, Interrupt,
// input.go) both go through it.
//
// Output is polled: the kernel writes each byte when the transmit holding
// register is empty. Input arrives through IRQ 4.
//
// Both rings: Init, Put and Interrupt run in ring 0 (//go:nosplit, no
// allocation); Open runs in ring 3, where the kernel's Go code may use the
// ports (IOPL 3).
package uart

import "gokernel/arch"

const (
	com1 = 0x3F8

	regData = 0 // THR/RBR; with LCR.DLAB=1: divisor latch low
	regIER  = 1 // interrupt enable; with DLAB: divisor latch high
	regFCR  = 2 // FIFO control
	regLCR  = 3 // line control
	regMCR  = 4 // modem control
	regLSR  = 5 // line status

	lcrDLAB    = 0x80 // divisor latch access
	lcr8N1     = 0x03 // 8 data bits, no parity, one stop bit
	fcrEnable  = 0xC7 // enable and clear the FIFOs, 14-byte receive threshold
	mcrTest    = 0x1E // loopback, with RTS, OUT1 and OUT2 looped back
	mcrNormal  = 0x0B // DTR, RTS, OUT2 (OUT2 gates the IRQ line on PCs)
	ierRxData  = 1 << 0
	lsrDataRdy = 1 << 0
	lsrTHRE    = 1 << 5 // transmit holding register empty

	divisor115200 = 1 // the UART's clock is 1.8432 MHz / 16 = 115200 baud

	// A missing or wedged UART must not hang the kernel: give up on a byte
	// after this many status polls (far more than one character time at
	// 115200 baud, about 87 us).
	putSpin = 100000
)

var ok bool

// Init programs COM1 for 115200 baud, 8N1, FIFOs on, and checks it with
// the loopback test. If the check fails (no UART) Put does nothing.
//
//go:nosplit
func Init() bool {
	arch.Outb(com1+regIER, 0x00) // no interrupts
	arch.Outb(com1+regLCR, lcrDLAB)
	arch.Outb(com1+regData, divisor115200)
	arch.Outb(com1+regIER, 0x00) // divisor high byte
	arch.Outb(com1+regLCR, lcr8N1)
	arch.Outb(com1+regFCR, fcrEnable)
	arch.Outb(com1+regMCR, mcrTest)
	arch.Outb(com1+regData, 0xAE)
	if arch.Inb(com1+regData) != 0xAE {
		ok = false
		return false
	}
	arch.Outb(com1+regMCR, mcrNormal)
	ok = true
	return true
}

// Put sends c, waiting (bounded) for the transmitter.
//
//go:nosplit
func Put(c byte) {
	if !ok {
		return
	}
	for i := 0; i < putSpin; i++ {
		if arch.Inb(com1+regLSR)&lsrTHRE != 0 {
			break
		}
	}
	arch.Outb(com1+regData, c)
}
