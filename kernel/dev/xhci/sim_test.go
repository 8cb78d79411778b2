package xhci

import (
	"iter"
	"runtime"
	"testing"
	"time"

	"gokernel/task"
)

// sim runs the driver's tasks on a real executor against the fake
// controller, on a virtual clock: when no task is runnable the idle
// function lets the hardware take a step (which may interrupt: the
// fake calls Controller.Interrupt) and, if the hardware had nothing to
// do, jumps the clock to the next timer. With neither, nothing can
// happen any more and the executor stops.
type sim struct {
	t   *testing.T
	now time.Duration
	q   *task.Timers
	e   *task.Executor
	hc  *fakeHC
	mem *fakeMem
	c   *Controller
}

// maxSimTime bounds a test's virtual time.
const maxSimTime = time.Hour

func newSim(t *testing.T, ports int, adjust func(*fakeHC)) *sim {
	s := &sim{t: t}
	s.q = task.NewTimers(func() time.Duration { return s.now })
	s.mem = newFakeMem(t)
	s.hc = newFakeHC(t, s.mem, ports)
	if adjust != nil {
		adjust(s.hc)
	}
	e, err := task.NewExecutor(64, func(queueEmpty func() bool, deadline time.Duration, has bool) {
		switch {
		case !queueEmpty():
		case s.hc.step():
		case has && deadline < maxSimTime:
			s.now = max(s.now, deadline)
		default:
			s.e.Stop()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	e.SetTimers(s.q)
	e.SetPanicHandler(func(p *task.TaskPanic) { t.Errorf("task panicked: %v", p) })
	s.e = e
	c, err := New(Config{Regs: s.hc, RegsSize: fRegSize, Mem: s.mem, Timers: s.q})
	if err != nil {
		t.Fatal(err)
	}
	s.c = c
	s.hc.irq = c.Interrupt
	return s
}

// await is what a script calls to wait for a future as a task does.
type await func(f task.Future[any]) any

// aw waits for f and returns its value.
func aw[T any](a await, f task.Future[T]) T {
	v, _ := a(task.Map(f, func(v T) any { return v })).(T) // a nil error is a nil any
	return v
}

// script makes a task of straight-line test code: body runs as a
// coroutine (iter.Pull) that hands each future it awaits to the task,
// which polls it as any task would, returning pending until it
// completes. body must report failures with t.Error, not t.Fatal (it
// does not run on the test's goroutine).
func script(body func(a await)) task.Future[struct{}] {
	var res any
	next, stop := iter.Pull(func(yield func(task.Future[any]) bool) {
		body(func(f task.Future[any]) any {
			if !yield(f) {
				runtime.Goexit()
			}
			return res
		})
	})
	var cur task.Future[any]
	return task.FutureFunc[struct{}](func(cx *task.Context) (struct{}, bool) {
		for {
			if cur == nil {
				f, ok := next()
				if !ok {
					stop()
					return struct{}{}, true
				}
				cur = f
			}
			v, ok := cur.Poll(cx)
			if !ok {
				return struct{}{}, false
			}
			res, cur = v, nil
		}
	})
}

// run spawns the dispatcher and the script, runs the executor until the
// script ends, and fails the test if the script did not finish.
func (s *sim) run(body func(a await)) {
	s.t.Helper()
	finished := false
	s.e.Spawn(s.c.Run())
	s.e.Spawn(script(func(a await) {
		body(a)
		finished = true
		s.e.Stop()
	}))
	if err := s.e.Run(); err != nil {
		s.t.Fatal(err)
	}
	if !finished {
		s.t.Fatalf("the script did not finish: it waits for something that never comes (virtual time %v, %d hardware steps)", s.now, s.hc.steps)
	}
}
