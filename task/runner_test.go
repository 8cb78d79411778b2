package task

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Tests of executors with several runners: placement, the end, Stop,
// cross-runner wakes and spawns from many goroutines, and the wake storm.

// newRunners returns an executor of n runners with the default idle
// (park), and a panic handler that fails the test.
func newRunners(t testing.TB, maxTasks, n int) *Executor {
	t.Helper()
	e, err := NewExecutorWith(Config{MaxTasks: maxTasks, Runners: n})
	if err != nil {
		t.Fatal(err)
	}
	e.SetPanicHandler(func(p *TaskPanic) { t.Errorf("%v\n%s", p, p.Stack) })
	return e
}

// runAll runs every runner of e on a goroutine of its own and waits until
// all have returned, failing the test with a snapshot of the tasks left
// if that takes longer than d.
func runAll(t testing.TB, e *Executor, d time.Duration) {
	t.Helper()
	errs := make(chan error, e.Runners())
	for range e.Runners() {
		go func() { errs <- e.Run() }()
	}
	timeout := time.After(d)
	for range e.Runners() {
		select {
		case err := <-errs:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-timeout:
			t.Fatalf("the runners did not return within %v; tasks left: %+v", d, e.Snapshot())
		}
	}
}

// TestNewExecutorRunners: the runner count must be in [1, MaxRunners];
// SpawnOn wants a runner that exists; SetTimers wants one runner.
func TestNewExecutorRunners(t *testing.T) {
	for _, n := range []int{-1, MaxRunners + 1} {
		if _, err := NewExecutorWith(Config{MaxTasks: 4, Runners: n}); !errors.Is(err, ErrRunners) {
			t.Errorf("Runners %d: %v", n, err)
		}
	}
	e, err := NewExecutorWith(Config{MaxTasks: 4})
	if err != nil || e.Runners() != 1 {
		t.Fatalf("Runners 0: %v, %d runners, want 1", err, e.Runners())
	}
	e = newRunners(t, 4, 3)
	for _, r := range []int{-1, 3} {
		if _, err := e.SpawnOn(r, "", Ready(struct{}{})); !errors.Is(err, ErrNoRunner) {
			t.Errorf("SpawnOn(%d): %v", r, err)
		}
	}
	e.SetTimers(NewTimers(nil))
	if err := e.Run(); !errors.Is(err, ErrSharedTimers) {
		t.Errorf("Run with SetTimers on 3 runners: %v", err)
	}
}

