package task

import "sync/atomic"

// Runners: how an executor runs on several CPUs.
//
// An executor has one runner per CPU it runs on; each Run call drives
// one, on its goroutine (in the kernel one goroutine per CPU, each locked
// to its thread). A runner has what the single-threaded executor had: a
// run queue that any goroutine or interrupt handler pushes onto
// (runqueue.go), a run list private to its goroutine with the local wake
// path (local.go), a timer queue, a park word to sleep on (idle.go) and
// the goroutine identity that tells local wakes from shared ones. The
// task table, the task limit, the stop state and the panic handler are
// the executor's, shared.
//
// # One home per task, no stealing
//
// A task belongs to one runner, its home, from Spawn to its end: Spawn
// picks the runner with the fewest live tasks (SpawnOn a given one), and
// every wake of the task queues it there. A wake made on that runner's
// goroutine is local (no locked instruction); any other (a task of
// another runner, a goroutine, an interrupt handler on any CPU) is shared:
// it pushes the task onto its home's run queue and wakes that runner if
// it is parked. Spawn from anywhere is the same push.
//
// The alternative, runners that steal queued tasks from each other as
// Go's scheduler and tokio do, was rejected, for four reasons:
//
//   - Everything the single runner made cheap relies on one goroutine
//     owning a task: the run list and the local wake path need no
//     locked instruction because only the home runner touches them, a
//     task's timers sit in its runner's heap, which needs no lock
//     (Timers), and a slot is reused only when its runner has taken it
//     out of every queue. A task that may move needs a lock or atomics
//     on each of those, or timers that follow it between heaps, on every
//     poll of every task, for the benefit of the few that would move.
//   - Stealing from a run list needs a deque whose owner pays a locked
//     instruction per pop (Chase-Lev), and stealing from the run queue a
//     take that can no longer be one swap; perf.md puts each locked
//     instruction at about 6 ns of the 27 ns round trip.
//   - What the kernel's executor runs is I/O: tasks that wait for a key,
//     a byte, a USB transfer, a timer. They use microseconds of CPU per
//     event; balancing them at spawn is enough. CPU-bound work belongs in
//     goroutines, which the Go runtime already balances across CPUs with
//     work stealing of its own.
//   - It is the shared-nothing, thread-per-core model of Seastar and
//     glommio, and of embassy on multi-core microcontrollers (an executor
//     per core, cross-core wakes), which the project's executor already
//     follows in its run queue.
//
// What it costs: a task stays on a busy CPU while another idles; a task
// that needs a CPU to itself should be spawned on it (SpawnOn) or be a
// goroutine.
//
// # Ending
//
// A runner's Run returns when the executor stops: Stop, or no task left.
// The latter is decided, under the executor's mutex, by a runner that
// finds its own queue empty and no live task in the executor, once every
// runner has joined (so a runner that starts late is not refused its
// tasks); it sets the stop flag and unparks the others, which see the
// flag and return. The last runner to leave drops what is left.

// runner is one of an executor's runners; see above. The fields that
// other goroutines and interrupt handlers write come first, on a cache
// line of their own.
type runner struct {
	head   uint32  // atomic: the run queue's head: slot+1 of the task pushed last, 0 when empty
	parked uint32  // atomic: the park word (idle.go): 1 while the runner parks
	owner  uintptr // atomic: currentG of the goroutine driving the runner, 0 when none
	_      [48]byte

	// Read-only after NewExecutor.
	e          *Executor
	dir        []*chunk    // e.dir, so that finding an entry does not go through e
	index      int         // in e.runners
	queueEmpty func() bool // r.QueueEmpty, made once so that Run does not allocate
	ownTimers  *Timers     // the runner's own timer queue, on the default clock

	// Only the runner's goroutine writes these; some are loaded
	// elsewhere, atomically, as their comments say.
	runHead   uint32  // the run list's first slot+1 (local.go); loaded by QueueEmpty
	runTail   uint32  // and its last
	cpuTag    uint32  // the CPU the runner last found itself on, as entry.flags keeps it
	cx        Context // reused for every poll
	untilFire int     // polls left before the next Fire
	polling   uint64  // slot+1 of the task being polled, 0 between polls; loaded by Snapshot
	idles     uint64  // idle calls, for the tests
	tq        *Timers // the timer queue the runner fires

	live int // tasks of this runner spawned and not finished; under e.mu
	_    [64]byte
}

func newRunner(e *Executor, i int) *runner {
	r := &runner{
		e:     e,
		dir:   e.dir,
		index: i,
		// Its own queue, on the default clock (shared by Sleep and
		// NewTicker), so that its tasks' timers join it; see Timers.
		ownTimers: &Timers{clock: DefaultTimers().clock},
	}
	r.queueEmpty = r.QueueEmpty
	return r
}

