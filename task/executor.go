package task

import (
	"math/bits"
	"os"
	"sync"
	"sync/atomic"

	"gokernel/task/ring"
)

// The post's Executor: spawn, run_ready_tasks and sleep_if_idle (with
// run, which loops over the last two). The task table is in table.go, the
// TaskWaker in waker.go, the idle function in idle.go, panic isolation in
// panic.go, Stop in stop.go and Snapshot in snapshot.go.

// Executor runs tasks: futures of struct{} polled until they complete. It
// is the post's final executor with a few improvements; see the package
// documentation for the design.
//
// Spawn, Stop, Len, DroppedWakes, QueueEmpty and SetPanicHandler may be
// called from any goroutine, and from the executor's own tasks. Snapshot
// must be called from a task of the executor while Run runs (the `tasks`
// command is such a task), or from any goroutine when Run is not running.
//
// # Concurrency
//
// Run polls without taking the mutex: it finds a task from the handle it
// popped, and everything it reads of that task's entry was written before
// the handle was pushed (the ring's publication orders them), by Spawn or
// by Run itself; Spawn only writes free slots, and a slot is free only
// when none of its handles is queued (see Spawn). The mutex guards slot
// allocation, the free list, the live count and the stop state; Run takes
// it only when a task finishes and when the queue is empty.
type Executor struct {
	// Read-only after NewExecutor.
	max        int
	shift      uint   // slot bits of a handle
	mask       uint64 // 1<<shift - 1
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

	// Only Run's goroutine touches these.
	cx      Context // reused for every poll
	polling uint64  // slot+1 of the task being polled, 0 between polls
	idles   uint64  // idle calls, for the tests
	tq      *Timers // the timer queue Run fires
}

// NewExecutor returns an executor for at most maxTasks tasks at a time (1
// to MaxTasks): the run queue, a lock-free ring with one place per task,
// is allocated here, 16 bytes per task, and Spawn fails with
// ErrTooManyTasks beyond the limit. idle is called when no task is
// runnable (see IdleFunc); nil means the executor's own, which blocks
// the thread until a task is queued or a timer is due (see park).
func NewExecutor(maxTasks int, idle IdleFunc) (*Executor, error) {
	if maxTasks < 1 || maxTasks > MaxTasks {
		return nil, ErrMaxTasks
	}
	r, err := ring.New[uint64](maxTasks)
	if err != nil {
		return nil, err
	}
	shift := uint(bits.Len(uint(maxTasks - 1)))
	e := &Executor{
		max:     maxTasks,
		shift:   shift,
		mask:    1<<shift - 1,
		q:       &runQueue{ring: r},
		idle:    idle,
		dir:     make([]*chunk, (maxTasks+chunkSize-1)/chunkSize),
		onPanic: ReportTo(os.Stderr),
		// Its own queue, on the default clock (shared by Sleep and
		// NewTicker), so that its tasks' timers join it; see Timers.
		ownTimers: &Timers{clock: DefaultTimers().clock},
	}
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
// A task that finished while its handle was still in the run queue (it
// was woken just before it completed) holds its slot until Run pops that
// handle, within one pass over the queue; until then it counts against the
// limit. This is what keeps the queue from overflowing: a slot is reused
// only when none of its handles is queued.
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
	// The task starts queued: its handle goes into the run queue now, and
	// queued keeps wakes from adding a second copy before its first poll.
	h := &header{handle: uint64(id)<<e.shift | slot, q: e.q, queued: 1}
	*e.entry(slot) = entry{fut: f, hdr: h, id: id, state: slotLive}
	e.live++
	if !e.q.ring.Push(h.handle) {
		// Unreachable: one place per slot, and this slot's handles are
		// all gone (it was free).
		e.release(slot)
		e.live--
		return 0, ErrTooManyTasks
	}
	if atomic.LoadUint32(&e.q.sleeping) != 0 {
		e.q.wakeSleeper()
	}
	return id, nil
}

