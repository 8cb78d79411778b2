package keyboard

import (
	"errors"
	"sync/atomic"

	"gokernel/task/source"
)

// ScancodeQueueSize is the number of scancodes a ScancodeStream buffers
// between the interrupt handler and the task that reads them.
const ScancodeQueueSize = 128

// ErrStreamOpen is returned by NewScancodeStream while another stream is
// open.
var ErrStreamOpen = errors.New("keyboard: a scancode stream is already open")

// current is the open stream, which AddScancode feeds: published by
// NewScancodeStream and cleared by Close (ordinary Go code; the stores
// have write barriers), only loaded by AddScancode.
var current atomic.Pointer[ScancodeStream]

// unclaimed counts the scancodes that arrived with no stream open.
var unclaimed uint64

// ScancodeStream is the stream of scancode bytes from the keyboard
// interrupt: the post's ScancodeStream. AddScancode, called by the IRQ1
// handler, puts bytes into a lock-free ring of ScancodeQueueSize and wakes
// the task waiting in PollNext through an AtomicWaker (task/source, which
// the serial port's input shares). Only one stream is open at a time,
// since there is one keyboard; it implements task.Stream[byte] and has a
// single consumer task. Pushed and Dropped count what AddScancode queued
// and what it dropped because the queue was full.
type ScancodeStream struct {
	*source.Source[byte]
}

// NewScancodeStream opens the scancode stream: from now on AddScancode
// feeds it. It returns ErrStreamOpen if a stream is open (Close releases
// it).
func NewScancodeStream() (*ScancodeStream, error) {
	src, err := source.New[byte](ScancodeQueueSize)
	if err != nil {
		return nil, err
	}
	s := &ScancodeStream{src}
	if !current.CompareAndSwap(nil, s) {
		return nil, ErrStreamOpen
	}
	return s, nil
}

// Close detaches the stream from AddScancode, so that a new one may be
// opened; later scancodes go to the new stream, or nowhere (Unclaimed).
// The scancodes already queued are still delivered, then PollNext reports
// the end, which finishes a ForEach or PrintKeypresses task over the
// stream. A scancode that arrives during Close may be lost. Closing twice
// does nothing more; the error is always nil.
func (s *ScancodeStream) Close() error {
	current.CompareAndSwap(s, nil)
	s.Source.Close()
	return nil
}

// AddScancode is the keyboard interrupt handler's entry: it queues b on
// the open stream and wakes the stream's task, or, when the queue is full,
// drops b and counts it (Dropped). With no stream open it only counts b
// (Unclaimed). It never blocks.
//
// It runs in ring 0 on the kernel's interrupt stack with interrupts off, so
// it is //go:nosplit, allocates nothing and only loads pointers (the open
// stream, its ring, its registered waker); it stores only integers, with
// sync/atomic; and it calls only Source.Push, which obeys the same rules.
// The keyboard codegen test checks its machine code with tools/ring0check.
//
//go:nosplit
func AddScancode(b byte) {
	s := current.Load()
	if s == nil {
		atomic.AddUint64(&unclaimed, 1)
		return
	}
	s.Push(b)
}

// Unclaimed returns the number of scancodes AddScancode received while no
// stream was open.
func Unclaimed() uint64 { return atomic.LoadUint64(&unclaimed) }