// entry returns slot's entry, as Executor.entry does.
//
//go:nosplit
func (r *runner) entry(slot uint64) *entry { return entryIn(r.dir, slot) }

// run is Run on r: it polls until the executor stops.
func (r *runner) run() error {
	if r.tq == nil {
		r.tq = r.ownTimers
	}
	r.cx.timers = r.tq
	r.readCPU()
	atomic.StoreUintptr(&r.owner, currentG()) // wakes from here are local
	defer r.leave()
	for {
		slot, p := r.runIsolated()
		if p == nil {
			return nil
		}
		r.finish(slot, r.entry(slot), p)
	}
}

// fireEvery is the number of polls between two Fires of the timer queue
// (a runner also fires before it idles), so that tasks that keep each
// other busy delay a timer by at most that many polls. Fire reads the
// clock only when a timer is armed. The runner reads its CPU as often.
const fireEvery = 64

// runReadyTasks is Run's loop, the post's run_ready_tasks: it polls the
// tasks of its run list (local.go), moves the run queue's tasks there when
// the list is empty, and idles (sleepIfIdle) when both are, until the
// executor stops. A panic leaves the rest of the list for the next call.
func (r *runner) runReadyTasks() {
	stop := &r.e.stopFlag // one load a poll, not two
	for atomic.LoadUint32(stop) == 0 {
		slot, t := r.popRun()
		if t == nil {
			if !r.takeBatch() && !r.sleepIfIdle() {
				return
			}
			continue
		}
		if r.untilFire == 0 {
			r.tq.Fire()
			r.untilFire = fireEvery
			r.readCPU()
		}
		r.untilFire--
		r.poll(slot, t)
	}
}

// sleepIfIdle is the post's sleep_if_idle, called when the runner's queue
// is empty: it ends Run (false) if no task is left in the executor (see
// Ending), and otherwise fires the due timers or, if none was due, calls
// the idle function with the next deadline.
func (r *runner) sleepIfIdle() bool {
	e := r.e
	e.mu.Lock()
	if e.live == 0 && e.joined == len(e.runners) {
		// Decided under the lock that Spawn takes: no task can sneak in
		// between this check and the stop.
		e.stopped = true
		atomic.StoreUint32(&e.stopFlag, 1)
		e.mu.Unlock()
		e.unparkAll()
		return false
	}
	e.mu.Unlock()
	r.untilFire = fireEvery
	if r.tq.Fire() > 0 {
		return true // a timer fell due since the last Fire
	}
	deadline, ok := r.tq.Next()
	r.idles++
	if e.idle == nil {
		r.park(deadline, ok)
	} else {
		e.idle(r.queueEmpty, deadline, ok)
	}
	r.readCPU()
	return true
}

// poll polls the task in slot, t, which the runner took from its run
// list: a task that finished while it was queued is dropped here and its
// slot freed (once it is queued nowhere).
func (r *runner) poll(slot uint64, t *entry) {
	h := t.hdr
	f := t.flags
	if f&slotStateMask == slotDraining {
		// Finished while queued. It may be queued twice, in the run list
		// and in the run queue: free the slot when it is in neither.
		if atomic.LoadUint32(&h.state)&queuedBit == 0 {
			r.e.mu.Lock()
			r.e.release(slot)
			r.e.mu.Unlock()
		}
		return
	}
	storeRelease64(&t.polls, t.polls+1)
	if f&cpuMask != r.cpuTag {
		storeRelease32(&t.flags, f&^cpuMask|r.cpuTag)
	}
	r.cx.waker = Waker{h}
	storeRelease64(&r.polling, slot+1)
	_, done := t.fut.Poll(&r.cx)
	storeRelease64(&r.polling, 0)
	if done {
		r.finish(slot, t, nil)
	}
}

// readCPU asks the executor's CPU function where the runner runs, and
// keeps the answer as entry.flags does.
func (r *runner) readCPU() {
	cpu := r.index
	if r.e.cpu != nil {
		cpu = r.e.cpu()
	}
	r.cpuTag = cpuFlags(cpu)
}

// leave ends Run on r: the executor is stopped (if this runner ended by a
// panic of the panic handler, the others end too), and the last runner to
// leave drops the tasks that are left.
func (r *runner) leave() {
	e := r.e
	atomic.StoreUintptr(&r.owner, 0) // no more local wakes
	e.mu.Lock()
	e.stopped = true
	atomic.StoreUint32(&e.stopFlag, 1)
	e.running--
	r.cx = Context{}
	r.tq = nil
	storeRelease32(&r.runHead, 0)
	r.runTail = 0
	if e.running == 0 {
		e.dropAll()
	}
	e.mu.Unlock()
	e.unparkAll()
}

// unparkAll wakes every runner that parks: the executor stopped.
func (e *Executor) unparkAll() {
	for _, r := range e.runners {
		if atomic.LoadUint32(&r.parked) != 0 {
			r.unpark()
		}
	}
}
