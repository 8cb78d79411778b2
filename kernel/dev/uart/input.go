package uart

import (
	"errors"
	"sync/atomic"

	"gokernel/arch"
	"gokernel/task"
	"gokernel/task/source"
)

// COM1's input: bytes typed in the terminal that QEMU (or a serial cable)
// connects to the UART, delivered to a task as a stream, through the same
// interrupt-fed ring and waker design as the keyboard's scancodes
// (task/source). The UART raises IRQ 4 when its receive buffer holds data
// (IER bit 0); the handler reads the bytes while the line status says
// data is ready (LSR bit 0).
//
// Nothing is lost without a word. The ring is large (a pasted screenful
// fits), and before it is full the handler throttles the sender: it stops
// reading the UART (and so stops its receive interrupt), and drops RTS,
// which a sender that honours CTS obeys; the reader takes the throttle off
// once it has drained half the ring. QEMU's 16550 accepts no byte while
// its FIFO is full, so under QEMU throttling loses nothing; on a real line
// whose sender ignores RTS the FIFO may overrun (LSR bit 1). A 16750's
// automatic flow control (MCR bit 5) does the same in hardware; Open turns
// it on when the UART has it (16550As, QEMU's included, do not). Bytes
// lost anyway (an overrun, a full ring, input with no reader) are counted
// (Dropped), and the stream marks where they were lost: the byte after a
// loss comes with Gap set (Input.PollNext's caller asks LostBefore).

const (
	// QueueSize is how many bytes wait between the interrupt and the task.
	QueueSize = 8192
	// throttleAt is the fill at which the handler throttles the sender:
	// room for one more FIFO's worth and a margin.
	throttleAt = QueueSize - 64
	// resumeAt is the fill below which the reader takes the throttle off.
	resumeAt = QueueSize / 2
	// fifoBytes bounds one interrupt's drain: the 16550's FIFO holds 16.
	fifoBytes = 16

	gapBit = 0x100 // in the ring: bytes were lost just before this one
)

// ErrOpen is returned by Open while a stream is open.
var ErrOpen = errors.New("serial input is already open")

var (
	current   atomic.Pointer[source.Source[uint16]]
	unclaimed atomic.Uint64
	overruns  atomic.Uint64
	throttled atomic.Bool
	gapNext   atomic.Bool // the next byte pushed follows a loss
	afe       bool        // the UART has automatic flow control, on
)

// Input is COM1's received bytes as a stream (task.Stream[byte]) with a
// single consumer task.
type Input struct {
	src  *source.Source[uint16]
	gaps uint64 // losses passed so far
}

// Open returns the stream of received bytes, turns on automatic flow
// control if the UART has it, and enables the UART's receive interrupt,
// with IRQ 4 already enabled by the caller. Bytes that arrived before are
// queued at once: the UART keeps its interrupt line up while it holds
// data, and an edge-triggered input would not see the line rise again.
func Open() (*Input, error) {
	s, err := source.New[uint16](QueueSize)
	if err != nil {
		return nil, err
	}
	if !current.CompareAndSwap(nil, s) {
		return nil, ErrOpen
	}
	if afe = hasAutoFlow(); afe {
		arch.Outb(com1+regMCR, mcrNormal|mcrAFE)
	}
	arch.Cli() // the drain below must not race the interrupt handler's
	arch.Outb(com1+regIER, ierRxData)
	Interrupt()
	arch.Sti()
	return &Input{src: s}, nil
}

// Interrupt is the IRQ 4 handler's body: it moves the bytes waiting in the
// UART into the open stream, and throttles the sender when the stream is
// nearly full. Ring 0, interrupts off: nosplit, no allocation, pointer
// loads only.
//
//go:nosplit
func Interrupt() {
	s := current.Load()
	for i := 0; i < fifoBytes; i++ {
		lsr := arch.Inb(com1 + regLSR)
		if lsr&lsrOverrun != 0 {
			overruns.Add(1) // at least one byte; the data sheet cannot say how many
			gapNext.Store(true)
		}
		if lsr&lsrDataRdy == 0 {
			return
		}
		if s != nil && s.Len() >= throttleAt {
			throttle()
			return
		}
		b := uint16(arch.Inb(com1 + regData))
		if s == nil {
			unclaimed.Add(1)
			gapNext.Store(true)
			continue
		}
		if gapNext.Swap(false) {
			b |= gapBit
		}
		if !s.Push(b) {
			gapNext.Store(true) // counted by the source as dropped
		}
	}
}

// throttle stops reading the UART: no receive interrupt (the FIFO fills,
// and a 16550 in QEMU then takes no more), RTS off (a sender honouring CTS
// stops). Interrupts off.
//
//go:nosplit
func throttle() {
	if throttled.Swap(true) {
		return
	}
	arch.Outb(com1+regIER, 0)
	arch.Outb(com1+regMCR, mcrNormal&^mcrRTS)
}

// unthrottle undoes throttle: RTS on, the receive interrupt on (the UART
// raises it at once if the FIFO holds data). Ring 3 (IOPL 3).
func unthrottle() {
	if !throttled.CompareAndSwap(true, false) {
		return
	}
	mcr := uint8(mcrNormal)
	if afe {
		mcr |= mcrAFE
	}
	arch.Outb(com1+regMCR, mcr)
	arch.Outb(com1+regIER, ierRxData)
}

// PollNext returns the next byte received, pending if there is none yet.
// It takes the throttle off once the ring has drained to half.
func (in *Input) PollNext(cx *task.Context) (byte, bool, bool) {
	v, ok, ready := in.src.PollNext(cx)
	if throttled.Load() && in.src.Len() < resumeAt {
		unthrottle()
	}
	if ok && v&gapBit != 0 {
		in.gaps++
	}
	return byte(v), ok, ready
}

// Gaps returns the number of losses that the bytes returned so far came
// after: it grows when PollNext returns the first byte after a loss.
func (in *Input) Gaps() uint64 { return in.gaps }

// Dropped returns the number of bytes lost: to a full ring, to UART
// overruns (one each, at least), and with no stream open.
func (in *Input) Dropped() uint64 {
	return in.src.Dropped() + overruns.Load() + unclaimed.Load()
}

// Throttled reports whether the sender is being held back now.
func Throttled() bool { return throttled.Load() }

// Unclaimed returns the number of bytes that arrived with no stream open.
func Unclaimed() uint64 { return unclaimed.Load() }
