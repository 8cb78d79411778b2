package keyboard

import (
	"errors"
	"sync/atomic"

	"gokernel/task"
	"gokernel/task/ring"
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
// the task waiting in PollNext through an AtomicWaker. Only one stream is
// open at a time, since there is one keyboard; it implements
// task.Stream[byte] and has a single consumer task.
type ScancodeStream struct {
	q       *ring.Ring[byte]
	waker   task.AtomicWaker
	pushed  uint64 // atomic
	dropped uint64 // atomic
	closed  uint32 // atomic
}

// NewScancodeStream opens the scancode stream: from now on AddScancode
// feeds it. It returns ErrStreamOpen if a stream is open (Close releases
// it).
func NewScancodeStream() (*ScancodeStream, error) {
	q, err := ring.New[byte](ScancodeQueueSize)
	if err != nil {
		return nil, err
	}
	s := &ScancodeStream{q: q}
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
	atomic.StoreUint32(&s.closed, 1)
	s.waker.Wake()
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
// sync/atomic; and it calls only ring.Push and AtomicWaker.Wake, which obey
// the same rules. The keyboard codegen test checks its machine code with
// tools/ring0check.
//
//go:nosplit
func AddScancode(b byte) {
	s := current.Load()
	if s == nil {
		atomic.AddUint64(&unclaimed, 1)
		return
	}
	if !s.q.Push(b) {
		atomic.AddUint64(&s.dropped, 1)
		return
	}
	atomic.AddUint64(&s.pushed, 1)
	s.waker.Wake()
}

// PollNext returns the next scancode, pending if there is none yet, or the
// end once the stream is closed and drained. As in the post it pops, and
// if the queue is empty registers the task's waker and pops again: a byte
// that AddScancode pushed between the first pop and the registration is
// found by the second pop, and one pushed after it comes with a wake.
func (s *ScancodeStream) PollNext(cx *task.Context) (b byte, ok, ready bool) {
	if b, ok := s.q.Pop(); ok {
		return b, true, true
	}
	s.waker.Register(cx.Waker())
	// Load closed before the second pop: every byte pushed before Close
	// is then seen by the pop, so none is lost at the end.
	closed := atomic.LoadUint32(&s.closed) != 0
	if b, ok := s.q.Pop(); ok {
		return b, true, true
	}
	if closed {
		return 0, false, true
	}
	return 0, false, false
}

// Pushed returns the number of scancodes queued on s.
func (s *ScancodeStream) Pushed() uint64 { return atomic.LoadUint64(&s.pushed) }

// Dropped returns the number of scancodes dropped because s's queue was
// full.
func (s *ScancodeStream) Dropped() uint64 { return atomic.LoadUint64(&s.dropped) }

// Unclaimed returns the number of scancodes AddScancode received while no
// stream was open.
func Unclaimed() uint64 { return atomic.LoadUint64(&unclaimed) }
