package task

import (
	"os"
	"sync"
	"sync/atomic"
)

// The post's Executor: spawn, run_ready_tasks and sleep_if_idle (with
// run, which loops over the last two). The task table is in table.go, the
// run queue in runqueue.go and the run list in local.go, the TaskWaker in
// waker.go, the idle function in idle.go, panic isolation in panic.go,
// Stop in stop.go and Snapshot in snapshot.go.

// Executor runs tasks: futures of struct{} polled until they complete. It
// is the post's final executor with a few improvements; see the package
// documentation for the design.
//
// Spawn, Stop, Len, QueueEmpty and SetPanicHandler may be called from any
// goroutine, and from the executor's own tasks. Snapshot must be called
// from a task of the executor while Run runs (the `tasks` command is such
// a task), or from any goroutine when Run is not running.
//
// # Concurrency
//
// Run polls without taking the mutex: it finds a task from the slot it
// took from its run list, and everything it reads of that slot's entry
// was written before the task was queued (for Spawn, the push's CAS and
// Run's swap order them), by Spawn or by Run itself; Spawn only writes
// free slots, and a slot is free only when its task is not queued (see
// finish). The
// mutex guards slot allocation, the free list, the live count and the stop
// state; Run takes it only when a task finishes and when the queue is
// empty.
type Executor struct {
	// Read-only after NewExecutor.
	max        int
	q          *runQueue
	idle       IdleFunc
	queueEmpty func() bool // e.QueueEmpty, made once so that Run does not allocate
	ownTimers  *Timers     // the executor's own timer queue, on the default clock

	stopFlag uint32 // atomic: Stop was called or Run is ending

	// dir has room for every chunk the task limit allows. Its elements
	// and free entries are written under mu; see Concurrency.
	dir []*chunk

	mu      sync.Mutex
	nslots  int    // slots handed out so far (free ones included)
	free    uint32 // first free slot + 1, 0 if none
	live    int    // tasks spawned and not finished
	stopped bool
	running bool
	onPanic func(*TaskPanic)
	timers  *Timers // SetTimers; nil means ownTimers

	// Only Run's goroutine writes these.
	runHead   uint32  // the run list's first slot+1 (local.go); loaded atomically by QueueEmpty
	runTail   uint32  // and its last
	cx        Context // reused for every poll
	untilFire int     // polls left before the next Fire
	polling   uint64  // slot+1 of the task being polled, 0 between polls
	idles     uint64  // idle calls, for the tests
	tq        *Timers // the timer queue Run fires
}

// NewExecutor returns an executor for at most maxTasks tasks at a time (1
// to MaxTasks); Spawn fails with ErrTooManyTasks beyond the limit. idle is
// called when no task is runnable (see IdleFunc); nil means the
// executor's own, which blocks the thread until a task is queued or a
// timer is due (see park).
func NewExecutor(maxTasks int, idle IdleFunc) (*Executor, error) {
	if maxTasks < 1 || maxTasks > MaxTasks {
		return nil, ErrMaxTasks
	}
	e := &Executor{
		max:     maxTasks,
		q:       new(runQueue),
		idle:    idle,
		dir:     make([]*chunk, (maxTasks+chunkSize-1)/chunkSize),
		onPanic: ReportTo(os.Stderr),
		// Its own queue, on the default clock (shared by Sleep and
		// NewTicker), so that its tasks' timers join it; see Timers.
		ownTimers: &Timers{clock: DefaultTimers().clock},
	}
	e.q.e = e
	e.queueEmpty = e.QueueEmpty
	return e, nil
}

