package task

import (
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"gokernel/task/ring"
)

// TaskID identifies a task. IDs come from one process-wide counter, as in
// the post's TaskId::new: they are unique in the process, never reused,
// increase in the order tasks are spawned (on any executor), and are never
// 0.
type TaskID uint64

// lastID is the last TaskID handed out (atomic).
var lastID uint64

func newTaskID() TaskID { return TaskID(atomic.AddUint64(&lastID, 1)) }

// MaxTasks is the largest task limit NewExecutor accepts. The run queue
// costs 16 bytes per allowed task up front, so this bounds it to 256 MiB.
const MaxTasks = 1 << 24

// Errors of Spawn, Run and NewExecutor.
var (
	ErrStopped      = errors.New("task: executor stopped")
	ErrRunning      = errors.New("task: executor already running")
	ErrTooManyTasks = errors.New("task: task limit reached")
	ErrNilFuture    = errors.New("task: nil future")
	ErrMaxTasks     = fmt.Errorf("task: task limit must be between 1 and %d", MaxTasks)
)

// IdleFunc is what Run calls when the run queue is empty but tasks are
// left: it should wait until an interrupt (or whatever stands for one)
// may have woken a task, or until deadline if hasDeadline, and return.
// Run fires the due timers and polls the queue again after it returns, so
// returning early is always safe; only the cost differs.
//
// deadline is the earliest deadline of the executor's timer queue (see
// SetTimers), on that queue's clock (Timers.Now), and hasDeadline is false
// when no timer is armed: then only an interrupt can wake a task. The
// deadline may already have passed (a timer fell due after Run's last
// Fire); the idle function should then return at once. It is what lets
// an idle kernel sleep without a periodic tick: halt until the next
// interrupt or the deadline, whichever comes first.
//
// queueEmpty reports whether the run queue is empty. It allocates nothing,
// takes no lock and only loads two integers, so it may be called with
// interrupts disabled. It exists so that the idle function can close the
// race between its check and its sleep, as the post's sleep_if_idle does:
//
//	func idle(queueEmpty func() bool, deadline time.Duration, hasDeadline bool) {
//		arch.Cli()
//		if queueEmpty() {
//			// sti; hlt: enables interrupts and halts in one step, until
//			// the next interrupt or, if hasDeadline, the timer interrupt
//			// programmed for deadline.
//			waitForInterrupt(deadline, hasDeadline)
//		}
//		arch.Sti()
//	}
//
// With interrupts off nothing can wake a task between queueEmpty and the
// halt, and sti takes effect only after the instruction that follows it,
// so an interrupt that arrives after the check is held pending until hlt
// has begun and then ends it: the wake it brings is never slept through.
// A hosted idle function gets the same guarantee from a buffered channel
// that "interrupts" signal after they wake (see the tests), or may simply
// yield (GoschedIdle).
type IdleFunc func(queueEmpty func() bool, deadline time.Duration, hasDeadline bool)

// GoschedIdle is an IdleFunc for hosted programs: it yields the processor
// (runtime.Gosched) when the queue is empty, so Run polls and yields in a
// loop until a task is woken. It ignores the deadline: a task sleeping on
// a timer keeps the loop spinning (with yields) until the deadline, which
// is fine for tests and short sleeps. NewExecutor uses it for a nil
// IdleFunc.
func GoschedIdle(queueEmpty func() bool, _ time.Duration, _ bool) {
	if queueEmpty() {
		runtime.Gosched()
	}
}

// TaskState is what a task is doing, as Snapshot reports it.
type TaskState uint8

const (
	Waiting TaskState = iota // polled, returned pending, not woken since
	Queued                   // spawned or woken: in the run queue
	Running                  // being polled (the caller of Snapshot, if it is a task)
)

func (s TaskState) String() string {
	switch s {
	case Waiting:
		return "waiting"
	case Queued:
		return "queued"
	case Running:
		return "running"
	}
	return fmt.Sprintf("TaskState(%d)", uint8(s))
}

// TaskInfo is one task's line in Snapshot.
type TaskInfo struct {
	ID    TaskID
	State TaskState
	Polls uint64 // times the task was polled
	Wakes uint64 // Wake calls on its Waker while it lived, duplicates included
}

// TaskPanic describes a task whose Poll panicked. The executor recovers
// the panic, removes the task and hands a TaskPanic to its panic handler.
type TaskPanic struct {
	ID    TaskID
	Value any    // what the task panicked with
	Stack []byte // the goroutine's stack at the recovery, panicking frames included
}

// Error returns "task N panicked: VALUE".
func (p *TaskPanic) Error() string {
	return fmt.Sprintf("task %d panicked: %v", p.ID, p.Value)
}

