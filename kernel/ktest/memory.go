package ktest

import (
	"errors"
	"fmt"
	"runtime"
	"syscall"
)

// Memory tests: the garbage collector in little RAM, running out of it,
// and reservations that cost nothing. make test runs them with -m 64M, but
// test=gc with 128M where there is more than one CPU (tools/boottest,
// smpMemory, says why).

func init() {
	later(func() {
		register("memory",
			Test{Name: "gc", Run: testGC, Note: "1 GiB of garbage in 64 MiB with a bounded heap"},
			Test{Name: "oom", Run: testOOM, Outcome: Fails, Note: "allocating past RAM ends in the runtime's out-of-memory error"},
			Test{Name: "reserve", Run: testReserve, Note: "a 1 GiB PROT_NONE reservation in 64 MiB"},
		)
	})
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
	// With one CPU the pacer keeps the heap near its goal all along. With
	// more, the bound holds only while every CPU runs: the background
	// mark worker has a CPU of its own, and when QEMU's thread for that
	// CPU waits for the host (more virtual CPUs than host cores), the
	// allocating CPU outruns the cycle and the heap grows (Go on Linux
	// does the same with GOMAXPROCS above the cores). Then what must hold
	// is that the garbage is reclaimed: a collection leaves it small.
	if ms.HeapInuse > 16<<20 && runtime.NumCPU() == 1 {
		return fmt.Errorf("heap in use %d MiB: not bounded", ms.HeapInuse>>20)
	}
	sinkBytes = nil
	runtime.GC()
	runtime.ReadMemStats(&ms)
	fmt.Printf("gc: after a collection, heap in use %d MiB\n", ms.HeapInuse>>20)
	if ms.HeapInuse > 16<<20 {
		return fmt.Errorf("heap in use %d MiB after a collection: the garbage was not reclaimed", ms.HeapInuse>>20)
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
