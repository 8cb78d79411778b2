package console

import "gokernel/arch"

// COM1, a 16550-compatible UART at the legacy port 0x3F8 (PC16550D data
// sheet; register offsets below). Output is polled: the kernel writes each
// byte when the transmit holding register is empty.
const (
	com1 = 0x3F8

	uartData = 0 // THR/RBR; with LCR.DLAB=1: divisor latch low
	uartIER  = 1 // interrupt enable; with DLAB: divisor latch high
	uartFCR  = 2 // FIFO control
	uartLCR  = 3 // line control
	uartMCR  = 4 // modem control
	uartLSR  = 5 // line status

	lsrTHRE = 1 << 5 // transmit holding register empty

	// A missing or wedged UART must not hang the kernel: give up on a byte
	// after this many status polls (far more than one character time at
	// 115200 baud, about 87 us).
	serialSpin = 100000
)

var serialOK bool

// initSerial programs COM1 for 115200 baud, 8 data bits, no parity, one
// stop bit, FIFOs on, and checks it with the loopback test. If the check
// fails (no UART) serial output is skipped.
//
//go:nosplit
func initSerial() {
	arch.Outb(com1+uartIER, 0x00)  // no interrupts
	arch.Outb(com1+uartLCR, 0x80)  // DLAB=1 to set the divisor
	arch.Outb(com1+uartData, 0x01) // divisor 1: 115200 baud
	arch.Outb(com1+uartIER, 0x00)
	arch.Outb(com1+uartLCR, 0x03) // 8N1, DLAB=0
	arch.Outb(com1+uartFCR, 0xC7) // enable and clear FIFOs, 14-byte threshold
	arch.Outb(com1+uartMCR, 0x1E) // loopback mode for the self-test
	arch.Outb(com1+uartData, 0xAE)
	if arch.Inb(com1+uartData) != 0xAE {
		serialOK = false
		return
	}
	arch.Outb(com1+uartMCR, 0x0B) // normal: DTR, RTS, OUT2
	serialOK = true
}

//go:nosplit
func serialPut(c byte) {
	if !serialOK {
		return
	}
	for i := 0; i < serialSpin; i++ {
		if arch.Inb(com1+uartLSR)&lsrTHRE != 0 {
			break
		}
	}
	arch.Outb(com1+uartData, c)
}
