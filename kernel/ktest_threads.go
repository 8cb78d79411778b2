package main

import (
	"fmt"
	"runtime"
	"sync"
	"syscall"
)

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
