package task

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestFIFO: tasks that yield are polled round robin in spawn order, each
// yield sending the task to the back of the queue.
func TestFIFO(t *testing.T) {
	e, _ := testExecutor(t, 8)
	var order []int
	for i := range 4 {
		mustSpawn(t, e, polls(func(n int, cx *Context) bool {
			order = append(order, i)
			if n < 3 {
				cx.Waker().Wake() // yield
				return false
			}
			return true
		}))
	}
	mustRun(t, e)
	want := []int{0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3}
	if !slices.Equal(order, want) {
		t.Errorf("poll order %v, want %v", order, want)
	}
}

// TestFairness: a task woken by another goes behind the tasks already
// queued, in the order of the wakes.
func TestFairness(t *testing.T) {
	e, _ := testExecutor(t, 8)
	var order []string
	var wa, wb Waker
	a := polls(func(n int, cx *Context) bool {
		order = append(order, fmt.Sprint("a", n))
		wa = cx.Waker()
		return n == 2
	})
	b := polls(func(n int, cx *Context) bool {
		order = append(order, fmt.Sprint("b", n))
		wb = cx.Waker()
		return n == 2
	})
	c := polls(func(n int, cx *Context) bool {
		order = append(order, fmt.Sprint("c", n))
		if n == 1 {
			wb.Wake() // b before a: wake order, not spawn order
			wa.Wake()
			cx.Waker().Wake()
			return false
		}
		return true
	})
	for _, f := range []Future[struct{}]{a, b, c} {
		mustSpawn(t, e, f)
	}
	mustRun(t, e)
	want := "a1 b1 c1 b2 a2 c2"
	if got := strings.Join(order, " "); got != want {
		t.Errorf("order %s, want %s", got, want)
	}
}

// TestWakeDuringPoll: a wake that arrives while the task is being polled
// (here the task wakes itself before returning pending) gets it polled
// again.
func TestWakeDuringPoll(t *testing.T) {
	e, _ := testExecutor(t, 4)
	f := polls(func(n int, cx *Context) bool {
		if n == 1 {
			cx.Waker().Wake()
			return false
		}
		return true
	})
	mustSpawn(t, e, f)
	mustRun(t, e)
	if f.n != 2 {
		t.Errorf("polled %d times, want 2", f.n)
	}
}

// TestDuplicateAndSpuriousWakes: ten wakes of a waiting task queue it once;
// a wake that announces nothing (spurious) polls it once more, harmlessly;
// wakes are counted.
func TestDuplicateAndSpuriousWakes(t *testing.T) {
	e, _ := testExecutor(t, 4)
	var ready bool
	var ww Waker
	waiter := polls(func(n int, cx *Context) bool {
		ww = cx.Waker()
		return ready
	})
	var snap []TaskInfo
	waker := polls(func(n int, cx *Context) bool {
		switch n {
		case 1:
			for range 10 {
				ww.Wake() // nothing ready: a spurious wake, ten times
			}
			snap = e.Snapshot()
			cx.Waker().Wake()
			return false
		case 2:
			ready = true
			ww.Wake()
			ww.Wake()
			ww.Wake()
			return true
		}
		return true
	})
	wid := mustSpawn(t, e, waiter)
	mustSpawn(t, e, waker)
	mustRun(t, e)
	// Polls: the first, one for the ten wakes, one for the three.
	if waiter.n != 3 {
		t.Errorf("waiter polled %d times, want 3", waiter.n)
	}
	if len(snap) != 2 || snap[0].ID != wid || snap[0].State != Queued || snap[0].Wakes != 10 || snap[0].Polls != 1 {
		t.Errorf("snapshot after ten wakes: %+v", snap)
	}
}

