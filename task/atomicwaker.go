package task

import (
	"sync/atomic"
	"unsafe"
)

// AtomicWaker holds the Waker of one consumer task so that a producer (an
// interrupt handler, another goroutine, another task) can wake it: the
// consumer registers in its Poll before returning pending, the producer
// makes its event visible and then calls Wake. The zero AtomicWaker has no
// registration. It is safe for concurrent use; an AtomicWaker must not be
// copied after first use.
//
// # Differences from Rust's AtomicWaker
//
// futures' AtomicWaker::wake takes the waker out (it clears the
// registration) and then wakes it. Here Wake only loads the registration
// and wakes it; the registration stays until the next Register or a Take.
// The reason is the interrupt path: clearing the registration is a store
// of a pointer (nil) into the heap, which needs the garbage collector's
// write barrier (during a GC cycle the old pointer must be shaded), and a
// write barrier is a runtime call that interrupt context must not make.
// Wake therefore reads pointers only.
//
// Keeping the registration is still correct:
//
//   - No wake is lost. The consumer registers and then checks for the event
//     again before it returns pending (source.Source.PollNext pops a second
//     time). The producer publishes its event with a sequentially
//     consistent atomic (or follows it with one: Source.Push counts the
//     value with an atomic add after the ring's release store), Register
//     stores with one, so either the producer published its event before
//     that check (the consumer sees it and does not sleep), or the
//     producer's Wake comes after the check and therefore loads the
//     registration that preceded it. (When Register finds the same Waker
//     registered it stores nothing: the producer then loads that Waker
//     whichever way the race goes.)
//   - Extra wakes are harmless. A registration left in place can wake the
//     task again later, even if in that poll it did not register; a task
//     already queued is not queued twice (its queued flag), and a poll that
//     finds nothing to do simply returns pending. Futures must tolerate
//     such spurious polls anyway.
//   - A stale registration does nothing harmful: once the task has finished,
//     its Waker is a no-op (its done flag); a new consumer replaces it with
//     Register; Take removes it.
//
// The cost is that the registration keeps the task's 32-byte header alive
// (not its future) until it is replaced or taken.
//
// Register and Take store pointers and are for ordinary Go code only.
type AtomicWaker struct {
	_ noCopy
	p unsafe.Pointer // *header; accessed only with sync/atomic
}

// Register makes w the waker that Wake wakes, replacing any earlier one.
// Call it in Poll, before the final check for the event (see AtomicWaker).
// It skips the store when w is already registered. Not for interrupt
// context: it stores a pointer.
func (a *AtomicWaker) Register(w Waker) {
	if atomic.LoadPointer(&a.p) != unsafe.Pointer(w.h) {
		atomic.StorePointer(&a.p, unsafe.Pointer(w.h))
	}
}

// Wake wakes the registered waker, if any, and leaves it registered (see
// AtomicWaker for why). Like Waker.Wake it is //go:nosplit, allocates
// nothing, stores no pointer and calls no runtime function: it is safe in
// an interrupt handler.
//
//go:nosplit
func (a *AtomicWaker) Wake() {
	Waker{h: (*header)(atomic.LoadPointer(&a.p))}.Wake()
}

// Take removes the registration and returns it (the zero Waker if there
// was none). Not for interrupt context: it stores a pointer.
func (a *AtomicWaker) Take() Waker {
	return Waker{h: (*header)(atomic.SwapPointer(&a.p, nil))}
}

// noCopy makes go vet's copylocks check report copies of the struct that
// embeds it.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}
