package task

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
)

// testHeaders returns n task headers on a run queue of their own, in
// slots 0 to n-1, as Spawn would make them but not queued, for driving
// wakers without an executor.
func testHeaders(t testing.TB, n int) ([]*header, *runner) {
	t.Helper()
	q := new(runner)
	hs := make([]*header, n)
	for i := range hs {
		hs[i] = &header{r: q, slot: uint32(i)}
	}
	return hs, q
}

// popAll takes q's tasks as Run does (takeBatch): it empties the stack,
// reads the links, clears the queued bits, and returns the slots (plus
// one, so that slot 0 reads 1) in push order.
func popAll(q *runner, hs []*header) []uint64 {
	var got []uint64
	for next := atomic.SwapUint32(&q.head, 0); next != 0; {
		h := hs[next-1]
		got = append(got, uint64(next))
		next = h.link
		atomic.AndUint32(&h.state, ^uint32(queuedBit))
	}
	slices.Reverse(got)
	return got
}

// TestWaker: a wake queues the task once until it is popped and its flag
// cleared; a finished task's waker and the zero Waker do nothing.
func TestWaker(t *testing.T) {
	hs, q := testHeaders(t, 2)
	w := Waker{hs[0]}
	w.Wake()
	w.Wake()
	if got := popAll(q, hs); len(got) != 1 || got[0] != 1 {
		t.Fatalf("queued %v after two wakes, want [1]", got)
	}
	if hs[0].dupWakes != 1 {
		t.Errorf("duplicate wakes %d, want 1", hs[0].dupWakes)
	}
	w.Wake() // the first was taken: this one queues it again
	if got := popAll(q, hs); len(got) != 1 {
		t.Errorf("queued %v after a wake following the poll", got)
	}
	hs[0].state |= doneBit
	w.Wake()
	if got := popAll(q, hs); len(got) != 0 {
		t.Errorf("a finished task's wake queued %v", got)
	}
	Waker{}.Wake()
	if !w.WillWake(Waker{hs[0]}) || w.WillWake(Waker{hs[1]}) || !(Waker{}).WillWake(Waker{}) {
		t.Error("WillWake")
	}
	if NewContext(w).Waker() != w {
		t.Error("NewContext(w).Waker() != w")
	}
}

// TestAtomicWaker: Register, Wake (which keeps the registration), Take.
func TestAtomicWaker(t *testing.T) {
	hs, q := testHeaders(t, 2)
	var a AtomicWaker
	a.Wake() // nothing registered
	if w := a.Take(); w != (Waker{}) {
		t.Errorf("Take of an empty AtomicWaker: %v", w)
	}
	a.Register(Waker{hs[0]})
	a.Register(Waker{hs[1]}) // replaces
	a.Wake()
	if got := popAll(q, hs); len(got) != 1 || got[0] != 2 {
		t.Errorf("wake queued %v, want [2]", got)
	}
	a.Wake() // the registration is still there
	if got := popAll(q, hs); len(got) != 1 || got[0] != 2 {
		t.Errorf("second wake queued %v, want [2]", got)
	}
	if w := a.Take(); w != (Waker{hs[1]}) {
		t.Errorf("Take = %v, want the second waker", w)
	}
	a.Wake()
	if got := popAll(q, hs); len(got) != 0 {
		t.Errorf("wake after Take queued %v", got)
	}
}

// TestAtomicWakerRace: Register, Take and Wake from many goroutines at
// once (the race detector checks the accesses); every wake lands on a
// registered task or on nothing, and the queue never holds a task twice.
func TestAtomicWakerRace(t *testing.T) {
	repeat(t, func(t *testing.T) {
		hs, q := testHeaders(t, 4)
		var a AtomicWaker
		var stop atomic.Bool
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() { // interrupts
				for i := 0; !stop.Load(); i++ {
					a.Wake()
					if i%32 == g {
						runtime.Gosched()
					}
				}
			})
		}
		wg.Go(func() { // the executor: takes the queue, clears the flags
			for !stop.Load() {
				if len(popAll(q, hs)) == 0 {
					runtime.Gosched()
				}
			}
		})
		for i := range 20000 {
			switch i % 3 {
			case 0, 1:
				a.Register(Waker{hs[i%len(hs)]})
			case 2:
				a.Take()
			}
		}
		stop.Store(true)
		wg.Wait()
		// At rest, the queue holds exactly the tasks whose flag is set,
		// once each.
		in := map[uint32]int{}
		for next := q.head; next != 0; next = hs[next-1].link {
			if in[next]++; in[next] > len(hs) {
				t.Fatal("the run queue's list has a cycle")
			}
		}
		for i, h := range hs {
			if n, q := in[uint32(i+1)], h.state&queuedBit; n != int(q) {
				t.Errorf("task %d: queued bit %d, %d times in the queue", i+1, q, n)
			}
		}
	})
}

// TestAtomicWakerNoLostWake: a task registers and returns pending; an
// "interrupt" goroutine, told that the registration happened, wakes the
// AtomicWaker. The task must be polled again every time: a wake after a
// Register is never lost. (The idle function fails the test after 10
// seconds without progress.)
func TestAtomicWakerNoLostWake(t *testing.T) {
	repeat(t, func(t *testing.T) {
		const rounds = 5000
		e, irq := testExecutor(t, 2)
		var a AtomicWaker
		registered := make(chan int, 1)
		mustSpawn(t, e, polls(func(n int, cx *Context) bool {
			if n > rounds {
				close(registered)
				return true
			}
			a.Register(cx.Waker())
			registered <- n
			return false
		}))
		go func() {
			for range registered {
				a.Wake()
				irq.raise()
			}
		}()
		mustRun(t, e)
	})
}