// ReportTo returns a panic handler that writes the panic and its stack to
// w. The default handler is ReportTo(os.Stderr).
func ReportTo(w io.Writer) func(*TaskPanic) {
	return func(p *TaskPanic) {
		fmt.Fprintf(w, "%s\n\n%s\n", p.Error(), p.Stack)
	}
}

// Slot states.
const (
	slotFree     = iota
	slotLive     // waiting or queued
	slotRunning  // being polled
	slotDraining // finished, but its handle is (or is being put) in the run queue
)

// entry is one slot of the task table.
type entry struct {
	fut   Future[struct{}]
	hdr   *header // nil when free; the task's Wakers are Waker{hdr}: the waker cache
	id    TaskID
	polls uint64
	next  uint32 // free list: the next free slot + 1, 0 at the end
	state uint8
}

// chunkSize is the number of entries per table chunk: 255 entries of 48
// bytes and the 8-byte header the allocator puts before objects of this
// size that contain pointers fill 12,248 bytes of the 12 KiB size class.
// (256 entries would need the next class, 13,568 bytes.)
const chunkSize = 255

// chunk is a part of the task table, allocated when its first slot is
// handed out and never moved.
type chunk [chunkSize]entry

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
	timers  *Timers // SetTimers; nil means DefaultTimers()

	// Only Run's goroutine touches these.
	cx      Context // reused for every poll
	polling uint64  // slot+1 of the task being polled, 0 between polls
	tq      *Timers // the timer queue Run fires
}

// NewExecutor returns an executor for at most maxTasks tasks at a time (1
// to MaxTasks): the run queue, a lock-free ring with one place per task,
// is allocated here, 16 bytes per task, and Spawn fails with
// ErrTooManyTasks beyond the limit. idle is called when no task is
// runnable (see IdleFunc); nil means GoschedIdle.
func NewExecutor(maxTasks int, idle IdleFunc) (*Executor, error) {
	if maxTasks < 1 || maxTasks > MaxTasks {
		return nil, ErrMaxTasks
	}
	r, err := ring.New[uint64](maxTasks)
	if err != nil {
		return nil, err
	}
	if idle == nil {
		idle = GoschedIdle
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
	}
	e.queueEmpty = e.QueueEmpty
	return e, nil
}

// SetPanicHandler sets the function that receives the panics of tasks; nil
// restores the default, ReportTo(os.Stderr). It is called on Run's
// goroutine, after the panicking task has been removed. If it panics
// itself, Run ends with that panic.
func (e *Executor) SetPanicHandler(h func(*TaskPanic)) {
	if h == nil {
		h = ReportTo(os.Stderr)
	}
	e.mu.Lock()
	e.onPanic = h
	e.mu.Unlock()
}

// SetTimers makes q the timer queue that Run fires and whose next deadline
// it passes to the idle function; nil (the default) means DefaultTimers()
// as of Run's start. Call it before Run, which reads it once, when it
// starts. The executor's tasks must arm their timers on this queue, and
// no other executor may drive it at the same time (see Timers).
func (e *Executor) SetTimers(q *Timers) {
	e.mu.Lock()
	e.timers = q
	e.mu.Unlock()
}

// entry returns slot's entry, or nil if its chunk was never allocated.
func (e *Executor) entry(slot uint64) *entry {
	c := e.dir[slot/chunkSize]
	if c == nil {
		return nil
	}
	return &c[slot%chunkSize]
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
	var slot uint64
	switch {
	case e.free != 0:
		slot = uint64(e.free - 1)
		e.free = e.entry(slot).next
	case e.nslots < e.max:
		slot = uint64(e.nslots)
		if e.dir[slot/chunkSize] == nil {
			e.dir[slot/chunkSize] = new(chunk)
		}
		e.nslots++
	default:
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
	return id, nil
}

// release frees slot. e.mu must be held.
func (e *Executor) release(slot uint64) {
	*e.entry(slot) = entry{next: e.free}
	e.free = uint32(slot + 1)
}

// Spawner is a handle for spawning tasks on an executor without the rest
// of its API: give it to tasks that start other tasks. The zero Spawner
// must not be used.
type Spawner struct {
	e *Executor
}

// Spawner returns a Spawner for e.
func (e *Executor) Spawner() Spawner { return Spawner{e} }

// Spawn is Executor.Spawn.
func (s Spawner) Spawn(f Future[struct{}]) (TaskID, error) { return s.e.Spawn(f) }

// QueueEmpty reports whether the run queue is empty. It is what Run passes
// to the idle function: //go:nosplit, no allocation, no lock, no runtime
// call; a wake whose push into the queue is still in flight counts as
// queued (the ring's Len counts claimed places), so QueueEmpty never says
// empty while a wake is being delivered.
//
//go:nosplit
func (e *Executor) QueueEmpty() bool {
	return e.q.ring.Len() == 0
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
		e.tq = DefaultTimers()
	}
	defer e.shutdown()
	for {
		slot, p := e.loop()
		if p == nil {
			return nil
		}
		e.finish(slot, e.entry(slot), p)
	}
}

