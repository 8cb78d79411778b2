package uart

import (
	"errors"
	"sync/atomic"

	"gokernel/arch"
	"gokernel/task/source"
)

// COM1's input: bytes typed in the terminal that QEMU (or a serial cable)
// connects to the UART, delivered to a task as a stream, through the same
// interrupt-fed ring and waker design as the keyboard's scancodes
// (task/source). The UART raises IRQ 4 when its receive buffer holds data
// (IER bit 0); the handler reads the bytes while the line status says
// data is ready (LSR bit 0).

const (
	// QueueSize is how many bytes wait between the interrupt and the task.
	QueueSize = 256
	// fifoBytes bounds one interrupt's drain: the 16550's FIFO holds 16.
	fifoBytes = 16
)

// ErrOpen is returned by Open while a stream is open.
var ErrOpen = errors.New("serial input is already open")

var (
	current   atomic.Pointer[source.Source[byte]]
	unclaimed atomic.Uint64
)

// Open returns the stream of received bytes and enables the UART's
// receive interrupt, with IRQ 4 already enabled by the caller. Bytes that
// arrived before are queued at once: the UART keeps its interrupt line up
// while it holds data, and an edge-triggered input would not see the
// line rise again.
func Open() (*source.Source[byte], error) {
	s, err := source.New[byte](QueueSize)
	if err != nil {
		return nil, err
	}
	if !current.CompareAndSwap(nil, s) {
		return nil, ErrOpen
	}
	arch.Cli() // the drain below must not race the interrupt handler's
	arch.Outb(com1+regIER, ierRxData)
	Interrupt()
	arch.Sti()
	return s, nil
}

// Interrupt is the IRQ 4 handler's body: it moves the bytes waiting in the
// UART into the open stream. Ring 0, interrupts off: nosplit, no
// allocation, pointer loads only.
//
//go:nosplit
func Interrupt() {
	s := current.Load()
	for i := 0; i < fifoBytes && arch.Inb(com1+regLSR)&lsrDataRdy != 0; i++ {
		b := arch.Inb(com1 + regData)
		if s == nil {
			unclaimed.Add(1)
			continue
		}
		s.Push(b)
	}
}

// Unclaimed returns the number of bytes that arrived with no stream open.
func Unclaimed() uint64 { return unclaimed.Load() }
