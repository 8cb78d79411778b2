package task

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"
)

// pingPong is the state two tasks share in BenchmarkPingPong: whose turn
// it is, how many round trips are done, and each task's waker.
type pingPong struct {
	turn   int
	rounds int
	target int
	wakers [2]Waker
}

// pinger is one of the two ping-pong tasks: when it is its turn it passes
// the turn to the other task and wakes it, then waits to be woken.
type pinger struct {
	s    *pingPong
	i    int
	init bool
}

func (p *pinger) Poll(cx *Context) (struct{}, bool) {
	s := p.s
	if !p.init {
		s.wakers[p.i], p.init = cx.Waker(), true
	}
	if s.rounds >= s.target {
		s.wakers[p.i^1].Wake() // let the other one see the end
		return struct{}{}, true
	}
	if s.turn == p.i {
		s.turn ^= 1
		if p.i == 1 {
			s.rounds++
		}
		s.wakers[p.i^1].Wake()
	}
	return struct{}{}, false
}

// crossPingPong is pingPong for tasks on two runners: the turn is passed
// with atomics, and each task registers its Waker before it looks.
type crossPingPong struct {
	turn   atomic.Int32
	rounds atomic.Int64
	target int64
	wakers [2]AtomicWaker
}

type crossPinger struct {
	s *crossPingPong
	i int32
}

func (p *crossPinger) Poll(cx *Context) (struct{}, bool) {
	s := p.s
	s.wakers[p.i].Register(cx.Waker())
	for s.turn.Load() == p.i {
		if p.i == 1 && s.rounds.Add(1) > s.target {
			s.rounds.Add(-1)
			s.turn.Store(-1) // the end: both see it
			s.wakers[0].Wake()
			return struct{}{}, true
		}
		s.turn.Store(p.i ^ 1)
		s.wakers[p.i^1].Wake()
	}
	return struct{}{}, s.turn.Load() < 0
}

// BenchmarkPingPong measures a round trip between two tasks (A wakes B
// and waits, B wakes A and waits: two wakes and two polls per op) against
// two goroutines passing a token over unbuffered channels, and across two
// runners.
func BenchmarkPingPong(b *testing.B) {
	b.Run("executor", func(b *testing.B) {
		e, err := NewExecutor(2, nil)
		if err != nil {
			b.Fatal(err)
		}
		s := &pingPong{target: b.N}
		e.Spawn(&pinger{s: s, i: 0})
		e.Spawn(&pinger{s: s, i: 1})
		b.ReportAllocs()
		b.ResetTimer()
		if err := e.Run(); err != nil {
			b.Fatal(err)
		}
		if s.rounds != b.N {
			b.Fatalf("%d round trips, want %d", s.rounds, b.N)
		}
	})
	b.Run("two runners", func(b *testing.B) {
		// The same across two runners: every wake is shared, and the
		// runner woken is parked, or about to park, each time.
		e, err := NewExecutorWith(Config{MaxTasks: 2, Runners: 2})
		if err != nil {
			b.Fatal(err)
		}
		s := &crossPingPong{target: int64(b.N)}
		for i := range 2 {
			if _, err := e.SpawnOn(i, "", &crossPinger{s: s, i: int32(i)}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		b.ResetTimer()
		errs := make(chan error, 2)
		for range 2 {
			go func() { errs <- e.Run() }()
		}
		for range 2 {
			if err := <-errs; err != nil {
				b.Fatal(err)
			}
		}
		if n := s.rounds.Load(); n != int64(b.N) {
			b.Fatalf("%d round trips, want %d", n, b.N)
		}
	})
	b.Run("channels", func(b *testing.B) {
		ping, pong := make(chan struct{}), make(chan struct{})
		go func() {
			for range ping {
				pong <- struct{}{}
			}
		}()
		b.ReportAllocs()
		for b.Loop() {
			ping <- struct{}{}
			<-pong
		}
		close(ping)
	})
}

// BenchmarkWakePoll measures the shared wake path, the one wakes from
// other goroutines and interrupt handlers take, on one goroutine driving
// the executor by hand (outside Run every wake is shared): "wake+poll" is
// a first wake (a CAS of the state and one of the run queue's head), the
// take of a batch of one (a swap and a fence) and the poll; "queued" is a
// wake of a task already queued (a load and the add that counts it).
// BenchmarkPingPong measures the local path, inside Run.
func BenchmarkWakePoll(b *testing.B) {
	e, err := NewExecutor(1, nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.Spawn(&idleTask{}); err != nil {
		b.Fatal(err)
	}
	runBatch(e)
	w := Waker{e.entry(0).hdr}
	b.Run("wake+poll", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			w.Wake()
			runBatch(e)
		}
	})
	b.Run("queued", func(b *testing.B) {
		w.Wake()
		b.ReportAllocs()
		for b.Loop() {
			w.Wake()
		}
		runBatch(e)
	})
	e.Stop()
}

// idleTask is a trivial state-machine future that never completes: its
// state is one word.
type idleTask struct{ polls uint64 }

func (t *idleTask) Poll(*Context) (struct{}, bool) {
	t.polls++
	return struct{}{}, false
}

// memoryInUse returns the heap and stack memory in use after two
// collections.
func memoryInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc + m.StackInuse
}

