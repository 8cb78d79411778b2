package task

import (
	"math"
	"sync/atomic"
	"time"
)

// Timers is a timer queue: the deadlines that tasks wait for (Timer,
// Ticker) with the Wakers to wake, on one monotonic clock. An Executor
// drives it (see Executor.SetTimers): before each batch of 64 polls Run
// calls Fire, which wakes the tasks whose deadlines have passed, and when no
// task is runnable it passes Next, the earliest deadline, to its idle
// function, so that the idle can sleep until then and no longer.
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
// O(1), arming and cancelling are
// O(log n), and a Fire that wakes k timers is O(k log n). Deadlines keep
// the clock's full resolution. A timer wheel would make arming and
// cancelling O(1), but it rounds deadlines to its tick, costs a pass over
// empty slots (or a cascade) to find the earliest deadline, which the
// tickless idle needs at every sleep, and is a win only for very many
// short-lived timers; an executor has a few, and the heap handles 100,000
// in well under a microsecond per operation (BenchmarkTimers).
//
// Timers with equal deadlines fire in the order they were armed: a Timer
// is armed by its first poll that finds it not yet due, a Ticker by each
// poll that waits for its next tick. The sequence number is the tie
// breaker.
//
// # Concurrency
//
// Timers is not safe for concurrent use, and needs no lock because it is
// used from one goroutine only: the executor's, in its tasks' polls and in
// Run. Creating a Timer or Ticker (Sleep, At, NewTicker, the package-level
// Sleep and NewTicker) only reads the clock, and may be done anywhere; so
// may Now. Everything else (polling, Cancel, Stop, Fire, Next, Len) must
// happen on the executor's goroutine, or while it is not running. Nothing
// of it may be called from an interrupt handler: arming a timer stores
// pointers. The race detector reports other uses, as the accesses are
// plain loads and stores (TestTimersRaceDetected).
//
// Two executors that run at the same time therefore need a Timers each.
type Timers struct {
	now  func() time.Duration
	heap []timerEntry
	seq  uint64 // arming counter: FIFO order among equal deadlines
}

// timerEntry is one place in the heap. The key (when, seq) is stored here
// rather than read through t, so that sifting compares without touching
// the timers.
type timerEntry struct {
	when time.Duration
	seq  uint64
	t    *timer
}

// Timer states.
const (
	timerPending   = iota // not yet completed: armed if idx >= 0
	timerFired            // due: Fire woke it, or a poll found it due
	timerCancelled        // Timer.Cancel, Ticker.Stop
)

// timer is the part of Timer and Ticker that the heap sees.
type timer struct {
	q     *Timers
	when  time.Duration // the deadline
	waker Waker         // the task to wake; set while armed
	idx   int32         // index in q.heap, -1 when not armed
	state uint8
}

// heapArity is the number of children of a heap node.
const heapArity = 4

// epoch is the origin of the default clock.
var epoch = time.Now()

// monotonic is the default clock: the time since the package was
// initialised, from time.Now's monotonic reading.
func monotonic() time.Duration { return time.Since(epoch) }

// NewTimers returns an empty timer queue on the clock now, which must be
// monotonic (never go back); its epoch does not matter. A nil now means
// the time since the package was initialised, from time.Now's monotonic
// clock.
func NewTimers(now func() time.Duration) *Timers {
	if now == nil {
		now = monotonic
	}
	return &Timers{now: now}
}

// Now returns the current time on q's clock: what deadlines are compared
// with. An idle function turns the deadline it is given into a timeout
// with it (deadline - Now()). Unlike the other methods it may be called
// from any goroutine.
func (q *Timers) Now() time.Duration { return q.now() }

// Sleep returns a Timer that completes once Now() >= Now()+d, Now() read
// at this call. A d <= 0 is due at once.
func (q *Timers) Sleep(d time.Duration) *Timer {
	return q.At(addSat(q.now(), d))
}

