package task

// Context is what a future's Poll receives: the Waker of the task being
// polled, as in Rust's core::task::Context, and the timer queue of the
// executor polling it. The executor owns it and may reuse it for the next
// poll, so a future must not keep the *Context after Poll returns; it
// keeps a copy of cx.Waker() instead.
type Context struct {
	waker  Waker
	timers *Timers
}

// NewContext returns a Context that carries w and no timer queue.
// Executors make their own; this is for driving a future by hand (tests,
// other executors). With the zero Waker the future's wakes go nowhere.
func NewContext(w Waker) *Context { return &Context{waker: w} }

// Waker returns the waker of the task being polled. A future that returns
// pending arranges for it to be woken when it can make progress.
func (cx *Context) Waker() Waker { return cx.waker }

// Timers returns the timer queue of the executor polling the task, where
// the task's timers wait (see Timers), or nil for a Context made with
// NewContext.
func (cx *Context) Timers() *Timers { return cx.timers }

// Future is a computation that completes at some point with a value of
// type T: the Go counterpart of Rust's Future trait.
//
// Poll makes as much progress as it can without blocking. It returns the
// value and true when the future is complete, or the zero T and false
// (pending). Before returning false it must have arranged for
// cx.Waker().Wake() to be called once progress is possible (registered the
// waker with whatever will cause the progress, or woken it itself), or the
// task sleeps forever.
//
// Poll may be called again after a wake that announced nothing (a
// spurious poll) and must then simply return pending again. It must not
// be called after it has returned true; what it returns then is up to the
// future. A future is polled by one task at a time and needs no locking
// of its own.
//
// The result is Go's comma-ok pair rather than a Poll[T] value type: it is
// what map lookups, type assertions and channel receives already use, it
// costs nothing, and it makes an await read as
//
//	n, ok := f.number.Poll(cx)
//	if !ok {
//		return struct{}{}, false // pending: our waker was passed on
//	}
type Future[T any] interface {
	Poll(cx *Context) (T, bool)
}

// Stream is an asynchronous sequence of values: Rust's Stream trait, whose
// poll_next returns Poll<Option<T>>.
//
// PollNext returns ready == false while no item is available (pending,
// with the waker arranged exactly as for Future.Poll). With ready == true,
// v and ok are what a receive from a channel gives: the next item and
// true, or the zero T and false once the stream has ended. So
//
//	v, ok, ready := s.PollNext(cx)
//	switch {
//	case !ready: // pending
//	case !ok:    // ended
//	default:     // got v
//	}
//
// After the end, PollNext keeps returning ended.
type Stream[T any] interface {
	PollNext(cx *Context) (v T, ok bool, ready bool)
}

// FutureFunc turns a poll function into a Future: the function is the
// Poll method. It is the quickest way to write a small future whose state
// lives in the closure:
//
//	n := 0
//	count := task.FutureFunc[int](func(cx *task.Context) (int, bool) {
//		if n++; n < 3 {
//			cx.Waker().Wake() // yield: poll me again
//			return 0, false
//		}
//		return n, true
//	})
type FutureFunc[T any] func(cx *Context) (T, bool)

// Poll calls f(cx).
func (f FutureFunc[T]) Poll(cx *Context) (T, bool) { return f(cx) }

// StreamFunc turns a poll function into a Stream: the function is the
// PollNext method.
type StreamFunc[T any] func(cx *Context) (v T, ok bool, ready bool)

// PollNext calls f(cx).
func (f StreamFunc[T]) PollNext(cx *Context) (T, bool, bool) { return f(cx) }