// Run polls queued tasks in the order they were queued (FIFO) until no
// task is left, and calls the idle function whenever none is queued. It
// returns nil when every task has finished or after Stop; the executor is
// then stopped for good. It returns ErrStopped if the executor had already
// stopped and ErrRunning if another Run is in progress.
//
// Run drives the executor's timer queue (see SetTimers): it calls Fire,
// which queues the tasks whose timers are due, before every batch of 64
// polls and before it idles, so tasks that keep each other busy delay a
// timer by at most 64 polls; and it passes the queue's next deadline to
// the idle function. Timers do not keep Run going: it returns when no
// task is left, even if timers of finished tasks are still armed.
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
	defer e.shutdown()
	for {
		slot, p := e.runIsolated()
		if p == nil {
			return nil
		}
		e.finish(slot, e.entry(slot), p)
	}
}

// loop is Run's loop: it pops handles and polls their tasks, and idles
// when the queue is empty, until no task is left or Stop. If a task's Poll
// panics, loop recovers and returns the task's slot and the panic, and Run

// runReadyTasks is Run's loop, the post's run_ready_tasks and
// sleep_if_idle: it pops handles and polls their tasks, and idles when the
// queue is empty, until no task is left or Stop.
func (e *Executor) runReadyTasks() {
	batch := 0 // polls left in this batch
	for atomic.LoadUint32(&e.stopFlag) == 0 {
		if batch == 0 {
			e.tq.Fire()
			batch = fireEvery
		}
		if h, ok := e.q.ring.Pop(); ok {
			batch--
			e.runHandle(h)
			continue
		}
		batch = 0 // the next batch starts with a Fire
		if !e.sleepIfIdle() {
			return
		}
	}
}

// sleepIfIdle is called when the queue is empty: it ends Run (false) if no
// task is left, and otherwise fires the due timers or, if none was due,
// calls the idle function with the next deadline.
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
	if e.tq.Fire() > 0 {
		return true // a timer fell due since the batch began
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

// fireEvery is the number of polls in a batch: Run fires the due timers
// before every fireEvery polls (and before it idles), so that tasks that
// keep each other busy delay a timer by at most that many polls. Fire
// reads the clock only when a timer is armed.
const fireEvery = 64

// runHandle polls the task that handle h names, if it is still there.
func (e *Executor) runHandle(h uint64) {
	slot := h & e.mask
	if slot >= uint64(e.max) {
		return // no such slot: an unknown handle
	}
	t := e.entry(slot)
	if t == nil {
		return // never handed out: an unknown handle
	}
	hdr := t.hdr
	if hdr == nil || hdr.handle != h {
		return // free slot, or another task's: a stale or unknown handle
	}
	if t.state == slotDraining {
		// The task finished while this handle was queued; now that the
		// handle is out of the queue the slot can be reused.
		e.mu.Lock()
		e.release(slot)
		e.mu.Unlock()
		return
	}
	// Clear queued before polling: a wake from now on, during the poll
	// included, queues the task again, so it cannot be missed. A wake
	// between the Pop and this store found queued set and only counted,
	// which is fine too: the poll below comes after it. (The store is an
	// XCHG, a full barrier: the poll's loads cannot pass it.)
	atomic.StoreUint32(&hdr.queued, 0)
	t.state = slotRunning
	t.polls++
	e.cx.waker = Waker{hdr}
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
	hdr, fut := t.hdr, t.fut
	e.mu.Lock()
	e.live--
	atomic.StoreUint32(&hdr.done, 1) // from now on its Wakers do nothing
	// Claim the queued flag for good. If that works, no handle of this
	// task is queued and none ever will be: free the slot. Otherwise a
	// wake came after the poll started and its handle is in the queue (or
	// its push is in flight): keep the slot until Run pops it, so that the
	// queue never holds more handles than there are slots.
	if atomic.CompareAndSwapUint32(&hdr.queued, 0, 1) {
		e.release(slot)
	} else {
		*t = entry{hdr: hdr, id: t.id, state: slotDraining}
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
