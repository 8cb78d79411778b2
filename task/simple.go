package task

// SimpleExecutor is the post's first executor: a FIFO of tasks, each polled
// in turn with a no-op waker (the zero Waker) and put back at the end while
// it is pending. Since wakes go nowhere it polls pending tasks over and
// over: it busy-waits. Executor is the real one.
type SimpleExecutor struct {
	queue []Future[struct{}]
}

// Spawn appends f to the queue. It may be called before Run and from
// tasks during Run.
func (e *SimpleExecutor) Spawn(f Future[struct{}]) {
	e.queue = append(e.queue, f)
}

// Run polls the tasks in FIFO order until all have completed. It does not
// recover panics.
func (e *SimpleExecutor) Run() {
	cx := NewContext(Waker{})
	for len(e.queue) > 0 {
		f := e.queue[0]
		e.queue[0] = nil
		e.queue = e.queue[1:]
		if _, done := f.Poll(cx); !done {
			e.queue = append(e.queue, f)
		}
	}
	e.queue = nil
}
