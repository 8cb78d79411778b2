package main

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"gokernel/kernel/pit"
)

// Trap tests: faults in Go code become the runtime's panics through signal
// delivery; faults in the kernel are reported and stop the machine.

func hwDivide(a, b uint64) uint64
func ud2()

// inGoroutine runs f in a new goroutine and returns what it panicked with.
func inGoroutine(f func()) (msg string) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer func() {
			if r := recover(); r != nil {
				msg = fmt.Sprint(r)
			}
		}()
		f()
	}()
	wg.Wait()
	return msg
}

func expectPanic(what, got, want string) error {
	if got == "" {
		return fmt.Errorf("%s: no panic", what)
	}
	if !strings.Contains(got, want) {
		return fmt.Errorf("%s: panic %q, want %q", what, got, want)
	}
	fmt.Printf("%s: recovered %q\n", what, got)
	return nil
}

func testBreakpoint() error {
	for i := 0; i < 2; i++ {
		int3()
	}
	fmt.Println("breakpoint: resumed twice")
	return nil
}

var nilPtr *int

func testNilDeref() error {
	return expectPanic("nil dereference", inGoroutine(func() { _ = *nilPtr }),
		"runtime error: invalid memory address or nil pointer dereference")
}

func testDivZero() error {
	zero := uint64(0)
	if err := expectPanic("DIVQ by zero (#DE)", inGoroutine(func() { hwDivide(1, zero) }),
		"runtime error: integer divide by zero"); err != nil {
		return err
	}
	z := int(zero)
	return expectPanic("Go division by zero", inGoroutine(func() { _ = 1 / z }),
		"runtime error: integer divide by zero")
}

// testExceptions raises #DE, #PF at a non-nil address, #GP and #BP from Go
// code in turn. As on Linux, a fault at an address that is not nil becomes
// a recoverable panic only with debug.SetPanicOnFault; otherwise the
// runtime calls it a fatal "unexpected fault address".
func testExceptions() error {
	zero := uint64(0)
	const mem = "runtime error: invalid memory address or nil pointer dereference"
	for _, c := range []struct {
		what string
		f    func()
		want string
	}{
		{"#DE", func() { hwDivide(7, zero) }, "runtime error: integer divide by zero"},
		{"#PF at 0xdead0000", func() { _ = *(*int)(unsafe.Pointer(uintptr(0xdead0000))) }, mem},
		{"#GP at a non-canonical address", func() { _ = *(*int)(unsafe.Pointer(uintptr(1 << 63))) }, mem},
	} {
		f := c.f
		faulty := func() {
			debug.SetPanicOnFault(true) // per goroutine
			f()
		}
		if err := expectPanic(c.what, inGoroutine(faulty), c.want); err != nil {
			return err
		}
	}
	int3()
	// Still alive: goroutines, allocation, timers.
	ch := make(chan int)
	go func() { time.Sleep(time.Millisecond); ch <- 42 }()
	if <-ch != 42 {
		return errors.New("the kernel is not alive after the exceptions")
	}
	fmt.Println("exceptions: alive after #DE, #PF, #GP and #BP")
	return nil
}

func testInvalidOpcode() error {
	ud2()
	return errors.New("ud2 returned")
}

// testTicks compares the PIT tick counter with the TSC clock over 200 ms.
func testTicks() error {
	t0, n0 := time.Now(), pit.Ticks()
	time.Sleep(200 * time.Millisecond)
	elapsed, n := time.Since(t0), pit.Ticks()-n0
	byTicks := time.Duration(n) * time.Second / time.Duration(pit.Hz())
	ratio := float64(byTicks) / float64(elapsed)
	fmt.Printf("ticks: %d ticks at %d Hz = %v; TSC clock %v; ratio %.4f\n", n, pit.Hz(), byTicks, elapsed, ratio)
	if elapsed < 200*time.Millisecond {
		return fmt.Errorf("time.Sleep(200ms) returned after %v", elapsed)
	}
	if ratio < 0.95 || ratio > 1.05 {
		return fmt.Errorf("tick counter and TSC clock disagree by more than 5%%: ratio %.4f", ratio)
	}
	// Tickless idle at its worst moment: the tick stopped while a tick
	// is pending, then a one-shot that runs out. The count must follow
	// the clock within two ticks.
	for _, full := range []uintptr{0, 1} {
		n, ns, e := syscall.Syscall(sysGokernel, opTestTickRace, full, 0)
		if e != 0 {
			return fmt.Errorf("tick race: errno %d", e)
		}
		byTicks := time.Duration(n) * time.Second / time.Duration(pit.Hz())
		fmt.Printf("ticks: tick stopped with one pending (one-shot run out: %v): %d ticks = %v; TSC clock %v\n",
			full == 1, n, byTicks, time.Duration(ns))
		if d := byTicks - time.Duration(ns); d > 2*time.Millisecond || d < -2*time.Millisecond {
			return fmt.Errorf("after stopping the tick with one pending, the tick count is %v off the clock", d)
		}
	}
	return nil
}

// Kernel faults, through the gokernel system call's test operations: none
// returns, the kernel reports and stops with the fail status.

func gokernelTest(op uintptr) error {
	_, _, e := syscall.Syscall(sysGokernel, op, 0, 0)
	return fmt.Errorf("the kernel survived test operation %d (errno %d)", op, e)
}

func testKernelFault() error  { return gokernelTest(opTestPageFault) }
func testDoubleFault() error  { return gokernelTest(opTestStackOverfl) }
func testConsoleFault() error { return gokernelTest(opTestConsoleHeld) }
func testFaultInFault() error { return gokernelTest(opTestFaultInRep) }

// testKernelInt3 hits int3 and an unhandled vector in ring 0: both are
// reported (the vector once) and the kernel carries on.
func testKernelInt3() error {
	for _, op := range []uintptr{opTestInt3, opTestBadVector, opTestBadVector} {
		if _, _, e := syscall.Syscall(sysGokernel, op, 0, 0); e != 0 {
			return fmt.Errorf("test operation %d: errno %d", op, e)
		}
	}
	fmt.Println("kernel int3: resumed")
	return nil
}
