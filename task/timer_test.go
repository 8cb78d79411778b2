package task

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a clock the test advances by hand.
type fakeClock struct{ t time.Duration }

func (c *fakeClock) now() time.Duration { return c.t }

// newFakeTimers returns a timer queue on a fake clock at 0.
func newFakeTimers() (*Timers, *fakeClock) {
	c := &fakeClock{}
	return NewTimers(c.now), c
}

// wakeLog is a set of n Wakers, numbered 0 to n-1, whose wakes are
// recorded in order: each is a task header of its own in slot i, all
// sharing one run queue.
type wakeLog struct {
	q    *runner
	hdrs []*header
}

func newWakeLog(t testing.TB, n int) *wakeLog {
	t.Helper()
	hs, q := testHeaders(t, n)
	return &wakeLog{q: q, hdrs: hs}
}

func (l *wakeLog) waker(i int) Waker { return Waker{l.hdrs[i]} }

// cx returns a Context with waker i.
func (l *wakeLog) cx(i int) *Context { return NewContext(l.waker(i)) }

// woken returns the numbers of the Wakers woken since the last call, in
// the order of their wakes, and makes them wakeable again. A Waker woken
// twice in between appears once (its task was already queued) and its
// duplicates are counted in dups.
func (l *wakeLog) woken() (ids []int, dups uint64) {
	for _, h := range popAll(l.q, l.hdrs) {
		ids = append(ids, int(h-1))
	}
	for _, h := range l.hdrs {
		dups += atomic.SwapUint64(&h.dupWakes, 0)
	}
	return ids, dups
}

// checkHeap checks the heap property and the index each timer keeps.
func checkHeap(t testing.TB, q *Timers) {
	t.Helper()
	for i := range q.heap {
		e := &q.heap[i]
		if int(e.t.idx) != i {
			t.Fatalf("heap[%d] has idx %d", i, e.t.idx)
		}
		if e.when != e.t.when {
			t.Fatalf("heap[%d] deadline %v, its timer's %v", i, e.when, e.t.when)
		}
		if i > 0 {
			if p := &q.heap[(i-1)/heapArity]; e.less(p) {
				t.Fatalf("heap[%d] (%v,%d) sorts before its parent (%v,%d)", i, e.when, e.seq, p.when, p.seq)
			}
		}
	}
}

// pollTimer polls s with cx and reports whether it completed.
func pollTimer(s *Timer, cx *Context) bool {
	_, ok := s.Poll(cx)
	return ok
}

// TestTimersOrder: timers with random deadlines (many equal) fire in
// deadline order, and a Fire at time T wakes exactly those due at T, in
// the order (deadline, arming order); Next is always the earliest
// deadline left, and a timer completes at its first poll after its wake,
// not before its deadline.
func TestTimersOrder(t *testing.T) {
	const n = 500
	q, clock := newFakeTimers()
	log := newWakeLog(t, n)
	rng := rand.New(rand.NewPCG(1, 2))
	timers := make([]*Timer, n)
	for i := range timers {
		timers[i] = q.At(time.Duration(1 + rng.IntN(200)))
		if pollTimer(timers[i], log.cx(i)) {
			t.Fatalf("timer %d complete at 0", i)
		}
	}
	checkHeap(t, q)
	if q.Len() != n {
		t.Fatalf("Len %d, want %d", q.Len(), n)
	}
	// The expected firing order: by deadline, then by arming order (i).
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return int(timers[a].Deadline() - timers[b].Deadline())
	})
	next := 0
	for clock.t < 210 {
		clock.t += time.Duration(rng.IntN(7))
		var want []int
		for next < n && timers[order[next]].Deadline() <= clock.t {
			want = append(want, order[next])
			next++
		}
		if got := q.Fire(); got != len(want) {
			t.Fatalf("at %v Fire woke %d, want %d", clock.t, got, len(want))
		}
		got, dups := log.woken()
		if !slices.Equal(got, want) || dups != 0 {
			t.Fatalf("at %v woken %v (%d duplicates), want %v", clock.t, got, dups, want)
		}
		checkHeap(t, q)
		if d, ok := q.Next(); ok != (next < n) || ok && d != timers[order[next]].Deadline() {
			t.Fatalf("at %v Next = %v, %v; want the deadline of timer %d", clock.t, d, ok, order[next])
		}
		for i, s := range timers {
			due := s.Deadline() <= clock.t
			if done := pollTimer(s, log.cx(i)); done != due {
				t.Fatalf("at %v timer %d (deadline %v) complete=%v", clock.t, i, s.Deadline(), done)
			}
		}
		if ids, _ := log.woken(); len(ids) != 0 || q.Len() != n-next {
			t.Fatalf("at %v polls woke %v, Len %d want %d", clock.t, ids, q.Len(), n-next)
		}
	}
}

