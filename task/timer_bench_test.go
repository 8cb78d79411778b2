package task

import (
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

// pendingTimers is the number of armed timers the benchmarks keep.
const pendingTimers = 100_000

// armedQueue returns a queue on a fake clock at 0 with n timers armed
// (with the no-op Waker) at the deadlines 1 to n, in random order.
func armedQueue(n int) (*Timers, *fakeClock, []*Timer) {
	q, clock := newFakeTimers()
	cx := NewContext(Waker{})
	rng := rand.New(rand.NewPCG(7, 8))
	timers := make([]*Timer, n)
	for i, d := range rng.Perm(n) {
		timers[i] = q.At(time.Duration(1 + d))
		timers[i].Poll(cx)
	}
	return q, clock, timers
}

// BenchmarkTimers measures the queue with 100,000 timers armed. Each op of
// sleep+fire makes a Timer (Sleep), arms it (its first poll), advances the
// clock by one and fires what is due: one timer, so the queue stays at
// 100,000. sleep+cancel arms a Timer and cancels
// it. Wakes go to the no-op Waker: this is the queue's cost, not the
// executor's.
func BenchmarkTimers(b *testing.B) {
	b.Run("sleep+fire", func(b *testing.B) {
		q, clock, _ := armedQueue(pendingTimers)
		cx := NewContext(Waker{})
		fired := 0
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			q.Sleep(pendingTimers + 1).Poll(cx)
			clock.t++
			fired += q.Fire()
		}
		b.StopTimer()
		if q.Len() != pendingTimers || fired != b.N {
			b.Fatalf("Len %d after %d ops (%d fired)", q.Len(), b.N, fired)
		}
	})
	b.Run("sleep+cancel", func(b *testing.B) {
		q, clock, _ := armedQueue(pendingTimers)
		cx := NewContext(Waker{})
		rng := rand.New(rand.NewPCG(9, 10))
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			s := q.At(clock.t + 1 + time.Duration(rng.IntN(pendingTimers)))
			s.Poll(cx)
			s.Cancel()
		}
	})
}

// timerBytes measures the memory of n armed timers (the Timers and the
// heap included), per timer.
func timerBytes(n int) float64 {
	before := memoryInUse()
	q, _, timers := armedQueue(n)
	after := memoryInUse()
	runtime.KeepAlive(q)
	runtime.KeepAlive(timers)
	// Do not count the test's own slice of pointers.
	return float64(after-before)/float64(n) - 8
}

// BenchmarkTimerMemory reports the memory of 100,000 armed timers
// (bytes/timer: the Timer and its heap entry). Time per op is
// meaningless.
func BenchmarkTimerMemory(b *testing.B) {
	var per float64
	for range b.N {
		per = timerBytes(pendingTimers)
	}
	b.ReportMetric(per, "bytes/timer")
}

// TestTimerMemory checks the budget: at most 96 bytes per armed timer
// (32 for the Timer, 24 for its heap entry, and the heap array's slack).
func TestTimerMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("arms 100,000 timers")
	}
	per := timerBytes(pendingTimers)
	t.Logf("%.1f bytes per armed timer", per)
	if per > 96 {
		t.Errorf("%.1f bytes per armed timer, want <= 96", per)
	}
}

// sleeper is a task that sleeps for its period again and again, until the
// shared count of completed sleeps reaches its target.
type sleeper struct {
	q      *Timers
	period time.Duration
	sleep  *Timer
	count  *int
	target int
	done   func() // called once, when count reaches target
}

func (s *sleeper) Poll(cx *Context) (struct{}, bool) {
	for *s.count < s.target {
		if s.sleep != nil {
			if _, ok := s.sleep.Poll(cx); !ok {
				return struct{}{}, false
			}
			*s.count++
			if *s.count == s.target && s.done != nil {
				s.done()
			}
		}
		s.sleep = s.q.Sleep(s.period)
	}
	return struct{}{}, true
}

// BenchmarkSleepingTasks measures a sleep through the executor: 10,000
// tasks sleep in loops, for periods of 1 to 100 on a fake clock that the
// idle function advances to each next deadline. An op is one completed
// sleep: Sleep, arming, Fire, the wake, the poll that completes it. The
// clock stops at the b.N-th: the tasks still asleep then must wake once
// more to see that they are done, sleeps the benchmark does not count.
func BenchmarkSleepingTasks(b *testing.B) {
	const tasks = 10_000
	q, clock := newFakeTimers()
	e, err := NewExecutor(tasks, func(queueEmpty func() bool, deadline time.Duration, ok bool) {
		if queueEmpty() && ok {
			clock.t = deadline
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	e.SetTimers(q)
	count := 0
	for i := range tasks {
		e.Spawn(&sleeper{q: q, period: time.Duration(1 + i%100), count: &count, target: b.N, done: b.StopTimer})
	}
	b.ReportAllocs()
	b.ResetTimer()
	if err := e.Run(); err != nil {
		b.Fatal(err)
	}
	if count < b.N {
		b.Fatalf("%d sleeps, want %d", count, b.N)
	}
}
