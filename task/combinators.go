package task

// The helper layer: small futures that stand in for what async/await
// writes for you in Rust. Each returns a fresh future; none is safe to
// poll from two tasks at once, and none may be polled after it completed.

// Ready returns a future that completes at once with v: the post's
// `async fn async_number() -> u32 { 42 }` is Ready[uint32](42).
func Ready[T any](v T) Future[T] { return readyFuture[T]{v} }

type readyFuture[T any] struct{ v T }

func (f readyFuture[T]) Poll(*Context) (T, bool) { return f.v, true }

// Pending returns a future that never completes and never wakes its
// task: a task parked for good (until the executor stops).
func Pending[T any]() Future[T] { return pendingFuture[T]{} }

type pendingFuture[T any] struct{}

func (pendingFuture[T]) Poll(*Context) (T, bool) {
	var zero T
	return zero, false
}

// Yield returns a future that is pending once, waking its own task, and
// then completes: the task goes to the back of the run queue and the
// tasks queued before it run first.
func Yield() Future[struct{}] { return &yieldFuture{} }

type yieldFuture struct{ yielded bool }

func (f *yieldFuture) Poll(cx *Context) (struct{}, bool) {
	if f.yielded {
		return struct{}{}, true
	}
	f.yielded = true
	cx.Waker().Wake()
	return struct{}{}, false
}

// Map returns a future that completes with fn(v) when f completes with v:
// `fn(f.await)`.
func Map[T, U any](f Future[T], fn func(T) U) Future[U] {
	return &mapFuture[T, U]{f: f, fn: fn}
}

type mapFuture[T, U any] struct {
	f  Future[T]
	fn func(T) U
}

func (m *mapFuture[T, U]) Poll(cx *Context) (U, bool) {
	v, ok := m.f.Poll(cx)
	if !ok {
		var zero U
		return zero, false
	}
	return m.fn(v), true
}

// Then returns a future that awaits f, then awaits the future next(v)
// makes from its value: `next(f.await).await`, the way to await one thing
// after another.
func Then[T, U any](f Future[T], next func(T) Future[U]) Future[U] {
	return &thenFuture[T, U]{first: f, next: next}
}

type thenFuture[T, U any] struct {
	first  Future[T]
	next   func(T) Future[U]
	second Future[U]
}

func (t *thenFuture[T, U]) Poll(cx *Context) (U, bool) {
	if t.second == nil {
		v, ok := t.first.Poll(cx)
		if !ok {
			var zero U
			return zero, false
		}
		t.second, t.first, t.next = t.next(v), nil, nil
	}
	return t.second.Poll(cx)
}

// Join returns a future that polls all of fs (each until it completes) and
// completes with their values, in the order of fs, once all have: the
// futures crate's join_all. Every poll of the Join polls the futures that
// are still pending, in order.
func Join[T any](fs ...Future[T]) Future[[]T] {
	return &joinFuture[T]{fs: fs, out: make([]T, len(fs)), left: len(fs)}
}

type joinFuture[T any] struct {
	fs   []Future[T] // nil once completed
	out  []T
	left int
}

func (j *joinFuture[T]) Poll(cx *Context) ([]T, bool) {
	for i, f := range j.fs {
		if f == nil {
			continue
		}
		if v, ok := f.Poll(cx); ok {
			j.out[i], j.fs[i] = v, nil
			j.left--
		}
	}
	if j.left > 0 {
		return nil, false
	}
	return j.out, true
}

// Pair is the result of Join2.
type Pair[A, B any] struct {
	First  A
	Second B
}

// Join2 is Join for two futures of different types: `join!(a, b)`.
func Join2[A, B any](a Future[A], b Future[B]) Future[Pair[A, B]] {
	return &join2Future[A, B]{a: a, b: b}
}

type join2Future[A, B any] struct {
	a   Future[A] // nil once completed
	b   Future[B]
	out Pair[A, B]
}

func (j *join2Future[A, B]) Poll(cx *Context) (Pair[A, B], bool) {
	if j.a != nil {
		if v, ok := j.a.Poll(cx); ok {
			j.out.First, j.a = v, nil
		}
	}
	if j.b != nil {
		if v, ok := j.b.Poll(cx); ok {
			j.out.Second, j.b = v, nil
		}
	}
	if j.a != nil || j.b != nil {
		return Pair[A, B]{}, false
	}
	return j.out, true
}

// ForEachBudget is the number of items ForEach handles in one poll before
// it yields (wakes its task and returns pending), so that a stream that
// always has an item ready cannot starve the executor's other tasks.
const ForEachBudget = 64

// ForEach returns a future that calls fn on each item of s and completes
// when s ends: `while let Some(v) = s.next().await { fn(v) }`. After
// ForEachBudget items in one poll it yields (see ForEachBudget).
func ForEach[T any](s Stream[T], fn func(T)) Future[struct{}] {
	return &forEachFuture[T]{s: s, fn: fn}
}

type forEachFuture[T any] struct {
	s  Stream[T]
	fn func(T)
}

func (f *forEachFuture[T]) Poll(cx *Context) (struct{}, bool) {
	for range ForEachBudget {
		v, ok, ready := f.s.PollNext(cx)
		switch {
		case !ready:
			return struct{}{}, false // the stream registered our waker
		case !ok:
			return struct{}{}, true // ended
		}
		f.fn(v)
	}
	cx.Waker().Wake() // more may be ready: yield, and come back
	return struct{}{}, false
}
