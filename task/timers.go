package task

import (
	"sync/atomic"
	"time"
)

// Timers is a timer queue: the deadlines that tasks wait for (Timer,
// Ticker) with the Wakers to wake, on one monotonic clock. Each runner of
// an Executor has one and drives it: before each batch of 64 polls Run calls Fire,
// which wakes the tasks whose deadlines have passed, and when no task is
// runnable it passes Next, the earliest deadline, to its idle function, so
// that the idle can sleep until then and no longer.
//
// A waiting timer costs no CPU: its future registers its task's Waker
// once, at the first poll that finds it not yet due (and again only if
// the task's Waker changed), and Fire wakes it exactly once.
//
// # Design
//
// The queue is a 4-ary min-heap of (deadline, sequence number, timer)
// entries, with each timer's index in the heap kept in the timer, as in
// the Go runtime's timer heap (2- and 8-ary heaps measured the same within
// noise with 100,000 timers; 4 halves a binary heap's depth). Next is
// O(1), arming and cancelling are O(log n), and a Fire that wakes k timers
// is O(k log n). Deadlines keep the clock's full resolution. A timer wheel
// would make arming and cancelling O(1), but it rounds deadlines to its
// tick, costs a pass over empty slots (or a cascade) to find the earliest
// deadline, which the tickless idle needs at every sleep, and is a win
// only for very many short-lived timers; an executor has a few, and the
// heap handles 100,000 in well under a microsecond per operation
// (BenchmarkTimers).
//
// Timers with equal deadlines fire in the order they were armed: a Timer
// is armed by its first poll that finds it not yet due, a Ticker by each
// poll that waits for its next tick. The sequence number is the tie
// breaker.
//
// # Whose queue
//
// A timer is made on a queue (Sleep and NewTicker make theirs on the
// default one) and reads that queue's clock, but it joins the queue of
// the runner whose task polls it, which the Context carries, when that
// queue runs on the same clock: a runner's own queue runs on the default
// clock, so Sleep in a task arms on its runner's queue. Two executors, or
// two runners of one, in two goroutines thus never share a queue, and
// since a task never leaves its runner (runner.go), neither do its
// timers. A timer whose
// clock differs from its executor's (a fake clock in a test, without
// Executor.SetTimers) stays on the queue it was made on, and so does one
// polled by hand (NewContext carries no queue).
//
// # Concurrency
//
// Timers is not safe for concurrent use, and needs no lock because it is
// used from one goroutine only: its runner's, in the tasks' polls and in
// Run. Creating a Timer or Ticker (Sleep, At, NewTicker, the
// package-level Sleep and NewTicker) only reads the clock, and may be done
// anywhere; so may Now. Everything else (polling, Cancel, Stop, Fire,
// Next, Len) must happen on the runner's goroutine, or while it is not
// running. Nothing of it may be called from an interrupt handler: arming
// a timer stores pointers. The race detector reports other uses, as the
// accesses are plain loads and stores (TestTimersRaceDetected).
type Timers struct {
	clock *clock
	heap  []timerEntry
	seq   uint64 // arming counter: FIFO order among equal deadlines
}

// clock is a time source. Queues made from the same clock value (the
// default queue and the executors' own queues) keep the same time, which
// is what lets a timer move from the queue it was made on to its
// executor's (see queueFor).
type clock struct {
	now func() time.Duration
}

// epoch is the origin of the default clock.
var epoch = time.Now()

// monotonic is the default clock: the time since the package was
// initialised, from time.Now's monotonic reading.
func monotonic() time.Duration { return time.Since(epoch) }

// NewTimers returns an empty timer queue on the clock now, which must be
// monotonic (never go back); its epoch does not matter. A nil now means
// the time since the package was initialised, from time.Now's monotonic
// clock. Each call makes a clock of its own: only the queues that
// executors make for themselves share the default queue's clock.
func NewTimers(now func() time.Duration) *Timers {
	if now == nil {
		now = monotonic
	}
	return &Timers{clock: &clock{now: now}}
}

// now reads q's clock.
func (q *Timers) now() time.Duration { return q.clock.now() }

// Now returns the current time on q's clock: what deadlines are compared
// with. An idle function turns the deadline it is given into a timeout
// with it (deadline - Now()). Unlike the other methods it may be called
// from any goroutine.
func (q *Timers) Now() time.Duration { return q.clock.now() }