// TestTimerCancel: a cancelled timer leaves the queue at once, never wakes
// its task and never completes; Cancel reports whether it stopped the
// timer.
func TestTimerCancel(t *testing.T) {
	q, clock := newFakeTimers()
	log := newWakeLog(t, 4)
	a, b, c := q.At(10), q.At(20), q.At(30)
	for i, s := range []*Timer{a, b, c} {
		pollTimer(s, log.cx(i))
	}
	if !a.Cancel() {
		t.Error("Cancel of an armed timer returned false")
	}
	if a.Cancel() {
		t.Error("second Cancel returned true")
	}
	if q.Len() != 2 {
		t.Errorf("Len %d after a Cancel, want 2", q.Len())
	}
	if d, ok := q.Next(); !ok || d != 20 {
		t.Errorf("Next = %v, %v after cancelling the earliest, want 20", d, ok)
	}
	checkHeap(t, q)
	clock.t = 100
	if n := q.Fire(); n != 2 {
		t.Errorf("Fire woke %d, want 2", n)
	}
	if ids, _ := log.woken(); !slices.Equal(ids, []int{1, 2}) {
		t.Errorf("woken %v, want [1 2]: the cancelled timer woke its task", ids)
	}
	// Polling a cancelled timer: pending, and it does not arm again.
	for range 3 {
		if pollTimer(a, log.cx(0)) {
			t.Error("a cancelled timer completed")
		}
	}
	if q.Len() != 0 {
		t.Errorf("Len %d: polling the cancelled timer armed it", q.Len())
	}
	// Cancel after Fire woke it: too late; it completes.
	if b.Cancel() {
		t.Error("Cancel after Fire returned true")
	}
	if !pollTimer(b, log.cx(1)) {
		t.Error("a fired timer did not complete after a late Cancel")
	}
	// A timer never polled: Cancel works and it never completes.
	d := q.At(200)
	if !d.Cancel() {
		t.Error("Cancel of an unarmed timer returned false")
	}
	clock.t = 300
	if pollTimer(d, log.cx(3)) || q.Len() != 0 {
		t.Error("a timer cancelled before its first poll completed or armed")
	}
	// A timer that a poll found due: Cancel is too late.
	if !pollTimer(c, log.cx(2)) || c.Cancel() {
		t.Error("Cancel of a completed timer returned true")
	}
	if ids, _ := log.woken(); len(ids) != 0 {
		t.Errorf("woken %v, want none", ids)
	}
}

// TestTimerCancelInHeap: cancelling timers in the middle of a large heap
// keeps it a heap, and the cancelled ones never fire.
func TestTimerCancelInHeap(t *testing.T) {
	const n = 2000
	q, clock := newFakeTimers()
	log := newWakeLog(t, n)
	rng := rand.New(rand.NewPCG(3, 4))
	timers := make([]*Timer, n)
	cancelled := make([]bool, n)
	for i := range timers {
		timers[i] = q.At(time.Duration(1 + rng.IntN(1000)))
		pollTimer(timers[i], log.cx(i))
	}
	for _, i := range rng.Perm(n)[:n/2] {
		cancelled[i] = timers[i].Cancel()
		if !cancelled[i] {
			t.Fatalf("Cancel of timer %d returned false", i)
		}
		checkHeap(t, q)
	}
	if q.Len() != n/2 {
		t.Fatalf("Len %d, want %d", q.Len(), n/2)
	}
	clock.t = 1000
	if got := q.Fire(); got != n/2 {
		t.Errorf("Fire woke %d, want %d", got, n/2)
	}
	ids, _ := log.woken()
	for _, i := range ids {
		if cancelled[i] {
			t.Fatalf("cancelled timer %d woke its task", i)
		}
	}
	if len(q.heap) != 0 || cap(q.heap) > 256 {
		t.Errorf("empty heap has len %d cap %d; want it shrunk", len(q.heap), cap(q.heap))
	}
}

