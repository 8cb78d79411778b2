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

// TestParkRing0: park's protocol when an interrupt handler queues a task
// for a parked runner (played here by enqueue and unparkFrom(true), what
// Wake does in ring 0). The handler makes no system call: it changes the
// park word from 1 to 2, and with FutexWait, which interrupts do not end,
// the runner stays blocked. Then either the kernel ends the wait after
// the handler (a FUTEX_WAKE that leaves the word alone, as its
// WakeIRQWaiters would), or a later ring-3 wake finds the word not 0 and
// makes the FUTEX_WAKE: the task is polled either way.
func TestParkRing0(t *testing.T) {
	for _, end := range []string{"kernel", "ring 3"} {
		t.Run(end, func(t *testing.T) {
			e, _ := NewExecutor(4, nil)
			r := e.runners[0]
			var irqEvent, release atomic.Bool
			var polled atomic.Int32
			var target *header
			mustSpawn(t, e, polls(func(n int, cx *Context) bool {
				target = cx.Waker().h
				polled.Add(1)
				return irqEvent.Load()
			}))
			var aw AtomicWaker
			mustSpawn(t, e, polls(func(n int, cx *Context) bool {
				aw.Register(cx.Waker())
				return release.Load()
			}))
			go func() {
				defer func() {
					release.Store(true)
					aw.Wake() // ring 3: lets the second task end
				}()
				waitParked(t, e)
				// The handler: publish, set queuedBit, push, unpark in ring 0.
				irqEvent.Store(true)
				if !atomic.CompareAndSwapUint32(&target.state, 0, queuedBit) {
					t.Error("the target was queued already")
					return
				}
				r.enqueue(target)
				r.unparkFrom(true)
				if w := atomic.LoadUint32(&r.parked); w != 2 {
					t.Errorf("park word %d after a ring-0 wake, want 2", w)
				}
				time.Sleep(20 * time.Millisecond)
				if n, w := polled.Load(), atomic.LoadUint32(&r.parked); n != 1 || w != 2 {
					t.Errorf("20 ms after a ring-0 wake with FutexWait: %d polls, park word %d; want 1 and 2 (still blocked)", n, w)
				}
				if end == "kernel" {
					futexWake(&r.parked) // the end of the interrupt
					for deadline := time.Now().Add(10 * time.Second); polled.Load() < 2; {
						if time.Now().After(deadline) {
							t.Error("the kernel's end of the wait did not wake the runner")
							return
						}
						time.Sleep(time.Millisecond)
					}
				}
			}()
			mustRun(t, e)
			if polled.Load() != 2 {
				t.Errorf("target polled %d times, want 2", polled.Load())
			}
		})
	}
}