// Spawn adds a task that polls f until it completes, and queues it for its
// first poll. It returns the task's ID, or ErrStopped once the executor has
// stopped (Run returned or Stop was called), ErrTooManyTasks if the task
// limit is reached, ErrNilFuture for a nil f. It may be called before Run,
// from tasks during Run (through a Spawner, say) and from other
// goroutines; a task spawned from another goroutine while Run is in its
// idle function is polled once the idle function returns.
//
// A task that finished while it was queued (it was woken just before it
// completed) holds its slot until Run takes it from the queue, within one
// batch; until then it counts against the limit.
func (e *Executor) Spawn(f Future[struct{}]) (TaskID, error) {
	if f == nil {
		return 0, ErrNilFuture
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stopped {
		return 0, ErrStopped
	}
	slot, ok := e.alloc()
	if !ok {
		return 0, ErrTooManyTasks
	}
	id := newTaskID()
	// The task starts queued: it is pushed now, and queuedBit keeps wakes
	// from pushing it again before its first poll.
	h := &header{q: e.q, state: queuedBit, slot: uint32(slot)}
	*e.entry(slot) = entry{fut: f, hdr: h, id: id, state: slotLive}
	e.live++
	e.q.push(h)
	return id, nil
}

// Run polls queued tasks in the order they were queued (FIFO) until no
// task is left, and calls the idle function whenever none is queued. It
// returns nil when every task has finished or after Stop; the executor is
// then stopped for good. It returns ErrStopped if the executor had already
// stopped and ErrRunning if another Run is in progress.
//
// Run drives the executor's timer queue (see SetTimers): it calls Fire,
// which queues the tasks whose timers are due, before every 64 polls and
// before it idles, so tasks that keep each other busy delay a timer by at
// most 64 polls; and it passes the queue's next deadline to the idle
// function. Timers do not keep Run going: it returns when no task is left,
// even if timers of finished tasks are still armed.
//
// A task that panics is removed and reported to the panic handler (see
// SetPanicHandler); the others run on.
func (e *Executor) Run() error {
	e.mu.Lock()
	switch {
	case e.stopped:
		e.mu.Unlock()
		return ErrStopped
	case e.running:
		e.mu.Unlock()
		return ErrRunning
	}
	e.running = true
	e.tq = e.timers
	e.mu.Unlock()
	if e.tq == nil {
		e.tq = e.ownTimers
	}
	e.cx.timers = e.tq
	atomic.StoreUintptr(&e.q.owner, currentG()) // wakes from here are local
	defer e.shutdown()
	for {
		slot, p := e.runIsolated()
		if p == nil {
			return nil
		}
		e.finish(slot, e.entry(slot), p)
	}
}

// fireEvery is the number of polls between two Fires of the timer queue
// (Run also fires before it idles), so that tasks that keep each other
// busy delay a timer by at most that many polls. Fire reads the clock only
// when a timer is armed.
const fireEvery = 64

// runReadyTasks is Run's loop, the post's run_ready_tasks: it polls the
// tasks of its run list (local.go), moves the run queue's tasks there when
// the list is empty, and idles (sleepIfIdle) when both are, until no task
// is left or Stop. A panic leaves the rest of the list for the next call.
func (e *Executor) runReadyTasks() {
	for atomic.LoadUint32(&e.stopFlag) == 0 {
		slot, t := e.popRun()
		if t == nil {
			if !e.takeBatch() && !e.sleepIfIdle() {
				return
			}
			continue
		}
		if e.untilFire == 0 {
			e.tq.Fire()
			e.untilFire = fireEvery
		}
		e.untilFire--
		e.poll(slot, t)
	}
}

// sleepIfIdle is the post's sleep_if_idle, called when the queue is
// empty: it ends Run (false) if no task is left, and otherwise fires the
// due timers or, if none was due, calls the idle function with the next
// deadline.
func (e *Executor) sleepIfIdle() bool {
	e.mu.Lock()
	if e.live == 0 {
		// Decided under the lock that Spawn takes: no task can sneak in
		// between this check and the stop.
		e.stopped = true
		e.mu.Unlock()
		return false
	}
	e.mu.Unlock()
	e.untilFire = fireEvery
	if e.tq.Fire() > 0 {
		return true // a timer fell due since the last Fire
	}
	deadline, ok := e.tq.Next()
	e.idles++
	if e.idle == nil {
		e.park(deadline, ok)
	} else {
		e.idle(e.queueEmpty, deadline, ok)
	}
	return true
}

// poll polls the task in slot, t, which Run took from the run list: a task
// that finished while it was queued is dropped here and its slot freed
// (once it is queued nowhere).
func (e *Executor) poll(slot uint64, t *entry) {
	h := t.hdr
	if t.state == slotDraining {
		// Finished while queued. It may be queued twice, in the run list
		// and in the run queue: free the slot when it is in neither.
		if atomic.LoadUint32(&h.state)&queuedBit == 0 {
			e.mu.Lock()
			e.release(slot)
			e.mu.Unlock()
		}
		return
	}
	t.state = slotRunning
	t.polls++
	e.cx.waker = Waker{h}
	e.polling = slot + 1
	_, done := t.fut.Poll(&e.cx)
	e.polling = 0
	if !done {
		t.state = slotLive
		return
	}
	e.finish(slot, t, nil)
}

// finish removes the task in slot, which has completed or panicked (p),
// and reports the panic.
func (e *Executor) finish(slot uint64, t *entry, p *TaskPanic) {
	h, fut := t.hdr, t.fut
	e.mu.Lock()
	e.live--
	// Set doneBit: from now on its Wakers do nothing. If queuedBit was
	// clear when it was set, and the task is not in the run list, it is
	// queued nowhere and never will be: free the slot. Otherwise a wake
	// came after the poll began and the task is in the run list or the run
	// queue (or its push is in flight): keep the slot, draining, until Run
	// takes it from there (poll), so that a queued slot is never handed to
	// another task.
	s := atomic.LoadUint32(&h.state)
	for !atomic.CompareAndSwapUint32(&h.state, s, s|doneBit) {
		s = atomic.LoadUint32(&h.state)
	}
	if s&queuedBit == 0 && !t.queued {
		e.release(slot)
	} else {
		// Drop the future; keep the run list's link and flag.
		*t = entry{hdr: h, id: t.id, state: slotDraining, link: t.link, queued: t.queued}
	}
	onPanic := e.onPanic
	e.mu.Unlock()
	if p != nil {
		if a, ok := fut.(abandoner); ok {
			a.abandon(p) // a JoinHandle reports the panic
		}
		onPanic(p)
	}
}