// TestTimersEqualDeadlines: 10,000 timers with the same deadline all fire
// in one Fire, in the order they were armed.
func TestTimersEqualDeadlines(t *testing.T) {
	const n = 10_000
	q, clock := newFakeTimers()
	log := newWakeLog(t, n)
	timers := make([]*Timer, n)
	for i := range timers {
		timers[i] = q.Sleep(50)
		pollTimer(timers[i], log.cx(i))
	}
	clock.t = 49
	if got := q.Fire(); got != 0 {
		t.Fatalf("Fire before the deadline woke %d", got)
	}
	clock.t = 50
	if got := q.Fire(); got != n {
		t.Fatalf("Fire woke %d, want %d", got, n)
	}
	ids, _ := log.woken()
	for i, id := range ids {
		if id != i {
			t.Fatalf("wake %d was timer %d: not FIFO among equal deadlines", i, id)
		}
	}
	if len(ids) != n || q.Len() != 0 {
		t.Fatalf("%d woken, Len %d", len(ids), q.Len())
	}
	for i, s := range timers {
		if !pollTimer(s, log.cx(i)) {
			t.Fatalf("timer %d did not complete", i)
		}
	}
}

// TestTimerRepoll: polls before the deadline do not add heap entries; a
// poll with another Waker moves the registration to it; the timer wakes
// one task once.
func TestTimerRepoll(t *testing.T) {
	q, clock := newFakeTimers()
	log := newWakeLog(t, 2)
	s := q.Sleep(100)
	for range 50 {
		if pollTimer(s, log.cx(0)) {
			t.Fatal("complete before the deadline")
		}
		clock.t++
	}
	if q.Len() != 1 {
		t.Fatalf("Len %d after 100 polls, want 1", q.Len())
	}
	seq := q.heap[0].seq
	if pollTimer(s, log.cx(1)) { // the task's Waker changed
		t.Fatal("complete before the deadline")
	}
	if q.Len() != 1 || q.heap[0].seq != seq {
		t.Fatal("a new Waker re-armed the timer")
	}
	clock.t = 100
	if n := q.Fire(); n != 1 {
		t.Fatalf("Fire woke %d", n)
	}
	if ids, dups := log.woken(); !slices.Equal(ids, []int{1}) || dups != 0 {
		t.Fatalf("woken %v (%d duplicates), want [1]", ids, dups)
	}
	if q.Fire() != 0 || !pollTimer(s, log.cx(1)) {
		t.Fatal("not complete after its wake, or woken twice")
	}
}

// TestTimerDueWithoutFire: a poll that finds the deadline passed completes
// the timer and takes it out of the queue, so no Fire wakes it later.
func TestTimerDueWithoutFire(t *testing.T) {
	q, clock := newFakeTimers()
	log := newWakeLog(t, 1)
	s := q.Sleep(10)
	pollTimer(s, log.cx(0))
	clock.t = 10
	if !pollTimer(s, log.cx(0)) {
		t.Fatal("not complete at its deadline")
	}
	if q.Len() != 0 || q.Fire() != 0 {
		t.Fatal("a completed timer stayed in the queue")
	}
	if ids, _ := log.woken(); len(ids) != 0 {
		t.Fatalf("woken %v", ids)
	}
	// Non-positive durations are due at once and never armed.
	for _, d := range []time.Duration{0, -1, math.MinInt64} {
		if s := q.Sleep(d); !pollTimer(s, log.cx(0)) || q.Len() != 0 {
			t.Errorf("Sleep(%v) not complete at its first poll, or armed", d)
		}
	}
	// Saturation: a deadline that overflows is the end of time.
	if s := q.Sleep(math.MaxInt64); s.Deadline() != math.MaxInt64 {
		t.Errorf("Sleep(MaxInt64) at 10: deadline %v", s.Deadline())
	}
}