// Sleep returns a Timer that completes once Now() >= Now()+d, Now() read
// at this call. A d <= 0 is due at once.
func (q *Timers) Sleep(d time.Duration) *Timer {
	return q.At(addSat(q.now(), d))
}

// At returns a Timer that completes once Now() >= deadline.
func (q *Timers) At(deadline time.Duration) *Timer {
	return &Timer{timer{q: q, when: deadline, idx: -1}}
}

// NewTicker returns a Ticker on q that ticks every period from now. It
// panics if period <= 0, as time.NewTicker does.
func (q *Timers) NewTicker(period time.Duration) *Ticker {
	if period <= 0 {
		panic("task: non-positive interval for NewTicker")
	}
	return &Ticker{timer{q: q, when: addSat(q.now(), period), idx: -1}, period}
}

// Next returns the earliest deadline of the armed timers, and false if
// none is armed. It may already have passed (Fire has not run since).
func (q *Timers) Next() (deadline time.Duration, ok bool) {
	if len(q.heap) == 0 {
		return 0, false
	}
	return q.heap[0].when, true
}

// Len returns the number of armed timers: those a Fire may still wake.
func (q *Timers) Len() int { return len(q.heap) }

// Fire wakes every armed timer whose deadline has passed (deadline <=
// Now()), in deadline order, and disarms it. It returns how many it woke.
// It reads the clock once, and not at all when no timer is armed. A timer
// that Fire woke completes at its task's next poll.
func (q *Timers) Fire() int {
	if len(q.heap) == 0 {
		return 0
	}
	now := q.now()
	n := 0
	for len(q.heap) > 0 && q.heap[0].when <= now {
		t := q.heap[0].t
		q.remove(0)
		t.state = timerFired
		w := t.waker
		t.waker = Waker{}
		w.Wake()
		n++
	}
	return n
}

// defaultTimers is what DefaultTimers returns.
var defaultTimers atomic.Pointer[Timers]

func init() { defaultTimers.Store(NewTimers(nil)) }

// SetDefaultTimers makes q the default timer queue: the one whose clock
// Sleep and NewTicker read and executors made afterwards keep their own
// queues on. A nil q restores a new queue on the default clock. Call it
// before making the executors; it may be called from any goroutine.
func SetDefaultTimers(q *Timers) {
	if q == nil {
		q = NewTimers(nil)
	}
	defaultTimers.Store(q)
}

// DefaultTimers returns the default timer queue: its clock is what Sleep
// and NewTicker read (Now gives the time on it), and its queue is where
// their timers wait if polled outside any executor. Until
// SetDefaultTimers, its clock is the time since the package was
// initialised (see NewTimers).
func DefaultTimers() *Timers { return defaultTimers.Load() }

// Sleep returns a future that completes once d has passed on the default
// clock: DefaultTimers().Sleep(d). It waits in the timer queue of the
// executor that polls it (see Timers). It returns the *Timer, so that the
// sleep can be cancelled.
func Sleep(d time.Duration) *Timer { return DefaultTimers().Sleep(d) }

// NewTicker returns a Ticker on the default clock:
// DefaultTimers().NewTicker(period). Like Sleep's Timer, it waits in the
// queue of the executor that polls it.
func NewTicker(period time.Duration) *Ticker { return DefaultTimers().NewTicker(period) }

// SetTimers makes q the timer queue that Run fires and whose next deadline
// it passes to the idle function, instead of the runner's own (nil
// restores the own one, which runs on the default clock as of
// NewExecutor). It is for an executor of one runner: Run fails with
// ErrSharedTimers on one of several, whose runners cannot share a queue.
// Call it before Run, which reads it once, when it starts. The executor's
// tasks must keep time on q's clock (q.Sleep, q.At, q.NewTicker), and no
// other executor may drive q at the same time.
func (e *Executor) SetTimers(q *Timers) {
	e.mu.Lock()
	e.timers = q
	e.mu.Unlock()
}

// Timers returns the timer queue that Run fires: the one given to
// SetTimers, or the own one of the executor's first runner (each runner
// has its own; Context.Timers gives a task its runner's). Its Now is the
// clock of the deadlines the idle function is given.
func (e *Executor) Timers() *Timers {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.timers != nil {
		return e.timers
	}
	return e.runners[0].ownTimers
}
