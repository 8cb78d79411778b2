// Package source is a stream fed by an interrupt handler: the design of the
// post's ScancodeStream, for any device. The handler calls Push, which puts
// a value into a single-producer single-consumer ring (ring.SPSC: no
// locked instruction, no loop) and wakes the one task that reads the
// stream through an AtomicWaker; when the ring is full the value is
// dropped and counted. The reading task polls it as a task.Stream.
//
// Push runs in ring 0 on the kernel's interrupt stack with interrupts off:
// it is //go:nosplit, allocates nothing, only loads pointers and stores
// integers, and calls only ring.SPSC.Push and AtomicWaker.Wake, which obey
// the same rules. Use element types without pointers.
//
// One producer at a time: one interrupt handler (which does not interrupt
// itself), or one goroutine standing in for it. One consumer: the task
// that polls the stream.
package source

import (
	"sync/atomic"

	"gokernel/task"
	"gokernel/task/ring"
)

// Source is a single-consumer stream of T fed from an interrupt handler.
type Source[T any] struct {
	q       *ring.SPSC[T]
	waker   task.AtomicWaker
	pushed  uint64 // atomic
	dropped uint64 // atomic
	closed  uint32 // atomic
}

// New returns a source buffering up to size values.
func New[T any](size int) (*Source[T], error) {
	q, err := ring.NewSPSC[T](size)
	if err != nil {
		return nil, err
	}
	return &Source[T]{q: q}, nil
}

// Push queues v and wakes the reader, or drops v and counts it when the
// queue is full, and reports whether v was queued. It never blocks. Only
// one producer may push at a time (see the package documentation).
//
//go:nosplit
func (s *Source[T]) Push(v T) bool {
	if !s.q.Push(v) {
		atomic.AddUint64(&s.dropped, 1)
		return false
	}
	// The count is an atomic add, a full barrier (a locked instruction on
	// amd64), between the ring's release store of v and Wake's loads of
	// the registration and the task's state: without it a load could pass
	// the store, and the reader could miss v and the wake both (see
	// task.Waker.Wake and task.AtomicWaker).
	atomic.AddUint64(&s.pushed, 1)
	s.waker.Wake()
	return true
}

// Close ends the stream: the values already queued are still delivered,
// then PollNext reports the end.
func (s *Source[T]) Close() {
	atomic.StoreUint32(&s.closed, 1)
	s.waker.Wake()
}

// PollNext returns the next value, pending if there is none yet, or the
// end once the source is closed and drained. As in the post it pops, and
// if the queue is empty registers the task's waker and pops again: a value
// pushed between the first pop and the registration is found by the
// second pop, and one pushed after it comes with a wake.
func (s *Source[T]) PollNext(cx *task.Context) (v T, ok, ready bool) {
	if v, ok := s.q.Pop(); ok {
		return v, true, true
	}
	s.waker.Register(cx.Waker())
	// Load closed before the second pop: every value pushed before Close
	// is then seen by the pop, so none is lost at the end.
	closed := atomic.LoadUint32(&s.closed) != 0
	if v, ok := s.q.Pop(); ok {
		return v, true, true
	}
	var zero T
	return zero, false, closed
}

// Len returns the number of values waiting (a snapshot).
//
//go:nosplit
func (s *Source[T]) Len() int { return s.q.Len() }

// Pushed returns the number of values queued.
func (s *Source[T]) Pushed() uint64 { return atomic.LoadUint64(&s.pushed) }

// Dropped returns the number of values dropped because the queue was full.
func (s *Source[T]) Dropped() uint64 { return atomic.LoadUint64(&s.dropped) }
