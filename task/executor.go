package task

import (
	"os"
	"sync"
	"sync/atomic"
)

// The post's Executor: spawn, run_ready_tasks and sleep_if_idle (with
// run, which loops over the last two). This file has the executor, its
// configuration, Spawn and Run; runner.go the runners that Run drives
// (one per CPU), the task table is in table.go, the run queue in
// runqueue.go and the run list in local.go, the TaskWaker in waker.go,
// the idle function in idle.go, panic isolation in panic.go, Stop in
// stop.go and Snapshot in snapshot.go.

// Executor runs tasks: futures of struct{} polled until they complete. It
// is the post's final executor with a few improvements; see the package
// documentation for the design.
//
// An executor has one runner or more (Config.Runners), and Run drives one
// of them: called from as many goroutines as there are runners (in the
// kernel, one per CPU, each locked to its thread), the executor polls
// tasks on as many CPUs at once. Each task belongs to one runner for its
// whole life, chosen when it is spawned (Spawn places it on the runner
// with the fewest tasks; SpawnOn names one); wakes and spawns from
// anywhere reach it there. See runner.go for the design and why tasks do
// not migrate.
//
// Spawn, Stop, Len, QueueEmpty and SetPanicHandler may be called from any
// goroutine, and from the executor's own tasks; so may Snapshot (see
// there for what it promises about tasks of other runners).
//
// # Concurrency
//
// A runner polls without taking the mutex: it finds a task from the slot
// it took from its run list, and everything it reads of that slot's entry
// was written before the task was queued (for Spawn, the push's CAS and
// the runner's swap order them), by Spawn or by the runner itself; Spawn
// only writes free slots, and a slot is free only when its task is not
// queued (see finish). Only the task's own runner writes a live task's
// entry. The mutex guards slot allocation, the free list, the live counts
// and the stop state; a runner takes it only when a task finishes and
// when its queue is empty.
type Executor struct {
	// Read-only after NewExecutor.
	max     int
	runners []*runner
	idle    IdleFunc
	wait    WaitFunc   // how park blocks
	cpu     func() int // nil: the runner's index

	stopFlag uint32 // atomic: Stop was called or the tasks ran out

	// dir has room for every chunk the task limit allows. Its elements
	// and free entries are written under mu; see Concurrency.
	dir []*chunk

	mu      sync.Mutex
	nslots  int    // slots handed out so far (free ones included)
	free    uint32 // first free slot + 1, 0 if none
	live    int    // tasks spawned and not finished
	stopped bool
	joined  int // runners claimed by Run so far
	running int // runners in Run now
	next    int // where Spawn's search for the least loaded runner starts
	onPanic func(*TaskPanic)
	timers  *Timers // SetTimers; nil means each runner's own
}

// Config configures an executor: NewExecutorWith. The zero value of each
// field but MaxTasks is the default.
type Config struct {
	// MaxTasks is the task limit: 1 to MaxTasks. Spawn fails with
	// ErrTooManyTasks beyond it.
	MaxTasks int
	// Runners is the number of runners (see Executor), each driven by a
	// Run call of its own; 0 means 1. Every runner must be run: a task
	// is polled only by its own.
	Runners int
	// Idle is called by a runner with nothing to run (see IdleFunc); nil
	// means park, which blocks the runner's thread on its park word until
	// a task is queued there, Stop, or the next timer (see park).
	Idle IdleFunc
	// Wait is how park blocks when Idle is nil: nil means FutexWait,
	// futex(2)'s FUTEX_WAIT, the hosted default; the kernel passes its
	// own (see WaitFunc for what it must do).
	Wait WaitFunc
	// CPU returns the CPU the calling thread runs on (in the kernel,
	// getcpu(2)); Snapshot reports it for each task. nil means the
	// runner's index. A runner calls it when it starts, after each idle
	// and every 64 polls, so a task's CPU may lag a migration of the
	// runner's thread by that much.
	CPU func() int
}

// NewExecutor returns an executor of one runner for at most maxTasks
// tasks at a time (1 to MaxTasks); Spawn fails with ErrTooManyTasks beyond
// the limit. idle is called when no task is runnable (see IdleFunc); nil
// means the executor's own, which blocks the thread until a task is queued
// or a timer is due (see park). It is NewExecutorWith(Config{MaxTasks:
// maxTasks, Idle: idle}).
func NewExecutor(maxTasks int, idle IdleFunc) (*Executor, error) {
	return NewExecutorWith(Config{MaxTasks: maxTasks, Idle: idle})
}

// NewExecutorWith returns an executor configured by c: several runners, a
// blocking call of the kernel's for park, a CPU number source.
func NewExecutorWith(c Config) (*Executor, error) {
	if c.MaxTasks < 1 || c.MaxTasks > MaxTasks {
		return nil, ErrMaxTasks
	}
	n := c.Runners
	if n == 0 {
		n = 1
	}
	if n < 0 || n > MaxRunners {
		return nil, ErrRunners
	}
	e := &Executor{
		max:     c.MaxTasks,
		idle:    c.Idle,
		wait:    c.Wait,
		cpu:     c.CPU,
		dir:     make([]*chunk, (c.MaxTasks+chunkSize-1)/chunkSize),
		onPanic: ReportTo(os.Stderr),
		runners: make([]*runner, n),
	}
	if e.wait == nil {
		e.wait = FutexWait
	}
	for i := range e.runners {
		e.runners[i] = newRunner(e, i)
	}
	return e, nil
}