// TestTimersModel runs random operations (arm, re-poll, cancel, advance
// the clock and fire) against a simple model: the wakes must be the
// model's, in its order, and Len and Next must agree.
func TestTimersModel(t *testing.T) {
	const n = 3000
	q, clock := newFakeTimers()
	log := newWakeLog(t, n)
	rng := rand.New(rand.NewPCG(5, 6))
	type mt struct {
		s     *Timer
		seq   int // arming order, for the model
		armed bool
	}
	var all []*mt
	seq := 0
	var armed []*mt // the model: armed timers
	for step := 0; step < 20_000; step++ {
		switch op := rng.IntN(10); {
		case op < 4 && len(all) < n: // a new timer, polled once
			m := &mt{s: q.Sleep(time.Duration(rng.IntN(100)))}
			all = append(all, m)
			if !pollTimer(m.s, log.cx(len(all)-1)) {
				seq++
				m.seq, m.armed = seq, true
				armed = append(armed, m)
			}
		case op < 6 && len(all) > 0: // a re-poll
			i := rng.IntN(len(all))
			m := all[i]
			if m.armed && pollTimer(m.s, log.cx(i)) {
				t.Fatalf("step %d: an armed timer completed before its wake", step)
			}
		case op < 7 && len(all) > 0: // a cancel
			m := all[rng.IntN(len(all))]
			if got := m.s.Cancel(); got != m.armed {
				t.Fatalf("step %d: Cancel = %v, armed %v", step, got, m.armed)
			}
			if m.armed {
				m.armed = false
				armed = slices.DeleteFunc(armed, func(x *mt) bool { return x == m })
			}
		default: // time passes
			clock.t += time.Duration(rng.IntN(20))
			slices.SortFunc(armed, func(a, b *mt) int {
				if a.s.when != b.s.when {
					return int(a.s.when - b.s.when)
				}
				return a.seq - b.seq
			})
			var want []int
			for len(armed) > 0 && armed[0].s.when <= clock.t {
				want = append(want, slices.Index(all, armed[0]))
				armed[0].armed = false
				armed = armed[1:]
			}
			if got := q.Fire(); got != len(want) {
				t.Fatalf("step %d: Fire = %d, want %d", step, got, len(want))
			}
			if got, _ := log.woken(); !slices.Equal(got, want) {
				t.Fatalf("step %d: woken %v, want %v", step, got, want)
			}
		}
		if q.Len() != len(armed) {
			t.Fatalf("step %d: Len %d, model %d", step, q.Len(), len(armed))
		}
		if d, ok := q.Next(); ok != (len(armed) > 0) {
			t.Fatalf("step %d: Next ok=%v with %d armed", step, ok, len(armed))
		} else if ok {
			min := slices.MinFunc(armed, func(a, b *mt) int { return int(a.s.when - b.s.when) })
			if d != min.s.when {
				t.Fatalf("step %d: Next = %v, want %v", step, d, min.s.when)
			}
		}
		if step%100 == 0 {
			checkHeap(t, q)
		}
	}
}

// pollTicker polls k with cx.
func pollTicker(k *Ticker, cx *Context) (tick time.Duration, ok, ready bool) {
	return k.PollNext(cx)
}