// TestRunnerPlacement: Spawn places tasks on the runner with the fewest,
// round robin among equals; SpawnOn where it is told; each task is polled
// on its runner's goroutine only, and Snapshot reports the runner, the
// CPU (the runner's index by default) and the name.
func TestRunnerPlacement(t *testing.T) {
	const n = 3
	e := newRunners(t, 16, n)
	var gs [n]atomic.Uintptr // the goroutine of each runner, as its tasks see it
	var infos sync.Map       // TaskID -> TaskInfo, as the task saw itself
	var ids []TaskID
	task := func(runner int) Future[struct{}] {
		return polls(func(k int, cx *Context) bool {
			g := currentG()
			if old := gs[runner].Swap(g); old != 0 && old != g && runtime.GOOS == "linux" && runtime.GOARCH == "amd64" {
				t.Errorf("runner %d's tasks polled on two goroutines", runner)
			}
			if k == 1 {
				cx.Waker().Wake() // poll again, so that the snapshot shows a CPU
				return false
			}
			// Only its own line: the one task running on this runner. A
			// snapshot shows the other tasks too, queued or between polls
			// on their runners, and storing those let a later snapshot
			// overwrite what a task saw of itself (task 3 recorded as
			// queued with 1 poll, seen in make test).
			for _, in := range e.Snapshot() {
				if in.State == Running && in.Runner == runner {
					infos.Store(in.ID, in)
				}
			}
			return true
		})
	}
	for i := range 2 * n {
		id, err := e.SpawnNamed(fmt.Sprint("t", i), task(i%n))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	id, err := e.SpawnOn(2, "pinned", task(2))
	if err != nil {
		t.Fatal(err)
	}
	ids = append(ids, id)
	before := e.Snapshot()
	for i, in := range before {
		want := i % n
		if i == 2*n {
			want = 2
		}
		if in.Runner != want || in.CPU != -1 || in.State != Queued {
			t.Errorf("before Run, task %d: %+v, want runner %d, CPU -1, queued", i, in, want)
		}
	}
	runAll(t, e, 10*time.Second)
	for i, id := range ids {
		v, ok := infos.Load(id)
		if !ok {
			t.Errorf("task %d never saw itself in a snapshot", i)
			continue
		}
		in := v.(TaskInfo)
		name := fmt.Sprint("t", i)
		if i == 2*n {
			name = "pinned"
		}
		if in.Name != name || in.CPU != in.Runner || in.State != Running || in.Polls != 2 {
			t.Errorf("task %d saw %+v, want name %s, CPU = runner, running, 2 polls", i, in, name)
		}
	}
}

// TestRunnerCPU: the CPU function's answer is what Snapshot reports.
func TestRunnerCPU(t *testing.T) {
	e, err := NewExecutorWith(Config{MaxTasks: 4, Runners: 2, CPU: func() int { return 7 }})
	if err != nil {
		t.Fatal(err)
	}
	var cpus [2]int
	for i := range 2 {
		mustSpawn(t, e, polls(func(k int, cx *Context) bool {
			for _, in := range e.Snapshot() {
				if in.State == Running && in.Runner == i {
					cpus[i] = in.CPU
				}
			}
			return true
		}))
	}
	runAll(t, e, 10*time.Second)
	if cpus != [2]int{7, 7} {
		t.Errorf("CPUs %v, want [7 7]", cpus)
	}
}

// TestRunnersEnd: the executor ends, and Run returns on every runner,
// when its last task finishes, wherever that is: a runner that has
// nothing to do parks until then. It does not end before every runner
// has started: a runner with no task of its own waits for the others to
// join. Another Run then fails.
func TestRunnersEnd(t *testing.T) {
	e := newRunners(t, 4, 2)
	mustSpawn(t, e, Ready(struct{}{})) // runner 0: done at once
	var aw AtomicWaker
	var finish atomic.Bool
	mustSpawn(t, e, polls(func(int, *Context) bool { // runner 1: waits for a goroutine
		return finish.Load()
	}))
	var ran atomic.Bool
	if _, err := e.SpawnOn(0, "", polls(func(n int, cx *Context) bool {
		aw.Register(cx.Waker())
		ran.Store(true)
		return n == 2
	})); err != nil {
		t.Fatal(err)
	}
	done0 := make(chan error, 1)
	go func() { done0 <- e.Run() }()
	for !ran.Load() {
		time.Sleep(time.Millisecond)
	}
	aw.Wake() // its last poll
	select {
	case err := <-done0:
		t.Fatalf("runner 0 returned (%v) before runner 1 started", err)
	case <-time.After(50 * time.Millisecond):
	}
	done1 := make(chan error, 1)
	go func() { done1 <- e.Run() }()
	time.Sleep(20 * time.Millisecond) // runner 0 parks, runner 1's task waits
	if len(e.Snapshot()) != 1 {
		t.Errorf("tasks left %+v, want runner 1's", e.Snapshot())
	}
	finish.Store(true)
	e.wakeAll()
	for _, ch := range []chan error{done0, done1} {
		select {
		case err := <-ch:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a runner did not return after the last task finished")
		}
	}
	if err := e.Run(); !errors.Is(err, ErrStopped) {
		t.Errorf("Run after the end: %v", err)
	}
}

// wakeAll wakes every live task, as a goroutine would, for the tests.
func (e *Executor) wakeAll() {
	e.mu.Lock()
	var ws []Waker
	for slot := range uint64(e.nslots) {
		if t := e.entry(slot); t.hdr != nil {
			ws = append(ws, Waker{t.hdr})
		}
	}
	e.mu.Unlock()
	for _, w := range ws {
		w.Wake()
	}
}

// TestRunnersStop: Stop from a goroutine ends every runner, parked or
// busy, and drops the tasks; more Runs than runners fail.
func TestRunnersStop(t *testing.T) {
	e := newRunners(t, 8, 3)
	for range 3 {
		mustSpawn(t, e, Pending[struct{}]())
	}
	h, err := Spawn[int](e, Pending[int]())
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for range 4 {
		go func() { errs <- e.Run() }()
	}
	select {
	case err := <-errs:
		if !errors.Is(err, ErrRunning) {
			t.Errorf("a fourth Run on three runners: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the fourth Run did not fail")
	}
	time.Sleep(20 * time.Millisecond) // let them park
	e.Stop()
	for range 3 {
		select {
		case err := <-errs:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a runner did not return after Stop")
		}
	}
	if e.Len() != 0 {
		t.Errorf("%d tasks left after Stop", e.Len())
	}
	if _, ok := h.Poll(NewContext(Waker{})); !ok || !errors.Is(h.Err(), ErrStopped) {
		t.Errorf("a dropped task's handle: %v", h.Err())
	}
}

// TestRunnersPanic: a panic on one runner removes that task only; the
// tasks of the others run on.
func TestRunnersPanic(t *testing.T) {
	e := newRunners(t, 8, 2)
	var got []*TaskPanic
	var mu sync.Mutex
	e.SetPanicHandler(func(p *TaskPanic) {
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	})
	var ran atomic.Int32
	bad, _ := e.SpawnOn(1, "bad", polls(func(int, *Context) bool { panic("boom") }))
	for i := range 4 {
		e.SpawnOn(i%2, "good", polls(func(n int, cx *Context) bool {
			if n < 100 {
				cx.Waker().Wake()
				return false
			}
			ran.Add(1)
			return true
		}))
	}
	runAll(t, e, 10*time.Second)
	if ran.Load() != 4 || len(got) != 1 || got[0].ID != bad {
		t.Errorf("%d of 4 good tasks ran to the end; panics %v", ran.Load(), got)
	}
}

// TestRunnersTimers: tasks on every runner sleep on their runner's timer
// queue (none shared: the race detector would see it) and all wake.
func TestRunnersTimers(t *testing.T) {
	const runners, perRunner, sleeps = 3, 4, 5
	e := newRunners(t, runners*perRunner, runners)
	var woke atomic.Int32
	for i := range runners * perRunner {
		var s *Timer
		k := 0
		mustSpawn(t, e, FutureFunc[struct{}](func(cx *Context) (struct{}, bool) {
			for {
				if s != nil {
					if _, ok := s.Poll(cx); !ok {
						return struct{}{}, false
					}
					woke.Add(1)
				}
				if k++; k > sleeps {
					return struct{}{}, true
				}
				s = Sleep(time.Duration(1+i%3) * time.Millisecond)
			}
		}))
	}
	runAll(t, e, 20*time.Second)
	if n := woke.Load(); n != runners*perRunner*sleeps {
		t.Errorf("%d sleeps ended, want %d", n, runners*perRunner*sleeps)
	}
}

// TestRunnersManyWakersAndSpawners: goroutines wake tasks of every runner
// and spawn new ones, all at once, while the runners run; the spawned
// tasks reuse a few slots over and over (the limit is tight: a spawner
// retries when it is reached), and one more goroutine keeps waking the
// Wakers of spawned tasks, most of them finished, their slots another
// task's by then. Every event is consumed, every spawned task runs and is
// polled on one goroutine only, and the counts agree.
func TestRunnersManyWakersAndSpawners(t *testing.T) {
	repeat(t, func(t *testing.T) {
		const runners, tasks, wakers, perWaker, spawners, perSpawner = 3, 12, 6, 2000, 3, 300
		e := newRunners(t, tasks+8, runners)
		type node struct {
			events atomic.Int64
			waker  AtomicWaker
			got    int64
		}
		nodes := make([]*node, tasks)
		var quit atomic.Bool
		for i := range nodes {
			nd := &node{}
			nodes[i] = nd
			mustSpawn(t, e, polls(func(n int, cx *Context) bool {
				nd.waker.Register(cx.Waker())
				nd.got += nd.events.Swap(0)
				return quit.Load() && nd.events.Load() == 0
			}))
		}
		var spawnedRan atomic.Int64
		var stale [64]AtomicWaker // Wakers of spawned tasks, live or not
		var wg sync.WaitGroup
		for g := range wakers {
			wg.Go(func() {
				for k := range perWaker {
					nd := nodes[(g*7+k)%tasks]
					nd.events.Add(1)
					nd.waker.Wake()
					if k%64 == 0 {
						runtime.Gosched()
					}
				}
			})
		}
		for s := range spawners {
			wg.Go(func() {
				for k := range perSpawner {
					var g uintptr
					f := polls(func(n int, cx *Context) bool {
						if n == 1 {
							g = currentG()
							stale[(s*perSpawner+k)%len(stale)].Register(cx.Waker())
							cx.Waker().Wake() // one yield
							return false
						}
						if currentG() != g {
							t.Error("a spawned task polled on two goroutines")
						}
						spawnedRan.Add(1)
						return true
					})
					for {
						_, err := e.SpawnNamed(fmt.Sprint("s", k), f)
						if err == nil {
							break
						}
						if !errors.Is(err, ErrTooManyTasks) {
							t.Errorf("Spawn: %v", err)
							return
						}
						runtime.Gosched()
					}
				}
			})
		}
		var staleStop atomic.Bool
		staleDone := make(chan struct{})
		go func() {
			defer close(staleDone)
			for i := 0; !staleStop.Load(); i++ {
				stale[i%len(stale)].Wake()
				if i%256 == 0 {
					runtime.Gosched()
				}
			}
		}()
		go func() {
			wg.Wait()
			staleStop.Store(true)
			<-staleDone
			quit.Store(true)
			for _, nd := range nodes {
				nd.waker.Wake() // let them see quit
			}
		}()
		runAll(t, e, 60*time.Second)
		var got int64
		for _, nd := range nodes {
			got += nd.got
		}
		if got != wakers*perWaker || spawnedRan.Load() != spawners*perSpawner {
			t.Errorf("%d events consumed (want %d), %d spawned tasks ran (want %d)",
				got, wakers*perWaker, spawnedRan.Load(), spawners*perSpawner)
		}
	})
}
