package ktest

import (
	"fmt"
	"runtime"
	"sync"
	"syscall"
	"time"

	"gokernel/kernel/kcall"
)

// Scheduler tests: threads that really run, preemption, the idle halt.

func init() {
	later(func() {
		register("scheduler",
			Test{Name: "threads", Run: testThreads, Note: "clone makes threads that run; they wait and wake through futexes"},
			Test{Name: "preempt", Run: testPreempt, Note: "a spinning goroutine does not starve a printing one"},
			Test{Name: "idle", Run: testIdle, Note: "with every goroutine blocked the CPU halts, tickless: under 100 wake-ups a second"},
		)
	})
}

// testThreads checks that clone makes threads that really run: goroutines
// locked to their own OS threads see distinct thread IDs, and they hand a
// token around a ring, which parks and wakes each thread in the kernel's
// futex code many times.
func testThreads() error {
	const n, rounds = 4, 200
	// Keep this goroutine on the main thread, so no worker can take it.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var wg sync.WaitGroup
	tids := make([]int, n)
	ring := make([]chan int, n)
	for i := range ring {
		ring[i] = make(chan int)
	}
	done := make(chan int, 1)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			tids[i] = syscall.Gettid()
			for r := 0; r < rounds; r++ {
				v := <-ring[i]
				if i == n-1 && r == rounds-1 {
					done <- v + 1 // the last hop ends the game
					return
				}
				ring[(i+1)%n] <- v + 1
			}
		}(i)
	}
	ring[0] <- 0
	wg.Wait()
	last := <-done
	if last != n*rounds {
		return fmt.Errorf("token counted %d hops, want %d", last, n*rounds)
	}
	seen := map[int]bool{syscall.Gettid(): true}
	for i, tid := range tids {
		if seen[tid] {
			return fmt.Errorf("goroutine %d ran on thread %d, already taken", i, tid)
		}
		seen[tid] = true
	}
	fmt.Printf("threads: main thread %d and %d locked threads %v passed a token %d times\n", syscall.Gettid(), n, tids, last)
	return nil
}

// testPreempt spins a goroutine in a loop without calls (so no preemption
// point) while another prints every 10 ms: only asynchronous preemption,
// the runtime's SIGURG sent with tgkill, lets the second one run.
func testPreempt() error {
	runtime.GOMAXPROCS(1)
	stop := make(chan struct{})
	var spins uint64
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			for i := 0; i < 1e9; i++ {
				spins++
			}
		}
	}()
	t0 := time.Now()
	for i := 0; i < 10; i++ {
		time.Sleep(10 * time.Millisecond)
		fmt.Printf("preempt: tick %d at %v\n", i, time.Since(t0).Round(time.Millisecond))
	}
	close(stop)
	if d := time.Since(t0); d > time.Second {
		return fmt.Errorf("10 ticks of 10 ms took %v: the spinning goroutine starved the printer", d)
	}
	if st, err := kcall.ReadStats(); err == nil {
		fmt.Printf("preempt: thread preemptions %d\n", st.Preemptions)
	}
	return nil
}

// maxIdleWakeups bounds the HLT wake-ups a second of an idle kernel: the
// tickless idle sleeps until the next timer (the runtime's sysmon naps,
// about 20 a second), where a ticking one would wake at every one of the
// 1000 ticks.
const maxIdleWakeups = 100

// testIdle checks that with every goroutine blocked the CPU halts, and is
// woken far less often than the tick rate.
func testIdle() error {
	before, err := kcall.ReadStats()
	if err != nil {
		return err
	}
	t0 := time.Now()
	time.Sleep(time.Second)
	after, err := kcall.ReadStats()
	if err != nil {
		return err
	}
	halts := after.Halts - before.Halts
	rate := float64(halts) / time.Since(t0).Seconds()
	fmt.Printf("idle: %.0f HLT wake-ups per second\n", rate)
	if halts == 0 || rate >= maxIdleWakeups {
		return fmt.Errorf("%.0f HLT wake-ups per second; want a halting CPU woken less than %d times a second (tickless)", rate, maxIdleWakeups)
	}
	return nil
}