// TestTicker: ticks come at the period, each is its deadline; missed ticks
// are coalesced into one (the earliest), and the next tick is the first
// after the current time.
func TestTicker(t *testing.T) {
	q, clock := newFakeTimers()
	log := newWakeLog(t, 1)
	clock.t = 5
	k := q.NewTicker(10)
	expectPending := func(next time.Duration) {
		t.Helper()
		if v, _, ready := pollTicker(k, log.cx(0)); ready {
			t.Fatalf("at %v: tick %v, want pending", clock.t, v)
		}
		if d, ok := q.Next(); !ok || d != next || q.Len() != 1 {
			t.Fatalf("at %v: Next = %v, %v, Len %d; want %v, 1", clock.t, d, ok, q.Len(), next)
		}
	}
	expectTick := func(tick time.Duration) {
		t.Helper()
		if n := q.Fire(); n != 1 {
			t.Fatalf("at %v: Fire woke %d, want 1", clock.t, n)
		}
		if ids, _ := log.woken(); len(ids) != 1 {
			t.Fatalf("at %v: woken %v", clock.t, ids)
		}
		if v, ok, ready := pollTicker(k, log.cx(0)); !ready || !ok || v != tick {
			t.Fatalf("at %v: PollNext = %v, %v, %v; want tick %v", clock.t, v, ok, ready, tick)
		}
	}
	expectPending(15)
	expectPending(15) // a re-poll does not arm twice
	clock.t = 14
	if q.Fire() != 0 {
		t.Fatal("fired early")
	}
	clock.t = 15
	expectTick(15)
	expectPending(25)
	clock.t = 27
	expectTick(25)
	expectPending(35)
	// Three periods late: one tick, the earliest missed; then 65.
	clock.t = 61
	expectTick(35)
	expectPending(65)
	clock.t = 65
	expectTick(65)
	// A consumer that does not wait (no Fire, no wake): the tick is
	// delivered at the poll, and missed ones are still coalesced.
	clock.t = 100
	if v, ok, ready := pollTicker(k, log.cx(0)); !ready || !ok || v != 75 {
		t.Fatalf("PollNext = %v, %v, %v; want tick 75", v, ok, ready)
	}
	if q.Len() != 0 {
		t.Fatalf("Len %d after a tick, want 0: a ticker is armed only while waited for", q.Len())
	}
	expectPending(105)
	if k.Period() != 10 {
		t.Errorf("Period %v", k.Period())
	}
}

// TestTickerStop: Stop ends the stream, leaves the queue and wakes a
// waiting consumer; a stopped ticker never ticks.
func TestTickerStop(t *testing.T) {
	q, clock := newFakeTimers()
	log := newWakeLog(t, 1)
	k := q.NewTicker(10)
	pollTicker(k, log.cx(0))
	k.Stop()
	if q.Len() != 0 {
		t.Errorf("Len %d after Stop", q.Len())
	}
	if ids, _ := log.woken(); !slices.Equal(ids, []int{0}) {
		t.Errorf("woken %v after Stop, want the consumer", ids)
	}
	clock.t = 100
	for range 2 {
		if v, ok, ready := pollTicker(k, log.cx(0)); !ready || ok || v != 0 {
			t.Errorf("PollNext after Stop = %v, %v, %v; want the end", v, ok, ready)
		}
	}
	k.Stop()
	if q.Fire() != 0 || q.Len() != 0 {
		t.Error("a stopped ticker fired or armed")
	}
	if ids, _ := log.woken(); len(ids) != 0 {
		t.Errorf("woken %v by the second Stop or a poll", ids)
	}
	// Stop with no consumer waiting wakes nobody.
	k2 := q.NewTicker(10)
	clock.t = 200
	pollTicker(k2, log.cx(0)) // a tick, not armed
	k2.Stop()
	if ids, _ := log.woken(); len(ids) != 0 {
		t.Errorf("woken %v by the Stop of an unwatched ticker", ids)
	}
	defer func() {
		if recover() == nil {
			t.Error("NewTicker(0) did not panic")
		}
	}()
	q.NewTicker(0)
}

// fakeIdle returns an IdleFunc for an executor on the timer queue of
// clock: it records the deadlines it is given, checks that the queue is
// empty, and advances the clock to the deadline; without one it fails
// the test and stops e.
func fakeIdle(t *testing.T, e **Executor, clock *fakeClock, seen *[]time.Duration) IdleFunc {
	return func(queueEmpty func() bool, deadline time.Duration, ok bool) {
		if !queueEmpty() {
			t.Error("idle with tasks queued")
			return
		}
		if !ok {
			t.Errorf("idle at %v without a deadline, %d tasks left", clock.t, (*e).Len())
			(*e).Stop()
			return
		}
		if deadline <= clock.t {
			t.Errorf("idle at %v with a passed deadline %v", clock.t, deadline)
		}
		*seen = append(*seen, deadline)
		clock.t = deadline
	}
}