// idleTaskBytes measures the memory of n pending tasks: an executor for n
// tasks, n idleTasks spawned and polled once (so they are waiting, with
// their wakers made), as the heap and stack growth divided by n. The
// futures' own size is included; subtract futureBytes for the overhead.
func idleTaskBytes(t testing.TB, n int) (perTask, futureBytes float64) {
	before := memoryInUse()
	var after uint64
	var e *Executor
	// Run polls every task once and then idles: measure there, and stop.
	e, err := NewExecutor(n, func(func() bool, time.Duration, bool) {
		after = memoryInUse()
		e.Stop()
	})
	if err != nil {
		t.Fatal(err)
	}
	for range n {
		if _, err := e.Spawn(&idleTask{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Run(); err != nil {
		t.Fatal(err)
	}
	runtime.KeepAlive(e)
	return float64(after-before) / float64(n), float64(unsafe.Sizeof(idleTask{}))
}

// parkedGoroutineBytes measures the memory of n goroutines blocked on a
// channel receive, the same way (heap and stacks).
func parkedGoroutineBytes(n int) float64 {
	before := memoryInUse()
	ch := make(chan struct{})
	var started, exited sync.WaitGroup
	started.Add(n)
	exited.Add(n)
	for range n {
		go func() {
			started.Done()
			<-ch
			exited.Done()
		}()
	}
	started.Wait()
	after := memoryInUse()
	close(ch)
	exited.Wait()
	return float64(after-before) / float64(n)
}

// idleCount is the number of idle tasks and goroutines measured.
const idleCount = 100_000

// BenchmarkIdleMemory reports the memory cost of 100,000 pending tasks
// (bytes/task, and bytes/task-overhead without the 8-byte future) and of
// 100,000 parked goroutines (bytes/goroutine). Time per op is meaningless.
func BenchmarkIdleMemory(b *testing.B) {
	b.Run("tasks", func(b *testing.B) {
		var per, fut float64
		for range b.N {
			per, fut = idleTaskBytes(b, idleCount)
		}
		b.ReportMetric(per, "bytes/task")
		b.ReportMetric(per-fut, "bytes/task-overhead")
	})
	b.Run("goroutines", func(b *testing.B) {
		var per float64
		for range b.N {
			per = parkedGoroutineBytes(idleCount)
		}
		b.ReportMetric(per, "bytes/goroutine")
	})
}

// TestIdleMemory checks the budget: at most 128 bytes per pending task
// beyond the future's own state, and far less than a parked goroutine.
func TestIdleMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 100,000 tasks and goroutines")
	}
	per, fut := idleTaskBytes(t, idleCount)
	t.Logf("%.1f bytes per pending task (%.1f beyond its %.0f-byte future)", per, per-fut, fut)
	if !raceEnabled { // 100,000 goroutines take seconds under -race
		t.Logf("%.1f bytes per parked goroutine", parkedGoroutineBytes(idleCount))
	}
	if per-fut > 128 {
		t.Errorf("%.1f bytes per task beyond the future, want <= 128", per-fut)
	}
}
