package task

import (
	"os"
	"sync/atomic"
	"testing"
	"time"
)

// idleTimeout is how long the test idle function waits for an
// "interrupt" before it declares a lost wake and stops the executor.
const idleTimeout = 10 * time.Second

// irqLine stands in for the interrupt line of a halted CPU: goroutines
// that play interrupt handlers wake a task and then raise the line; the
// idle function sleeps on it. The buffer of one is the CPU's pending
// interrupt: a raise between the idle function's queue check and its
// sleep is not lost, like an interrupt between cli's check and sti; hlt.
type irqLine struct {
	ch chan struct{}
}

func newIRQ() *irqLine { return &irqLine{ch: make(chan struct{}, 1)} }

// raise signals the line without blocking.
func (l *irqLine) raise() {
	select {
	case l.ch <- struct{}{}:
	default:
	}
}

// testExecutor returns an executor for maxTasks tasks whose idle function
// waits for irq (if the queue is empty) and fails the test, stopping the
// executor, when nothing comes for idleTimeout. Panics of tasks fail the
// test unless the test sets its own handler.
func testExecutor(t testing.TB, maxTasks int) (*Executor, *irqLine) {
	t.Helper()
	irq := newIRQ()
	var e *Executor
	idle := func(queueEmpty func() bool, _ time.Duration, _ bool) {
		if !queueEmpty() {
			return
		}
		timer := time.NewTimer(idleTimeout)
		defer timer.Stop()
		select {
		case <-irq.ch:
		case <-timer.C:
			if queueEmpty() {
				t.Errorf("idle for %v with %d tasks left: a lost wake?", idleTimeout, e.Len())
				e.Stop()
			}
		}
	}
	e, err := NewExecutor(maxTasks, idle)
	if err != nil {
		t.Fatal(err)
	}
	e.SetPanicHandler(func(p *TaskPanic) { t.Errorf("%v\n%s", p, p.Stack) })
	return e, irq
}

// mustSpawn spawns f or fails the test.
func mustSpawn(t testing.TB, s interface {
	Spawn(Future[struct{}]) (TaskID, error)
}, f Future[struct{}]) TaskID {
	t.Helper()
	id, err := s.Spawn(f)
	if err != nil {
		t.Fatalf("Spawn: %v", err)
	}
	return id
}

// mustRun runs e, failing the test if Run does not return nil within
// the deadline.
func mustRun(t testing.TB, e *Executor) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- e.Run() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(2 * idleTimeout):
		t.Fatalf("Run did not return; tasks left: %v", e.Snapshot())
	}
}

// stressDuration is how long the interrupt-style tests repeat themselves:
// GOKERNEL_STRESS (a time.Duration, such as 5s) or a single round.
func stressDuration(t testing.TB) time.Duration {
	s := os.Getenv("GOKERNEL_STRESS")
	if s == "" {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatalf("GOKERNEL_STRESS=%q: %v", s, err)
	}
	return d
}

// repeat runs body once, and again until GOKERNEL_STRESS has passed.
func repeat(t *testing.T, body func(t *testing.T)) {
	d := stressDuration(t)
	end := time.Now().Add(d)
	for round := 0; ; round++ {
		body(t)
		if t.Failed() || !time.Now().Before(end) {
			if round > 0 {
				t.Logf("%d rounds", round+1)
			}
			return
		}
	}
}

// pollFunc is a future whose Poll is a function of the poll number (1 for
// the first poll) and the context: the quickest test task.
type pollFunc struct {
	n  int
	fn func(n int, cx *Context) bool
}

func (p *pollFunc) Poll(cx *Context) (struct{}, bool) {
	p.n++
	return struct{}{}, p.fn(p.n, cx)
}

func polls(fn func(n int, cx *Context) bool) *pollFunc { return &pollFunc{fn: fn} }

// runBatch does by hand what Run does with one batch: it moves the run
// queue's tasks to the run list and polls them, and returns how many it
// polled. Outside Run every wake is shared, so the tasks these polls wake
// wait in the run queue for the next runBatch.
func runBatch(e *Executor) int {
	r := e.runners[0]
	r.takeBatch()
	n := 0
	for {
		slot, t := r.popRun()
		if t == nil {
			return n
		}
		r.poll(slot, t)
		n++
	}
}

// queuedCount returns the number of tasks in e's run queue, walking its
// list (the tasks must still be in the table: call it before Run ends).
func queuedCount(e *Executor) int {
	n := 0
	for next := atomic.LoadUint32(&e.runners[0].head); next != 0; next = e.entry(uint64(next - 1)).hdr.link {
		if n++; n > e.max {
			panic("the run queue's list has a cycle")
		}
	}
	return n
}