// TestExecutorTimers: tasks sleeping until different deadlines complete
// in deadline order (equal ones in arming order), the idle function is
// given each next deadline, and the executor returns when all are done.
func TestExecutorTimers(t *testing.T) {
	q, clock := newFakeTimers()
	var e *Executor
	var seen []time.Duration
	e, err := NewExecutor(16, fakeIdle(t, &e, clock, &seen))
	if err != nil {
		t.Fatal(err)
	}
	e.SetTimers(q)
	var done []string
	var at []time.Duration
	for _, d := range []time.Duration{50, 10, 30, 20, 40, 30} {
		name := fmt.Sprint(int(d), "#", len(done))
		done = append(done, "")
		mustSpawn(t, e, Map(q.Sleep(d), func(struct{}) struct{} {
			done = append(done, name)
			at = append(at, clock.t)
			return struct{}{}
		}))
	}
	done = done[:0]
	// A task that sleeps twice: 15, then 25 more (until 40).
	mustSpawn(t, e, Then(q.Sleep(15), func(struct{}) Future[struct{}] {
		done = append(done, "15")
		return Map(q.Sleep(25), func(struct{}) struct{} {
			done = append(done, "15+25")
			at = append(at, clock.t)
			return struct{}{}
		})
	}))
	mustRun(t, e)
	want := []string{"10#1", "15", "20#3", "30#2", "30#5", "40#4", "15+25", "50#0"}
	if !slices.Equal(done, want) {
		t.Errorf("completion order %v, want %v", done, want)
	}
	if want := []time.Duration{10, 15, 20, 30, 40, 50}; !slices.Equal(seen, want) {
		t.Errorf("idle deadlines %v, want %v", seen, want)
	}
	if want := []time.Duration{10, 20, 30, 30, 40, 40, 50}; !slices.Equal(at, want) {
		t.Errorf("completion times %v, want %v", at, want)
	}
	if q.Len() != 0 {
		t.Errorf("Len %d after Run", q.Len())
	}
}

// TestExecutorIdleWithoutDeadline: with no timer armed (a cancelled one
// included) the idle function is told there is no deadline.
func TestExecutorIdleWithoutDeadline(t *testing.T) {
	q, _ := newFakeTimers()
	var e *Executor
	var aw AtomicWaker
	var calls int
	e, err := NewExecutor(4, func(queueEmpty func() bool, deadline time.Duration, ok bool) {
		calls++
		if ok {
			t.Errorf("idle given deadline %v with no timer armed", deadline)
		}
		aw.Wake() // the "interrupt"
	})
	if err != nil {
		t.Fatal(err)
	}
	e.SetTimers(q)
	s := q.Sleep(100)
	mustSpawn(t, e, polls(func(n int, cx *Context) bool {
		aw.Register(cx.Waker())
		if n == 1 {
			pollTimer(s, cx)
			s.Cancel()
		}
		return n == 3
	}))
	mustRun(t, e)
	if calls != 2 {
		t.Errorf("%d idle calls, want 2", calls)
	}
}

// TestExecutorTimersNoStarvation: tasks that keep waking each other do not
// keep a due timer from firing: Run fires before each batch of 64 polls.
func TestExecutorTimersNoStarvation(t *testing.T) {
	q, clock := newFakeTimers()
	e, err := NewExecutor(4, func(func() bool, time.Duration, bool) {
		t.Error("idle: the yielding task should keep the queue busy")
	})
	if err != nil {
		t.Fatal(err)
	}
	e.SetTimers(q)
	woke := false
	spins := 0
	mustSpawn(t, e, polls(func(n int, cx *Context) bool {
		clock.t++ // time passes with every poll
		spins = n
		if woke || n > 1000 {
			return true
		}
		cx.Waker().Wake() // yield
		return false
	}))
	mustSpawn(t, e, Map(q.Sleep(10), func(struct{}) struct{} {
		woke = true
		return struct{}{}
	}))
	mustRun(t, e)
	// Due at the spinner's 10th poll; fired before the next batch.
	if !woke || spins > fireEvery+1 {
		t.Errorf("sleeper woke=%v after %d polls of the spinner, want within %d", woke, spins, fireEvery+1)
	}
}

