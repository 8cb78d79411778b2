package ps2

import (
	"errors"
	"sync/atomic"

	"gokernel/arch"
	"gokernel/task/source"
)

// The keyboard's scancodes, from IRQ 1 to a task: the post's
// ScancodeStream. Interrupt, the IRQ 1 handler's body, reads the byte the
// 8042 holds and pushes it into a lock-free ring, waking the task waiting
// in PollNext through an AtomicWaker (task/source, which the serial port's
// input shares).

// QueueSize is the number of scancodes a ScancodeStream buffers between
// the interrupt handler and the task that reads them.
const QueueSize = 128

// ErrStreamOpen is returned by Open while another stream is open.
var ErrStreamOpen = errors.New("ps2: a scancode stream is already open")

// current is the open stream, which Interrupt feeds: published by Open and
// cleared by Close (ordinary Go code; the stores have write barriers),
// only loaded by Interrupt.
var current atomic.Pointer[ScancodeStream]

// unclaimed counts the scancodes that arrived with no stream open.
var unclaimed atomic.Uint64

// ScancodeStream is the stream of scancode bytes from the keyboard
// interrupt. Only one is open at a time, since there is one keyboard; it
// implements task.Stream[byte] and has a single consumer task. Pushed and
// Dropped count what Interrupt queued and what it dropped because the
// queue was full.
type ScancodeStream struct {
	*source.Source[byte]
}

// Open opens the scancode stream: from now on Interrupt feeds it. It
// returns ErrStreamOpen if a stream is open (Close releases it). The
// caller then enables IRQ 1.
func Open() (*ScancodeStream, error) {
	src, err := source.New[byte](QueueSize)
	if err != nil {
		return nil, err
	}
	s := &ScancodeStream{src}
	if !current.CompareAndSwap(nil, s) {
		return nil, ErrStreamOpen
	}
	return s, nil
}

// Close detaches the stream from Interrupt, so that a new one may be
// opened; later scancodes go to the new stream, or nowhere (Unclaimed).
// The scancodes already queued are still delivered, then PollNext reports
// the end, which finishes a task over the stream. A scancode that arrives
// during Close may be lost. Closing twice does nothing more; the error is
// always nil.
func (s *ScancodeStream) Close() error {
	current.CompareAndSwap(s, nil)
	s.Source.Close()
	return nil
}

// Interrupt is the IRQ 1 handler's body. Reading the data port takes the
// byte and lets the 8042 raise IRQ 1 again for the next one. An answer to
// the LED command in flight goes to the LED task (leds.go); every other
// byte is queued on the open stream, waking its task, or dropped and
// counted when the queue is full (Dropped), or only counted when no stream
// is open (Unclaimed). It never blocks.
//
// It runs in ring 0 on the kernel's interrupt stack with interrupts off, so
// it is //go:nosplit, allocates nothing and only loads pointers (the open
// stream, its ring, its registered waker); it stores only integers, with
// sync/atomic; and it calls only Source.Push and AtomicWaker.Wake, which
// obey the same rules. TestCodegen checks its machine code with
// tools/ring0check.
//
//go:nosplit
func Interrupt() {
	b := arch.Inb(dataPort)
	if ledAnswer(b) {
		return
	}
	push(b)
}

//go:nosplit
func push(b byte) {
	s := current.Load()
	if s == nil {
		unclaimed.Add(1)
		return
	}
	s.Push(b)
}

// Unclaimed returns the number of scancodes that arrived while no stream
// was open.
func Unclaimed() uint64 { return unclaimed.Load() }
