package task

import (
	"sync"
	"testing"
	"time"
)

// TestTwoExecutorsSleep: two executors in two goroutines, each with tasks
// that sleep with the package-level Sleep and NewTicker, run at the same
// time. Each task's timers join the queue of the executor that polls it,
// so the executors share nothing; under -race a shared queue is reported.
func TestTwoExecutorsSleep(t *testing.T) {
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			e, err := NewExecutor(16, nil)
			if err != nil {
				t.Error(err)
				return
			}
			woke := 0
			for i := range 8 {
				d := time.Duration(1+i%4) * time.Millisecond
				mustSpawn(t, e, Then(Sleep(d), func(struct{}) Future[struct{}] {
					k := NewTicker(time.Millisecond)
					n := 0
					return ForEach(k, func(time.Duration) {
						if n++; n == 3 {
							k.Stop()
							woke++
						}
					})
				}))
			}
			if err := e.Run(); err != nil {
				t.Error(err)
			}
			if woke != 8 {
				t.Errorf("%d of 8 tasks woke", woke)
			}
		})
	}
	wg.Wait()
}

// TestTimerJoinsExecutorQueue: a timer made by Sleep waits in the queue of
// the executor that polls it, not in the default queue; one made on a
// queue with another clock stays on that queue, and so does one polled by
// hand.
func TestTimerJoinsExecutorQueue(t *testing.T) {
	e, _ := NewExecutor(4, nil)
	fake, _ := newFakeTimers()
	s, f := Sleep(time.Hour), fake.Sleep(time.Hour)
	var own, def, fk int
	mustSpawn(t, e, polls(func(n int, cx *Context) bool {
		if cx.Timers() != e.Timers() {
			t.Error("the Context does not carry the executor's queue")
		}
		pollTimer(s, cx)
		pollTimer(f, cx)
		own, def, fk = e.Timers().Len(), DefaultTimers().Len(), fake.Len()
		s.Cancel()
		f.Cancel()
		return true
	}))
	mustRun(t, e)
	if own != 1 || def != 0 || fk != 1 {
		t.Errorf("armed: %d in the executor's queue, %d in the default, %d in the fake; want 1, 0, 1", own, def, fk)
	}
	if e.Timers() == DefaultTimers() || e.Timers().clock != DefaultTimers().clock {
		t.Error("the executor's own queue is the default queue, or on another clock")
	}
	h := Sleep(time.Hour)
	pollTimer(h, NewContext(Waker{}))
	if DefaultTimers().Len() != 1 || !h.Cancel() || DefaultTimers().Len() != 0 {
		t.Error("a timer polled by hand did not wait in its own queue")
	}
}