// At returns a Timer that completes once Now() >= deadline.
func (q *Timers) At(deadline time.Duration) *Timer {
	return &Timer{timer{q: q, when: deadline, idx: -1}}
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

// arm puts t into the heap with waker w.
func (q *Timers) arm(t *timer, w Waker) {
	if len(q.heap) >= math.MaxInt32 {
		panic("task: too many timers")
	}
	t.waker = w
	q.seq++
	i := len(q.heap)
	q.heap = append(q.heap, timerEntry{when: t.when, seq: q.seq, t: t})
	q.up(i)
}

// rewait updates the waker of the armed timer t, if it changed.
func (t *timer) rewait(w Waker) {
	if !t.waker.WillWake(w) {
		t.waker = w
	}
}

// disarm removes t from the heap if it is there.
func (t *timer) disarm() {
	if t.idx >= 0 {
		t.q.remove(int(t.idx))
	}
	t.waker = Waker{}
}

// remove takes the entry at index i out of the heap, and shrinks the
// heap's array when it is mostly empty.
func (q *Timers) remove(i int) {
	h := q.heap
	last := len(h) - 1
	h[i].t.idx = -1
	if i != last {
		h[i] = h[last]
		h[i].t.idx = int32(i)
	}
	h[last] = timerEntry{}
	q.heap = h[:last]
	if i < last {
		q.down(i)
		q.up(i)
	}
	if c := cap(q.heap); c > 256 && len(q.heap) < c/4 {
		q.heap = append(make([]timerEntry, 0, c/2), q.heap...)
	}
}

// less orders entries by deadline, then by arming order.
func (a *timerEntry) less(b *timerEntry) bool {
	return a.when < b.when || a.when == b.when && a.seq < b.seq
}

// up moves the entry at i towards the root to its place.
func (q *Timers) up(i int) {
	h := q.heap
	e := h[i]
	for i > 0 {
		p := (i - 1) / heapArity
		if !e.less(&h[p]) {
			break
		}
		h[i] = h[p]
		h[i].t.idx = int32(i)
		i = p
	}
	h[i] = e
	e.t.idx = int32(i)
}

// down moves the entry at i towards the leaves to its place.
func (q *Timers) down(i int) {
	h := q.heap
	n := len(h)
	e := h[i]
	for {
		c := heapArity*i + 1
		if c >= n {
			break
		}
		m := c
		for j := c + 1; j < c+heapArity && j < n; j++ {
			if h[j].less(&h[m]) {
				m = j
			}
		}
		if !h[m].less(&e) {
			break
		}
		h[i] = h[m]
		h[i].t.idx = int32(i)
		i = m
	}
	h[i] = e
	e.t.idx = int32(i)
}

// addSat returns a+b, saturated to the Duration range.
func addSat(a, b time.Duration) time.Duration {
	s := a + b
	switch {
	case b > 0 && s < a:
		return math.MaxInt64
	case b < 0 && s > a:
		return math.MinInt64
	}
	return s
}

// Timer is a Future that completes once its Timers' clock reaches its
// deadline: what Timers.Sleep, Timers.At and the package-level Sleep
// return. Awaiting it is sleeping:
//
//	func (t *blinker) Poll(cx *task.Context) (struct{}, bool) {
//		for {
//			if t.sleep != nil {
//				if _, ok := t.sleep.Poll(cx); !ok {
//					return struct{}{}, false // woken at the deadline
//				}
//			}
//			toggleCursor()
//			t.sleep = task.Sleep(500 * time.Millisecond)
//		}
//	}
//
// Its first poll that finds it not yet due arms it: it enters the queue
// with the task's Waker, which Fire wakes at the deadline. A Timer that is
// never polled costs nothing but its 32 bytes. Polls before the deadline
// do not arm it again; they only replace the Waker if the task's changed.
// A poll that finds the deadline passed completes it, whether or not Fire
// has run, and takes it out of the queue.
//
// Like every future, a Timer is polled by one task; see Timers for the
// goroutine it belongs to.
type Timer struct {
	timer
}

// Poll completes (returns true) once the deadline has passed; see Timer.
// After Cancel it returns false forever and arranges no wake.
func (s *Timer) Poll(cx *Context) (struct{}, bool) {
	switch s.state {
	case timerFired:
		return struct{}{}, true
	case timerCancelled:
		return struct{}{}, false
	}
	if s.q.now() >= s.when {
		s.disarm()
		s.state = timerFired
		return struct{}{}, true
	}
	if s.idx < 0 {
		s.q.arm(&s.timer, cx.Waker())
	} else {
		s.rewait(cx.Waker())
	}
	return struct{}{}, false
}

// Deadline returns the time, on its Timers' clock, at which s is due.
func (s *Timer) Deadline() time.Duration { return s.when }

// Cancel stops s: it leaves the queue, its task is not woken for it, and
// it never completes: later polls return pending forever (as a receive
// from a stopped time.Timer's channel blocks), so a task must not await a
// Timer it cancelled. Cancel is for a task that stops waiting, such as one
// whose other event beat its timeout; cancelling rather than dropping the
// Timer frees its place in the queue at once instead of at the deadline.
//
// Cancel returns true if it stopped s, and false if s had already
// completed (Fire woke it or a poll found it due: a later poll completes)
// or had been cancelled.
func (s *Timer) Cancel() bool {
	if s.state != timerPending {
		return false
	}
	s.disarm()
	s.state = timerCancelled
	return true
}

// Ticker is a Stream of ticks, every period: the n-th item is its
// deadline, start + n*period on its Timers' clock (start is when the
// Ticker was made). A consumer that falls behind gets missed ticks
// coalesced, as with time.Ticker: a poll that finds one or more ticks due
// yields the earliest of them, and the next tick is then the first one
// after the current time; the others are dropped. So ticks come at most
// once a period, and a late consumer can tell how late it is from the
// deadline it receives.
//
// A Ticker is in the queue only while its consumer waits for the next
// tick, armed as a Timer is. Stop ends the stream.
type Ticker struct {
	timer
	period time.Duration
}

// NewTicker returns a Ticker on q that ticks every period from now. It
// panics if period <= 0, as time.NewTicker does.
func (q *Timers) NewTicker(period time.Duration) *Ticker {
	if period <= 0 {
		panic("task: non-positive interval for NewTicker")
	}
	return &Ticker{timer{q: q, when: addSat(q.now(), period), idx: -1}, period}
}

// PollNext yields the deadline of the next tick once it has passed,
// coalescing missed ticks (see Ticker), and reports the end of the stream
// after Stop.
func (k *Ticker) PollNext(cx *Context) (time.Duration, bool, bool) {
	if k.state == timerCancelled {
		return 0, false, true
	}
	now := k.q.now()
	if now >= k.when {
		k.disarm()
		k.state = timerPending
		tick := k.when
		// The first tick after now: skip the missed ones.
		missed := (now - tick) / k.period
		k.when = addSat(addSat(tick, missed*k.period), k.period)
		return tick, true, true
	}
	if k.idx < 0 {
		k.q.arm(&k.timer, cx.Waker())
	} else {
		k.rewait(cx.Waker())
	}
	return 0, false, false
}

// Period returns the ticker's period.
func (k *Ticker) Period() time.Duration { return k.period }

// Stop ends the stream: the Ticker leaves the queue and its later polls
// report the end. Unlike Timer.Cancel, Stop wakes a consumer that is
// waiting for a tick, so that it sees the end (as closing a channel wakes
// its receivers); a consumer stopping its own Ticker gets one extra poll.
// Stopping a stopped Ticker does nothing.
func (k *Ticker) Stop() {
	if k.state == timerCancelled {
		return
	}
	w := k.waker
	k.disarm()
	k.state = timerCancelled
	w.Wake()
}

// defaultTimers is what DefaultTimers returns.
var defaultTimers atomic.Pointer[Timers]

func init() { defaultTimers.Store(NewTimers(nil)) }

// SetDefaultTimers makes q the default timer queue: the one Sleep and
// NewTicker use, and the one an Executor without SetTimers fires. A nil q
// restores a new queue on the default clock. Call it before the executor
// runs; it may be called from any goroutine.
func SetDefaultTimers(q *Timers) {
	if q == nil {
		q = NewTimers(nil)
	}
	defaultTimers.Store(q)
}

// DefaultTimers returns the default timer queue. Until SetDefaultTimers,
// it is one on the default clock (see NewTimers).
func DefaultTimers() *Timers { return defaultTimers.Load() }

// Sleep returns a future that completes once d has passed:
// DefaultTimers().Sleep(d). Its task must run on the executor that fires
// the default queue (by default, any Executor). It returns the *Timer, so
// that the sleep can be cancelled.
func Sleep(d time.Duration) *Timer { return DefaultTimers().Sleep(d) }

// NewTicker returns a Ticker on the default timer queue:
// DefaultTimers().NewTicker(period).
func NewTicker(period time.Duration) *Ticker { return DefaultTimers().NewTicker(period) }