// TestAllocs: a wake and the poll it causes allocate nothing.
func TestAllocs(t *testing.T) {
	e, _ := testExecutor(t, 4)
	f := polls(func(int, *Context) bool { return false })
	mustSpawn(t, e, f)
	runBatch(e)
	w := Waker{e.entry(0).hdr}
	var aw AtomicWaker
	aw.Register(w)
	allocs := testing.AllocsPerRun(1000, func() {
		aw.Wake()
		w.Wake()
		if runBatch(e) != 1 {
			t.Fatal("wake queued nothing")
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per wake and poll, want 0", allocs)
	}
	e.Stop()
}

// TestInterruptWakes: goroutines standing in for interrupt handlers send
// events to tasks (an atomic counter and an AtomicWaker per task, as the
// keyboard does) while the executor runs; every event must be consumed,
// so no wake may be lost. GOKERNEL_STRESS=5s repeats it for 5 seconds.
func TestInterruptWakes(t *testing.T) {
	repeat(t, func(t *testing.T) { interruptWakes(t, 8, 8, 2000) })
}

func interruptWakes(t *testing.T, tasks, irqs, perIRQ int) {
	e, irq := testExecutor(t, tasks)
	type source struct {
		events atomic.Int64
		waker  AtomicWaker
		got    int64
	}
	sources := make([]*source, tasks)
	want := int64(irqs * perIRQ / tasks)
	for i := range sources {
		s := &source{}
		sources[i] = s
		mustSpawn(t, e, polls(func(n int, cx *Context) bool {
			// Register first, then look: an event published after the
			// look finds the registration.
			s.waker.Register(cx.Waker())
			s.got += s.events.Swap(0)
			return s.got == want
		}))
	}
	var wg sync.WaitGroup
	for g := range irqs {
		wg.Go(func() {
			for i := range perIRQ {
				s := sources[(g+i)%tasks]
				s.events.Add(1)
				s.waker.Wake()
				irq.raise()
				if i%64 == 0 {
					runtime.Gosched()
				}
			}
		})
	}
	mustRun(t, e)
	wg.Wait()
	for i, s := range sources {
		if s.got != want || s.events.Load() != 0 {
			t.Errorf("task %d consumed %d events (%d left), want %d", i, s.got, s.events.Load(), want)
		}
	}
}

// TestManyWakers: many goroutines wake the same waiting tasks at once,
// over and over, while the tasks re-register: duplicates collapse, the
// queue never overflows, and everything ends.
func TestManyWakers(t *testing.T) {
	repeat(t, func(t *testing.T) {
		const tasks, goroutines, rounds = 4, 16, 500
		e, irq := testExecutor(t, tasks+1) // and the task that counts
		var wakers [tasks]AtomicWaker
		var stop atomic.Bool
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Go(func() {
				for i := 0; !stop.Load(); i++ {
					wakers[(g+i)%tasks].Wake()
					irq.raise()
					if i%16 == 0 {
						runtime.Gosched()
					}
				}
			})
		}
		for i := range tasks {
			mustSpawn(t, e, polls(func(n int, cx *Context) bool {
				wakers[i].Register(cx.Waker())
				return n == rounds
			}))
		}
		var inQueue int
		mustSpawn(t, e, polls(func(n int, cx *Context) bool {
			inQueue = max(inQueue, queuedCount(e))
			cx.Waker().Wake() // look again after the others' polls
			return e.Len() == 1
		}))
		mustRun(t, e)
		stop.Store(true)
		wg.Wait()
		// Each task at most once in the run queue (plus the counting task
		// itself, running): the queued bit admits one push per task.
		if inQueue > tasks {
			t.Errorf("%d tasks in the run queue, more than the %d others", inQueue, tasks)
		}
	})
}

// TestSpawnFromTask: a task spawns others through a Spawner; they run
// after it, in spawn order, and Run returns once all are done.
func TestSpawnFromTask(t *testing.T) {
	e, _ := testExecutor(t, 8)
	sp := e.Spawner()
	var order []string
	var ids []TaskID
	parent := polls(func(n int, cx *Context) bool {
		order = append(order, "parent")
		for i := range 3 {
			id := mustSpawn(t, sp, polls(func(n int, cx *Context) bool {
				order = append(order, fmt.Sprint("child", i))
				return true
			}))
			ids = append(ids, id)
		}
		return true
	})
	pid := mustSpawn(t, e, parent)
	mustRun(t, e)
	if got, want := strings.Join(order, " "), "parent child0 child1 child2"; got != want {
		t.Errorf("order %q, want %q", got, want)
	}
	if len(ids) != 3 || !(pid < ids[0] && ids[0] < ids[1] && ids[1] < ids[2]) {
		t.Errorf("IDs not increasing: parent %d, children %v", pid, ids)
	}
}

// TestSpawnFromGoroutine: Spawn from another goroutine while Run is idle;
// the task runs once the idle function returns.
func TestSpawnFromGoroutine(t *testing.T) {
	e, irq := testExecutor(t, 8)
	var w AtomicWaker
	var finish atomic.Bool
	mustSpawn(t, e, polls(func(n int, cx *Context) bool {
		w.Register(cx.Waker())
		return finish.Load()
	}))
	ran := make(chan struct{})
	go func() {
		time.Sleep(10 * time.Millisecond)
		mustSpawn(t, e, polls(func(int, *Context) bool {
			close(ran)
			finish.Store(true)
			w.Wake()
			return true
		}))
		irq.raise()
	}()
	mustRun(t, e)
	select {
	case <-ran:
	default:
		t.Error("the task spawned from another goroutine did not run")
	}
}

// finalized is a future that records when the garbage collector frees it.
type finalized struct {
	_    [64]byte
	poll func(cx *Context) bool
}

func (f *finalized) Poll(cx *Context) (struct{}, bool) { return struct{}{}, f.poll(cx) }

// TestCompletionDropsWaker: once a task has finished, a Waker of it kept
// elsewhere does nothing, and its future is freed even though the Waker
// (and the executor) live on.
func TestCompletionDropsWaker(t *testing.T) {
	e, _ := testExecutor(t, 4)
	var kept Waker
	freed := make(chan struct{})
	f := &finalized{poll: func(cx *Context) bool {
		kept = cx.Waker()
		return true
	}}
	runtime.SetFinalizer(f, func(*finalized) { close(freed) })
	mustSpawn(t, e, f)
	f = nil
	var checked bool
	mustSpawn(t, e, polls(func(n int, cx *Context) bool {
		if n == 1 {
			cx.Waker().Wake() // let the first task finish
			return false
		}
		kept.Wake()
		if !e.QueueEmpty() {
			t.Error("the finished task's waker queued something")
		}
		if got := e.Len(); got != 1 {
			t.Errorf("%d tasks live, want 1", got)
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			runtime.GC()
			select {
			case <-freed:
				checked = true
				return true
			default:
			}
			if time.Now().After(deadline) {
				t.Error("the finished task's future was not freed")
				return true
			}
			time.Sleep(time.Millisecond)
		}
	}))
	mustRun(t, e)
	if !checked {
		t.Error("the check did not run")
	}
	kept.Wake() // after Run: still nothing
	if kept.h.dupWakes != 0 || !e.QueueEmpty() {
		t.Errorf("wakes of a finished task counted (%d) or queued", kept.h.dupWakes)
	}
	runtime.KeepAlive(kept)
}

// panicky is a task that panics at its second poll.
type panicky struct{ n int }

func (p *panicky) Poll(cx *Context) (struct{}, bool) {
	if p.n++; p.n == 2 {
		panic("boom")
	}
	cx.Waker().Wake()
	return struct{}{}, false
}

// TestPanicIsolation: a panicking task is reported with its ID, value and
// stack, and removed; the other tasks run to the end.
func TestPanicIsolation(t *testing.T) {
	e, _ := testExecutor(t, 8)
	var reports []*TaskPanic
	e.SetPanicHandler(func(p *TaskPanic) { reports = append(reports, p) })
	var finished int
	worker := func() Future[struct{}] {
		return polls(func(n int, cx *Context) bool {
			if n < 5 {
				cx.Waker().Wake()
				return false
			}
			finished++
			return true
		})
	}
	mustSpawn(t, e, worker())
	pid := mustSpawn(t, e, &panicky{})
	mustSpawn(t, e, worker())
	mustRun(t, e)
	if finished != 2 {
		t.Errorf("%d of 2 other tasks finished", finished)
	}
	if len(reports) != 1 {
		t.Fatalf("%d panic reports, want 1", len(reports))
	}
	p := reports[0]
	if p.ID != pid || p.Value != "boom" {
		t.Errorf("report %v, want task %d and boom", p, pid)
	}
	if !strings.Contains(string(p.Stack), "(*panicky).Poll") {
		t.Errorf("stack does not show the panicking Poll:\n%s", p.Stack)
	}
	if got, want := p.Error(), fmt.Sprintf("task %d panicked: boom", pid); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// TestPanicReportTo: the default report format, and a nil-pointer fault
// in a task (a runtime error) is recovered too.
func TestPanicReportTo(t *testing.T) {
	e, _ := testExecutor(t, 4)
	var buf bytes.Buffer
	e.SetPanicHandler(ReportTo(&buf))
	var nilMap map[int]int
	id := mustSpawn(t, e, polls(func(int, *Context) bool {
		nilMap[1] = 1
		return true
	}))
	mustRun(t, e)
	out := buf.String()
	if !strings.HasPrefix(out, fmt.Sprintf("task %d panicked: assignment to entry in nil map\n\ngoroutine ", id)) ||
		!strings.Contains(out, "TestPanicReportTo") {
		t.Errorf("report:\n%s", out)
	}
}

// TestStopped: Spawn and Run fail once the executor has stopped, whether
// Run returned (no tasks left), Stop came before Run, from a task, or from
// another goroutine while Run was idle.
func TestStopped(t *testing.T) {
	t.Run("after Run", func(t *testing.T) {
		e, _ := testExecutor(t, 4)
		mustSpawn(t, e, Ready(struct{}{}))
		mustRun(t, e)
		if _, err := e.Spawn(Ready(struct{}{})); !errors.Is(err, ErrStopped) {
			t.Errorf("Spawn after Run: %v", err)
		}
		if err := e.Run(); !errors.Is(err, ErrStopped) {
			t.Errorf("second Run: %v", err)
		}
	})
	t.Run("empty", func(t *testing.T) {
		e, _ := testExecutor(t, 4)
		mustRun(t, e) // no tasks: returns at once
		if _, err := e.Spawn(Ready(struct{}{})); !errors.Is(err, ErrStopped) {
			t.Errorf("Spawn after Run: %v", err)
		}
	})
	t.Run("Stop before Run", func(t *testing.T) {
		e, _ := testExecutor(t, 4)
		mustSpawn(t, e, Pending[struct{}]())
		e.Stop()
		if _, err := e.Spawn(Ready(struct{}{})); !errors.Is(err, ErrStopped) {
			t.Errorf("Spawn after Stop: %v", err)
		}
		if err := e.Run(); !errors.Is(err, ErrStopped) {
			t.Errorf("Run after Stop: %v", err)
		}
		if e.Len() != 0 {
			t.Errorf("%d tasks left after Stop", e.Len())
		}
	})
	t.Run("Stop from a task", func(t *testing.T) {
		e, _ := testExecutor(t, 4)
		var w Waker
		parked := polls(func(n int, cx *Context) bool {
			w = cx.Waker()
			return false
		})
		mustSpawn(t, e, parked)
		mustSpawn(t, e, polls(func(int, *Context) bool {
			e.Stop()
			if _, err := e.Spawn(Ready(struct{}{})); !errors.Is(err, ErrStopped) {
				t.Errorf("Spawn after Stop: %v", err)
			}
			w.Wake() // Run must not poll it again
			return false
		}))
		mustRun(t, e)
		if parked.n != 1 {
			t.Errorf("parked task polled %d times after Stop", parked.n)
		}
		before := atomic.LoadUint32(&e.runners[0].head)
		w.Wake() // dropped: nothing happens
		if atomic.LoadUint32(&e.runners[0].head) != before {
			t.Error("a dropped task's wake queued it")
		}
	})
	t.Run("Stop from a goroutine", func(t *testing.T) {
		e, irq := testExecutor(t, 4)
		mustSpawn(t, e, Pending[struct{}]())
		go func() {
			time.Sleep(10 * time.Millisecond)
			e.Stop()
			irq.raise()
		}()
		mustRun(t, e)
	})
	t.Run("Run twice", func(t *testing.T) {
		e, irq := testExecutor(t, 4)
		var second error
		mustSpawn(t, e, polls(func(int, *Context) bool {
			second = e.Run()
			return true
		}))
		mustRun(t, e)
		irq.raise()
		if !errors.Is(second, ErrRunning) {
			t.Errorf("Run from a task: %v, want ErrRunning", second)
		}
	})
}

// TestStaleWakers: a Waker of a finished task does nothing, also after its
// slot went to another task: it neither queues the new task a second time
// nor links the old header into the run queue.
func TestStaleWakers(t *testing.T) {
	e, _ := testExecutor(t, 1)
	var polled []int
	var old Waker
	mustSpawn(t, e, polls(func(n int, cx *Context) bool {
		polled = append(polled, 1)
		old = cx.Waker()
		return true
	}))
	runBatch(e) // the first task finishes; slot 0 is free again
	id := mustSpawn(t, e, polls(func(n int, cx *Context) bool {
		polled = append(polled, 2)
		old.Wake()
		return true
	}))
	if got := e.entry(0).id; got != id {
		t.Fatalf("second task in slot with ID %d, want %d (slot reuse)", got, id)
	}
	old.Wake()
	old.Wake()
	if n := queuedCount(e); n != 1 {
		t.Errorf("%d tasks queued after stale wakes, want the new one only", n)
	}
	mustRun(t, e)
	if !slices.Equal(polled, []int{1, 2}) {
		t.Errorf("polls %v, want [1 2]", polled)
	}
	if old.h.dupWakes != 0 || old.h.state&queuedBit != 0 {
		t.Errorf("a finished task's wakes counted (%d) or queued it", old.h.dupWakes)
	}
}

// TestDraining: a task woken just before it finishes is left in the run
// queue; its slot is reused only after Run has taken it from there, so a
// queued slot never goes to another task.
func TestDraining(t *testing.T) {
	e, _ := testExecutor(t, 2)
	sp := e.Spawner()
	var wc Waker
	var log []string
	c := polls(func(n int, cx *Context) bool {
		wc = cx.Waker()
		switch n {
		case 1:
			return false // wait for a
		case 2:
			// a is draining: both slots taken.
			_, err := sp.Spawn(Ready(struct{}{}))
			log = append(log, fmt.Sprint("c2 spawn: ", err))
			if len(e.Snapshot()) != 1 {
				t.Errorf("snapshot %v lists the draining task", e.Snapshot())
			}
			cx.Waker().Wake() // behind a, still queued
			return false
		}
		_, err := sp.Spawn(polls(func(int, *Context) bool {
			log = append(log, "d")
			return true
		}))
		log = append(log, fmt.Sprint("c3 spawn: ", err))
		return true
	})
	a := polls(func(n int, cx *Context) bool {
		wc.Wake()
		cx.Waker().Wake()
		return true // finished, while queued
	})
	mustSpawn(t, e, c)
	mustSpawn(t, e, a)
	mustRun(t, e)
	want := "c2 spawn: task: task limit reached; c3 spawn: <nil>; d"
	if got := strings.Join(log, "; "); got != want {
		t.Errorf("log %q, want %q", got, want)
	}
}

// TestTooManyTasks: Spawn beyond the limit fails; a finished task's slot
// is reused.
func TestTooManyTasks(t *testing.T) {
	e, _ := testExecutor(t, 3)
	var ws [3]Waker
	for i := range 3 {
		mustSpawn(t, e, polls(func(n int, cx *Context) bool {
			ws[i] = cx.Waker()
			return n == 2
		}))
	}
	if _, err := e.Spawn(Ready(struct{}{})); !errors.Is(err, ErrTooManyTasks) {
		t.Fatalf("fourth Spawn: %v, want ErrTooManyTasks", err)
	}
	// Drive by hand: the three first polls, then task 0's second, which
	// finishes it and frees its slot.
	if n := runBatch(e); n != 3 {
		t.Fatalf("%d tasks polled, want 3", n)
	}
	ws[0].Wake()
	runBatch(e)
	ran := false
	mustSpawn(t, e, polls(func(int, *Context) bool { ran = true; return true }))
	ws[1].Wake()
	ws[2].Wake()
	mustRun(t, e)
	if !ran {
		t.Error("the late task did not run")
	}
}

// TestNewExecutorLimits: the task limit must be in [1, MaxTasks]; a nil
// future is refused.
func TestNewExecutorLimits(t *testing.T) {
	for _, n := range []int{0, -1, MaxTasks + 1} {
		if _, err := NewExecutor(n, nil); !errors.Is(err, ErrMaxTasks) {
			t.Errorf("NewExecutor(%d): %v", n, err)
		}
	}
	e, err := NewExecutor(1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Spawn(nil); !errors.Is(err, ErrNilFuture) {
		t.Errorf("Spawn(nil): %v", err)
	}
	id := mustSpawn(t, e, Yield())
	if h := e.entry(0); h.id != id || h.hdr.slot != 0 || h.hdr.state != queuedBit {
		t.Errorf("the only task: ID %d (want %d), slot %d, state %#x", h.id, id, h.hdr.slot, h.hdr.state)
	}
	if err := e.Run(); err != nil { // the default idle
		t.Fatal(err)
	}
}

// TestSnapshot: states, polls and wakes as a `tasks` command sees them.
func TestSnapshot(t *testing.T) {
	e, _ := testExecutor(t, 8)
	var ww Waker
	var snap []TaskInfo
	w := polls(func(n int, cx *Context) bool {
		ww = cx.Waker()
		return n == 2
	})
	r := polls(func(n int, cx *Context) bool {
		ww.Wake()
		ww.Wake()
		snap = e.Snapshot()
		return true
	})
	wid := mustSpawn(t, e, w)
	rid, err := e.SpawnNamed("reader", r)
	if err != nil {
		t.Fatal(err)
	}
	qid, err := e.SpawnOn(0, "queued", Ready(struct{}{}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.SpawnOn(1, "", Ready(struct{}{})); !errors.Is(err, ErrNoRunner) {
		t.Errorf("SpawnOn(1) on one runner: %v", err)
	}
	before := e.Snapshot()
	mustRun(t, e)
	want := []TaskInfo{
		{ID: wid, State: Queued, Polls: 1, Wakes: 2}, // CPU: runner 0's index
		{ID: rid, Name: "reader", State: Running, Polls: 1},
		{ID: qid, Name: "queued", State: Queued, CPU: -1}, // never polled
	}
	if !slices.Equal(snap, want) {
		t.Errorf("snapshot %+v, want %+v", snap, want)
	}
	if len(before) != 3 || before[0].State != Queued || before[0].Polls != 0 {
		t.Errorf("snapshot before Run %+v", before)
	}
	if s := e.Snapshot(); len(s) != 0 {
		t.Errorf("snapshot after Run %+v", s)
	}
	for s, want := range map[TaskState]string{Waiting: "waiting", Queued: "queued", Running: "running", 9: "TaskState(9)"} {
		if s.String() != want {
			t.Errorf("%d.String() = %q", s, s.String())
		}
	}
}

// TestSimpleExecutor: the busy-waiting executor polls round robin until
// every task is done, waking or not.
func TestSimpleExecutor(t *testing.T) {
	var e SimpleExecutor
	var order []string
	for _, name := range []string{"a", "b"} {
		e.Spawn(polls(func(n int, cx *Context) bool {
			order = append(order, fmt.Sprint(name, n))
			cx.Waker().Wake() // the no-op waker: nothing happens
			if name == "a" && n == 1 {
				e.Spawn(polls(func(n int, cx *Context) bool {
					order = append(order, fmt.Sprint("c", n))
					return true
				}))
			}
			return n == 3
		}))
	}
	e.Run()
	want := "a1 b1 c1 a2 b2 a3 b3"
	if got := strings.Join(order, " "); got != want {
		t.Errorf("order %s, want %s", got, want)
	}
}