// loop is Run's loop: it pops handles and polls their tasks, and idles
// when the queue is empty, until no task is left or Stop. If a task's Poll
// panics, loop recovers and returns the task's slot and the panic, and Run
// removes the task and calls loop again; so there is one deferred recover
// per panic rather than one per poll. A panic outside a poll (in the idle
// function, say) is not recovered.
func (e *Executor) loop() (slot uint64, p *TaskPanic) {
	normal := false
	defer func() {
		if normal || e.polling == 0 {
			return // not a task's panic: let it go on
		}
		v := recover()
		if v == nil {
			// Only runtime.Goexit unwinds without a panic value (panic(nil)
			// recovers a *runtime.PanicNilError). It cannot be stopped;
			// Run's deferred shutdown runs as it unwinds.
			v = "runtime.Goexit called by the task"
		}
		slot = e.polling - 1
		e.polling = 0
		p = &TaskPanic{ID: e.entry(slot).id, Value: v, Stack: debug.Stack()}
	}()
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
		e.mu.Lock()
		if e.live == 0 {
			// Decided under the lock that Spawn takes: no task can
			// sneak in between this check and the stop.
			e.stopped = true
			e.mu.Unlock()
			break
		}
		e.mu.Unlock()
		if e.tq.Fire() > 0 {
			continue // a timer fell due since the batch began
		}
		deadline, ok := e.tq.Next()
		e.idle(e.queueEmpty, deadline, ok)
	}
	normal = true
	return 0, nil
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
	hdr := t.hdr
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
		onPanic(p)
	}
}

// Stop makes Run return after the poll in progress (or at once, if Run is
// in its idle function, when that returns) and makes every later Spawn
// fail with ErrStopped. The unfinished tasks are dropped: their futures
// are released and their Wakers do nothing from then on. Stop may be
// called from a task, from another goroutine, before Run or after it.
func (e *Executor) Stop() {
	e.mu.Lock()
	e.stopped = true
	atomic.StoreUint32(&e.stopFlag, 1)
	if !e.running {
		e.dropAll()
	}
	e.mu.Unlock()
}

// shutdown ends Run: the executor is stopped and what is left is dropped.
func (e *Executor) shutdown() {
	e.mu.Lock()
	e.stopped = true
	e.running = false
	atomic.StoreUint32(&e.stopFlag, 1)
	e.dropAll()
	e.cx.waker = Waker{}
	e.tq = nil
	e.mu.Unlock()
}

// dropAll drops every task. e.mu must be held and Run must not be polling.
func (e *Executor) dropAll() {
	for i, c := range e.dir {
		if c == nil {
			continue
		}
		for j := range c {
			if h := c[j].hdr; h != nil {
				atomic.StoreUint32(&h.done, 1)
			}
		}
		e.dir[i] = nil
	}
	e.nslots, e.free, e.live = 0, 0, 0
}

// Len returns the number of tasks that have been spawned and have not
// finished (nor been dropped).
func (e *Executor) Len() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.live
}

// DroppedWakes returns the number of wakes that found the run queue full.
// The design makes that impossible (see the package documentation); it is
// counted rather than trusted.
func (e *Executor) DroppedWakes() uint64 { return atomic.LoadUint64(&e.q.dropped) }

// Snapshot returns the live tasks, by ID, with their state and counters:
// what a `tasks` command shows. Call it from a task of this executor, or
// from any goroutine while Run is not running (Run updates the counters
// without synchronization). It allocates the result.
func (e *Executor) Snapshot() []TaskInfo {
	e.mu.Lock()
	infos := make([]TaskInfo, 0, e.live)
	for slot := range uint64(e.nslots) {
		t := e.entry(slot)
		if t.state != slotLive && t.state != slotRunning {
			continue
		}
		// Every poll but the first follows a wake that queued the task,
		// and a handle queued since the last poll is one more; the wakes
		// that found the task queued are counted in the header.
		queued := atomic.LoadUint32(&t.hdr.queued) != 0
		wakes := atomic.LoadUint64(&t.hdr.dupWakes)
		if t.polls > 0 {
			wakes += t.polls - 1
			if queued {
				wakes++
			}
		}
		info := TaskInfo{ID: t.id, Polls: t.polls, Wakes: wakes}
		switch {
		case t.state == slotRunning:
			info.State = Running
		case queued:
			info.State = Queued
		}
		infos = append(infos, info)
	}
	e.mu.Unlock()
	slices.SortFunc(infos, func(a, b TaskInfo) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return infos
}
