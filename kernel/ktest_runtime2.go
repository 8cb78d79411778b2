package main

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"syscall"
	"time"

	"gokernel/kernel/clock"
	"gokernel/kernel/sched"
)

// Tests of the runtime's system: goroutines, timers, memory, preemption,
// idle. make test runs them with -m 64M.

func testGoroutines() error {
	// 10,000 goroutines in pairs, each pair ping-ponging a counter.
	const pairs, rounds = 5000, 10
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for p := 0; p < pairs; p++ {
		ping, pong := make(chan int), make(chan int)
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				ping <- i
				<-pong
			}
			close(ping)
		}()
		go func() {
			defer wg.Done()
			n := 0
			for v := range ping {
				n++
				pong <- v
			}
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	if total != pairs*rounds {
		return fmt.Errorf("ping-pong counted %d round trips, want %d", total, pairs*rounds)
	}
	// A mutex under contention from 100 goroutines.
	counter := 0
	for g := 0; g < 100; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				mu.Lock()
				counter++
				if i%100 == 0 {
					runtime.Gosched()
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if counter != 100*1000 {
		return fmt.Errorf("mutex counter %d, want %d", counter, 100*1000)
	}
	fmt.Printf("goroutines: %d round trips between %d goroutines; mutex counter %d\n", total, 2*pairs, counter)
	return nil
}

func testSleep() error {
	t0 := clock.Nanotime()
	time.Sleep(50 * time.Millisecond)
	d := time.Duration(clock.Nanotime() - t0)
	fmt.Printf("sleep: time.Sleep(50ms) took %v by the TSC clock\n", d)
	if d < 50*time.Millisecond || d > 60*time.Millisecond {
		return fmt.Errorf("time.Sleep(50ms) took %v, want 50-60 ms", d)
	}
	t0 = clock.Nanotime()
	tk := time.NewTicker(10 * time.Millisecond)
	defer tk.Stop()
	for i := 0; i < 20; i++ {
		<-tk.C
	}
	d = time.Duration(clock.Nanotime() - t0)
	fmt.Printf("sleep: 20 ticks of a 10 ms ticker took %v\n", d)
	if d < 200*time.Millisecond || d > 240*time.Millisecond {
		return fmt.Errorf("20 ticks took %v, want 200-240 ms", d)
	}
	select {
	case <-time.After(20 * time.Millisecond):
	case <-time.After(time.Second):
		return errors.New("time.After fired out of order")
	}
	return nil
}

var sinkBytes []byte

func testGC() error {
	// 1 GiB in total, 256 KiB at a time, nothing kept.
	var total int
	for total < 1<<30 {
		b := make([]byte, 256<<10)
		b[len(b)-1] = 1
		sinkBytes = b
		total += len(b)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("gc: %d MiB allocated, %d GC cycles, heap in use %d MiB, from the system %d MiB\n",
		ms.TotalAlloc>>20, ms.NumGC, ms.HeapInuse>>20, ms.Sys>>20)
	if ms.NumGC < 10 {
		return fmt.Errorf("only %d GC cycles for 1 GiB of garbage", ms.NumGC)
	}
	if ms.HeapInuse > 16<<20 {
		return fmt.Errorf("heap in use %d MiB: not bounded", ms.HeapInuse>>20)
	}
	return nil
}

// testOOM keeps allocating until the runtime gives up. It never passes:
// the runtime's fatal out-of-memory error and the fail status are the
// expected outcome, which the host test checks.
func testOOM() error {
	var keep [][]byte
	for i := 0; ; i++ {
		b := make([]byte, 1<<20)
		for j := 0; j < len(b); j += 4096 {
			b[j] = byte(i)
		}
		keep = append(keep, b)
		if i%8 == 0 {
			fmt.Printf("oom: %d MiB live\n", len(keep))
		}
	}
}

func testReserve() error {
	const size = 1 << 30
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return fmt.Errorf("1 GiB PROT_NONE reservation: %v", err)
	}
	// Commit one page in the middle, use it, give it back.
	mid := b[size/2 : size/2+4096]
	if err := syscall.Mprotect(mid, syscall.PROT_READ|syscall.PROT_WRITE); err != nil {
		return fmt.Errorf("mprotect: %v", err)
	}
	mid[0], mid[4095] = 1, 2
	if mid[0]+mid[4095] != 3 {
		return errors.New("committed page lost its contents")
	}
	if err := syscall.Munmap(b); err != nil {
		return fmt.Errorf("munmap: %v", err)
	}
	fmt.Println("reserve: 1 GiB reserved, one page committed and used, all unmapped")
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
	fmt.Printf("preempt: thread preemptions %d\n", sched.Preemptions)
	return nil
}

// testIdle checks that with every goroutine blocked the CPU halts: at most
// one HLT per tick, and far fewer with the tickless idle.
func testIdle() error {
	h0 := sched.Halts
	t0 := time.Now()
	time.Sleep(time.Second)
	rate := float64(sched.Halts-h0) / time.Since(t0).Seconds()
	fmt.Printf("idle: %.0f HLT wake-ups per second\n", rate)
	if rate < 1 || rate >= 1100 {
		return fmt.Errorf("%.0f HLT wake-ups per second; want a halting CPU woken at most by the 1000 Hz tick (below 1100)", rate)
	}
	return nil
}
