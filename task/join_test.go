package task

import (
	"errors"
	"sync"
	"testing"
)

// TestJoinValue: a task awaits another's value through its JoinHandle; the
// handle completes once, with the value, and keeps it.
func TestJoinValue(t *testing.T) {
	e, _ := testExecutor(t, 8)
	var got []int
	var child *JoinHandle[int]
	mustSpawn(t, e, polls(func(n int, cx *Context) bool {
		if n == 1 {
			var err error
			child, err = Spawn(e.Spawner(), Then(Yield(), func(struct{}) Future[int] { return Ready(42) }))
			if err != nil {
				t.Fatal(err)
			}
		}
		v, ok := child.Poll(cx)
		if !ok {
			return false
		}
		got = append(got, v, n)
		return true
	}))
	mustRun(t, e)
	// Polls of the parent: spawn (pending), the child yields, the child
	// completes and wakes the parent.
	if len(got) != 2 || got[0] != 42 || got[1] != 2 {
		t.Errorf("got value and poll %v, want [42 2]", got)
	}
	if v, ok := child.Poll(NewContext(Waker{})); !ok || v != 42 || child.Err() != nil {
		t.Errorf("a second poll: %d, %v, %v", v, ok, child.Err())
	}
	if child.ID() == 0 {
		t.Error("no ID")
	}
	if _, err := Spawn[int](e, nil); !errors.Is(err, ErrNilFuture) {
		t.Errorf("Spawn(nil): %v", err)
	}
}

// TestJoinPanic: awaiting a task that panics completes (no hang) with the
// zero value, and Err is the panic with the task's ID.
func TestJoinPanic(t *testing.T) {
	e, _ := testExecutor(t, 8)
	var reported *TaskPanic
	e.SetPanicHandler(func(p *TaskPanic) { reported = p })
	h, err := Spawn(e, FutureFunc[string](func(cx *Context) (string, bool) {
		panic("boom")
	}))
	if err != nil {
		t.Fatal(err)
	}
	var got string
	var gotErr error
	mustSpawn(t, e, polls(func(n int, cx *Context) bool {
		v, ok := h.Poll(cx)
		if ok {
			got, gotErr = v, h.Err()
		}
		return ok
	}))
	mustRun(t, e)
	var p *TaskPanic
	if got != "" || !errors.As(gotErr, &p) || p.ID != h.ID() || p.Value != "boom" || p != reported {
		t.Errorf("awaited %q, %v; want the zero value and the panic of task %d", got, gotErr, h.ID())
	}
}

// TestJoinStale: a handle outlives its task's slot: with two slots, a
// parent awaits a child, then a second child that reuses the first one's
// slot, and the first handle still gives the first value. The handle of a
// task dropped by Stop completes with ErrStopped, waking its waiter on
// another executor in another goroutine.
func TestJoinStale(t *testing.T) {
	e, _ := testExecutor(t, 2)
	sp := e.Spawner()
	var first, second *JoinHandle[string]
	var got []string
	mustSpawn(t, e, polls(func(n int, cx *Context) bool {
		if first == nil {
			first, _ = Spawn(sp, Ready("first"))
		}
		if _, ok := first.Poll(cx); !ok {
			return false
		}
		if second == nil {
			var err error
			if second, err = Spawn(sp, Ready("second")); err != nil {
				t.Errorf("second Spawn: %v", err) // the slot was not freed
				return true
			}
			if e.entry(1).id != second.ID() {
				t.Error("the second child is not in the first one's slot")
			}
		}
		v2, ok := second.Poll(cx)
		if !ok {
			return false
		}
		v1, _ := first.Poll(cx)
		got = append(got, v1, v2)
		return true
	}))
	mustRun(t, e)
	if len(got) != 2 || got[0] != "first" || got[1] != "second" || first.Err() != nil || second.Err() != nil {
		t.Errorf("got %q (errors %v, %v), want [first second]", got, first.Err(), second.Err())
	}

	e3, _ := NewExecutor(2, nil)
	dropped, _ := Spawn(e3, Pending[int]())
	e4, _ := NewExecutor(2, nil)
	var derr error
	mustSpawn(t, e4, polls(func(n int, cx *Context) bool {
		_, ok := dropped.Poll(cx)
		derr = dropped.Err()
		return ok
	}))
	var wg sync.WaitGroup
	wg.Go(func() { mustRun(t, e4) })
	waitParked(t, e4) // the waiter has registered
	e3.Stop()
	wg.Wait()
	if !errors.Is(derr, ErrStopped) {
		t.Errorf("the dropped task's handle: %v, want ErrStopped", derr)
	}
}