// Runners returns the number of runners: how many Run calls the executor
// takes at once.
func (e *Executor) Runners() int { return len(e.runners) }

// MaxRunners is the largest number of runners an executor may have: a
// task's CPU is kept in 16 bits.
const MaxRunners = 1 << 12

// Spawn adds a task that polls f until it completes, and queues it for its
// first poll, on the runner with the fewest tasks. It returns the task's
// ID, or ErrStopped once the executor has stopped (Run returned or Stop
// was called), ErrTooManyTasks if the task limit is reached, ErrNilFuture
// for a nil f. It may be called before Run, from tasks during Run (through
// a Spawner, say) and from other goroutines; a task spawned from another
// goroutine while its runner is in its idle function is polled once the
// idle function returns (park returns at once).
//
// A task that finished while it was queued (it was woken just before it
// completed) holds its slot until its runner takes it from the queue,
// within one batch; until then it counts against the limit.
func (e *Executor) Spawn(f Future[struct{}]) (TaskID, error) {
	return e.spawn(f, "", -1)
}

// SpawnNamed is Spawn with a name for the task, which Snapshot reports
// (a `tasks` command shows it).
func (e *Executor) SpawnNamed(name string, f Future[struct{}]) (TaskID, error) {
	return e.spawn(f, name, -1)
}

// SpawnOn is SpawnNamed on the given runner (0 to Runners()-1), for tasks
// that must share a CPU or be spread in a known way; it fails with
// ErrNoRunner for another index.
func (e *Executor) SpawnOn(runner int, name string, f Future[struct{}]) (TaskID, error) {
	if runner < 0 || runner >= len(e.runners) {
		return 0, ErrNoRunner
	}
	return e.spawn(f, name, runner)
}

// spawn is Spawn on runner ri, or on the least loaded runner if ri < 0.
func (e *Executor) spawn(f Future[struct{}], name string, ri int) (TaskID, error) {
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
	r := e.place(ri)
	id := newTaskID()
	// The task starts queued: it is pushed now, and queuedBit keeps wakes
	// from pushing it again before its first poll.
	h := &header{r: r, state: queuedBit, slot: uint32(slot), name: name}
	*e.entry(slot) = entry{fut: f, hdr: h, id: id, flags: slotLive}
	e.live++
	r.live++
	r.push(h)
	return id, nil
}

// place returns runner ri, or if ri < 0 the runner with the fewest live
// tasks, searching from the one after the last chosen so that ties are
// spread round robin. e.mu must be held.
func (e *Executor) place(ri int) *runner {
	if ri >= 0 {
		return e.runners[ri]
	}
	n := len(e.runners)
	best := e.runners[e.next%n]
	for i := 1; i < n; i++ {
		if r := e.runners[(e.next+i)%n]; r.live < best.live {
			best = r
		}
	}
	e.next = best.index + 1
	return best
}

// Run drives one of the executor's runners (the first not yet driven):
// it polls that runner's queued tasks in the order they were queued (FIFO)
// until no task is left in the executor, and calls the idle function
// whenever none of its own is queued. It returns nil when every task has
// finished or after Stop; the executor is then stopped for good. It
// returns ErrStopped if the executor had already stopped and ErrRunning
// if every runner is already driven. With several runners, "no task is
// left" is decided only once every runner has started, so a runner that
// starts late still runs its tasks.
//
// Each runner drives its own timer queue (see SetTimers): it calls Fire,
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
	case e.joined == len(e.runners):
		e.mu.Unlock()
		return ErrRunning
	case e.timers != nil && len(e.runners) > 1:
		e.mu.Unlock()
		return ErrSharedTimers
	}
	r := e.runners[e.joined]
	e.joined++
	e.running++
	r.tq = e.timers
	e.mu.Unlock()
	return r.run()
}

// finish removes the task in slot, which has completed or panicked (p),
// and reports the panic. It runs on the task's runner, r.
func (r *runner) finish(slot uint64, t *entry, p *TaskPanic) {
	e := r.e
	h, fut := t.hdr, t.fut
	e.mu.Lock()
	e.live--
	r.live--
	// Set doneBit: from now on its Wakers do nothing. If queuedBit was
	// clear when it was set, and the task is not in the run list, it is
	// queued nowhere and never will be: free the slot. Otherwise a wake
	// came after the poll began and the task is in the run list or the run
	// queue (or its push is in flight): keep the slot, draining, until the
	// runner takes it from there (poll), so that a queued slot is never
	// handed to another task.
	s := atomic.LoadUint32(&h.state)
	for !atomic.CompareAndSwapUint32(&h.state, s, s|doneBit) {
		s = atomic.LoadUint32(&h.state)
	}
	if s&queuedBit == 0 && !t.queued() {
		e.release(slot)
	} else {
		// Drop the future; keep the run list's link and flag.
		*t = entry{hdr: h, id: t.id, link: t.link, flags: t.flags&^slotStateMask | slotDraining}
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
