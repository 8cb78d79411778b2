package ktest

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
)

// Runtime tests: the runtime's services on the kernel, and a panic's
// report.

func init() {
	later(func() {
		register("runtime",
			Test{Name: "runtime", Run: testRuntime, Note: "maps, fmt, interfaces, closures, 256 MiB of allocation, GC, recover"},
			Test{Name: "panic", Run: testPanic, Outcome: Fails, Note: "an unrecovered panic prints Go's report and fails"},
			Test{Name: "goroutines", Run: testGoroutines, Note: "10,000 goroutines ping-pong; WaitGroup; a mutex under contention"},
		)
	})
}

type shape interface{ area() int }

type rect struct{ w, h int }

func (r rect) area() int { return r.w * r.h }

// testRuntime exercises the runtime services the kernel must carry.
func testRuntime() error {
	m := make(map[int]int)
	for i := 0; i < 200_000; i++ {
		m[i] = i * 3
	}
	for i := 0; i < 200_000; i += 997 {
		if m[i] != i*3 {
			return fmt.Errorf("map[%d] = %d", i, m[i])
		}
	}
	if len(m) != 200_000 {
		return fmt.Errorf("map has %d entries", len(m))
	}
	if s := fmt.Sprintf("%d-%s-%.2f", 42, "go", 3.14159); s != "42-go-3.14" {
		return fmt.Errorf("Sprintf gave %q", s)
	}
	var sh shape = rect{6, 7}
	if sh.area() != 42 {
		return errors.New("interface call")
	}
	base := 10
	add := func(x int) int { return x + base }
	base = 32
	if add(10) != 42 {
		return errors.New("closure")
	}

	// 256 MiB of churn in 64 KiB pieces, keeping a few alive.
	var keep [][]byte
	var total int
	for total < 256<<20 {
		b := make([]byte, 64<<10)
		b[0], b[len(b)-1] = 1, 2
		total += len(b)
		if total%(16<<20) == 0 {
			keep = append(keep, b)
		}
	}
	for _, b := range keep {
		if b[0] != 1 || b[len(b)-1] != 2 {
			return errors.New("kept allocation corrupted")
		}
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	if ms.NumGC < 2 {
		return fmt.Errorf("NumGC = %d after two runtime.GC calls", ms.NumGC)
	}
	if ms.TotalAlloc < 256<<20 {
		return fmt.Errorf("TotalAlloc = %d", ms.TotalAlloc)
	}
	fmt.Printf("runtime: %d GC cycles, %d MiB allocated in total, heap %d MiB\n",
		ms.NumGC, ms.TotalAlloc>>20, ms.HeapAlloc>>20)

	if msg := catch(func() { panic("x") }); msg != "x" {
		return fmt.Errorf("recover gave %q", msg)
	}
	if !strings.HasPrefix(runtime.Version(), "go") {
		return fmt.Errorf("runtime.Version() = %q", runtime.Version())
	}
	return nil
}

func catch(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

// testPanic panics without recovering. The runtime prints "panic: boom"
// and a traceback naming panicNow, then exits with status 2, which
// exit_group turns into the fail code; the host test expects all of it.
func testPanic() error {
	panicNow()
	return errors.New("the panic returned")
}

//go:noinline
func panicNow() {
	panic("boom")
}

func testGoroutines() error {
	// 10,000 goroutines in pairs, each pair ping-ponging a counter; all
	// at once, or in waves as many as the machine's memory holds.
	const pairs, rounds = 5000, 10
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	wave := fitRAM(pairs)
	for p := 0; p < pairs; p++ {
		if p%wave == 0 {
			wg.Wait()
		}
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
