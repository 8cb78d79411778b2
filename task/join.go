package task

import "sync/atomic"

// JoinHandle is the handle of a task started by Spawn: a future of the
// task's result, as Rust's JoinHandle is, so that a task can await
// another's value. Poll completes once the task has completed, with its
// value; or once it panicked or was dropped (Stop, or the end of Run),
// with the zero T, and then Err says why. The handle holds the result, not
// the task: it stays valid however long it is kept, after the task's slot
// has been reused included, and every poll after completion returns the
// same result.
//
// A handle may be awaited by a task of any executor, or polled by hand;
// it wakes the one task that awaits it (the last to poll it), through an
// AtomicWaker.
type JoinHandle[T any] struct {
	id     TaskID
	done   uint32 // atomic: 1 once val and err are set
	val    T
	err    error
	waiter AtomicWaker
}

// ID returns the task's ID.
func (h *JoinHandle[T]) ID() TaskID { return h.id }

// Poll returns the task's value once it has completed (the zero T if it
// panicked or was dropped; see Err), and pending until then, with the
// polling task registered for a wake at the end.
func (h *JoinHandle[T]) Poll(cx *Context) (T, bool) {
	if atomic.LoadUint32(&h.done) != 0 {
		return h.val, true
	}
	h.waiter.Register(cx.Waker())
	// Check again after registering: a completion between the first
	// check and the registration is seen here, one after it wakes us.
	if atomic.LoadUint32(&h.done) != 0 {
		return h.val, true
	}
	var zero T
	return zero, false
}

// Err returns nil while the task runs and after it completed; a
// *TaskPanic if it panicked; ErrStopped if it was dropped because its
// executor stopped first.
func (h *JoinHandle[T]) Err() error {
	if atomic.LoadUint32(&h.done) == 0 {
		return nil
	}
	return h.err
}

// complete records the result and wakes the awaiting task. It is called
// once, by the executor.
func (h *JoinHandle[T]) complete(v T, err error) {
	if atomic.LoadUint32(&h.done) != 0 {
		return
	}
	h.val, h.err = v, err
	atomic.StoreUint32(&h.done, 1) // publishes val and err
	h.waiter.Wake()
}

// joinTask is the task that Spawn runs: f's value goes to the handle.
type joinTask[T any] struct {
	f Future[T]
	h *JoinHandle[T]
}

func (j *joinTask[T]) Poll(cx *Context) (struct{}, bool) {
	v, ok := j.f.Poll(cx)
	if !ok {
		return struct{}{}, false
	}
	j.h.complete(v, nil)
	return struct{}{}, true
}

// abandon completes the handle of a task that panicked or was dropped.
func (j *joinTask[T]) abandon(err error) {
	var zero T
	j.h.complete(zero, err)
}

// abandoner is a task that must hear of its own panic or drop: a
// joinTask. The executor looks for it only on those paths.
type abandoner interface{ abandon(err error) }

// SpawnTarget is what Spawn spawns on: an *Executor or a Spawner.
type SpawnTarget interface{ executor() *Executor }

func (e *Executor) executor() *Executor { return e }
func (s Spawner) executor() *Executor   { return s.e }

// Spawn starts a task that awaits f, on the executor s (an *Executor, or
// a Spawner from a task), and returns its JoinHandle: a future of f's
// value. It fails as Executor.Spawn does. Executor.Spawn is the cheaper
// way to start a task whose result nobody awaits: it allocates no handle.
func Spawn[T any](s SpawnTarget, f Future[T]) (*JoinHandle[T], error) {
	return SpawnNamed(s, "", f)
}

// SpawnNamed is Spawn with a name for the task, as Executor.SpawnNamed.
func SpawnNamed[T any](s SpawnTarget, name string, f Future[T]) (*JoinHandle[T], error) {
	if f == nil {
		return nil, ErrNilFuture
	}
	h := &JoinHandle[T]{}
	id, err := s.executor().SpawnNamed(name, &joinTask[T]{f: f, h: h})
	if err != nil {
		return nil, err
	}
	h.id = id // the executor never reads it: no race with the task
	return h, nil
}