// TestExecutorTicker: a ForEach over a ticker gets a tick per period,
// with the idle function sleeping until each; stopping the ticker from
// the consumer ends the stream and the task.
func TestExecutorTicker(t *testing.T) {
	q, clock := newFakeTimers()
	var e *Executor
	var seen []time.Duration
	e, err := NewExecutor(4, fakeIdle(t, &e, clock, &seen))
	if err != nil {
		t.Fatal(err)
	}
	e.SetTimers(q)
	k := q.NewTicker(10)
	var ticks []time.Duration
	mustSpawn(t, e, ForEach(k, func(tick time.Duration) {
		ticks = append(ticks, tick)
		if len(ticks) == 4 {
			k.Stop()
		}
	}))
	mustRun(t, e)
	if want := []time.Duration{10, 20, 30, 40}; !slices.Equal(ticks, want) || !slices.Equal(seen, want) {
		t.Errorf("ticks %v, idle deadlines %v; want %v for both", ticks, seen, want)
	}
}

// TestDefaultTimers: Sleep and NewTicker use the default queue, and an
// executor without SetTimers fires it.
func TestDefaultTimers(t *testing.T) {
	old := DefaultTimers()
	defer SetDefaultTimers(old)
	q, clock := newFakeTimers()
	SetDefaultTimers(q)
	if DefaultTimers() != q {
		t.Fatal("SetDefaultTimers did not take")
	}
	var e *Executor
	var seen []time.Duration
	e, err := NewExecutor(4, fakeIdle(t, &e, clock, &seen))
	if err != nil {
		t.Fatal(err)
	}
	k := NewTicker(7)
	var got []time.Duration
	mustSpawn(t, e, Then(Sleep(10), func(struct{}) Future[struct{}] {
		got = append(got, clock.t)
		return ForEach(k, func(tick time.Duration) {
			got = append(got, tick)
			k.Stop()
		})
	}))
	mustRun(t, e)
	// The ticker started at 0: at 10, its tick of 7 is due.
	if want := []time.Duration{10, 7}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	SetDefaultTimers(nil)
	if d := DefaultTimers(); d == q || d == nil {
		t.Error("SetDefaultTimers(nil) did not install a new queue")
	}
	if now := DefaultTimers().Now(); now <= 0 || now > time.Since(epoch) {
		t.Errorf("default clock reads %v", now)
	}
}

// TestTimerAllocs: arming, re-polling and firing a timer allocate nothing
// once the heap has room; Sleep allocates the 32-byte Timer.
func TestTimerAllocs(t *testing.T) {
	q, clock := newFakeTimers()
	log := newWakeLog(t, 1)
	cx := log.cx(0)
	pollTimer(q.Sleep(1), cx) // the heap's array
	clock.t++
	q.Fire()
	log.woken()
	timers := make([]*Timer, 1100)
	for i := range timers {
		timers[i] = q.Sleep(1)
	}
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		s := timers[i]
		i++
		pollTimer(s, cx)
		pollTimer(s, cx)
		clock.t++
		q.Fire()
		pollTimer(s, cx)
		log.woken()
	})
	if allocs != 0 {
		t.Errorf("%v allocations per arm, re-poll and fire; want 0", allocs)
	}
	if a := testing.AllocsPerRun(100, func() { _ = q.Sleep(1) }); a != 1 {
		t.Errorf("Sleep: %v allocations, want 1", a)
	}
}

// TestTimersRaceDetected: using a Timers from two goroutines without
// synchronization is reported by the race detector. The test runs itself
// in a child process (the report fails the process), under -race only.
func TestTimersRaceDetected(t *testing.T) {
	if os.Getenv("GOKERNEL_TIMERS_MISUSE") == "1" {
		// The child: a task's poll arms a timer on one goroutine while
		// another reads the queue.
		q := NewTimers(nil)
		s := q.Sleep(time.Hour)
		done := make(chan struct{})
		go func() {
			pollTimer(s, NewContext(Waker{}))
			close(done)
		}()
		time.Sleep(20 * time.Millisecond) // no happens-before: still a race
		_ = q.Len()
		<-done
		return
	}
	if !raceEnabled {
		t.Skip("needs -race")
	}
	if testing.Short() {
		t.Skip("runs a child process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestTimersRaceDetected$", "-test.count=1")
	cmd.Env = append(os.Environ(), "GOKERNEL_TIMERS_MISUSE=1")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "WARNING: DATA RACE") || !strings.Contains(string(out), "(*Timers).Len") {
		t.Fatalf("the race detector did not report the misuse (err %v):\n%s", err, out)
	}
}
