package task

import (
	"sync/atomic"
	"testing"
	"time"
)

// maxParks bounds the idle calls of the default idle in the tests below: a
// blocking idle needs one or two (a signal may end a futex wait early); a
// spinning one (GoschedIdle) makes thousands in the same time.
const maxParks = 5

// TestParkBlocks: with the default idle, a task that sleeps 100 ms costs
// one or two idle calls, not a loop: the executor blocks until the
// deadline.
func TestParkBlocks(t *testing.T) {
	e, err := NewExecutor(4, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	mustSpawn(t, e, Sleep(100*time.Millisecond))
	mustRun(t, e)
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("the sleep ended after %v", d)
	}
	if e.runners[0].idles == 0 || e.runners[0].idles > maxParks {
		t.Errorf("%d idle calls while a task slept 100 ms, want 1 to %d", e.runners[0].idles, maxParks)
	}
}

// waitParked waits (in the test's goroutine) until e sleeps in park.
func waitParked(t *testing.T, e *Executor) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); atomic.LoadUint32(&e.runners[0].parked) == 0; {
		if time.Now().After(deadline) {
			t.Error("the executor did not park")
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// TestParkWokenByWake: an executor parked with no deadline is woken by a
// Wake from another goroutine, at once.
func TestParkWokenByWake(t *testing.T) {
	e, _ := NewExecutor(4, nil)
	var aw AtomicWaker
	var ready atomic.Bool
	mustSpawn(t, e, polls(func(n int, cx *Context) bool {
		aw.Register(cx.Waker())
		return ready.Load()
	}))
	go func() {
		waitParked(t, e)
		ready.Store(true)
		aw.Wake()
	}()
	mustRun(t, e)
	if e.runners[0].idles == 0 || e.runners[0].idles > maxParks {
		t.Errorf("%d idle calls, want 1 to %d", e.runners[0].idles, maxParks)
	}
}

// TestParkWokenBySpawn: a Spawn from another goroutine wakes a parked
// executor, and so does Stop.
func TestParkWokenBySpawn(t *testing.T) {
	e, _ := NewExecutor(4, nil)
	var aw AtomicWaker
	var ready atomic.Bool
	mustSpawn(t, e, polls(func(n int, cx *Context) bool {
		aw.Register(cx.Waker())
		return ready.Load()
	}))
	go func() {
		waitParked(t, e)
		mustSpawn(t, e, polls(func(int, *Context) bool {
			ready.Store(true)
			aw.Wake()
			return true
		}))
	}()
	mustRun(t, e)
	if e.runners[0].idles == 0 || e.runners[0].idles > maxParks {
		t.Errorf("%d idle calls, want 1 to %d", e.runners[0].idles, maxParks)
	}

	e, _ = NewExecutor(4, nil)
	mustSpawn(t, e, Pending[struct{}]())
	go func() {
		waitParked(t, e)
		e.Stop()
	}()
	mustRun(t, e)
}
