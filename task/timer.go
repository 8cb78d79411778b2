package task

import "time"

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

// queueFor returns the queue t arms on when polled with cx: the queue of
// the executor polling it (cx.Timers) if that queue keeps time on t's
// clock, which is the case for Sleep, NewTicker and the executor's own
// queue (all on the default clock); otherwise t's own queue. So a task's
// timers belong to the executor that polls it, and two executors share no
// queue. A timer polled by hand (NewContext carries no queue) arms on its
// own.
func (t *timer) queueFor(cx *Context) *Timers {
	if q := cx.timers; q != nil && q.clock == t.q.clock {
		return q
	}
	return t.q
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
		s.q = s.queueFor(cx)
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
