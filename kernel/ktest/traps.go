package ktest

import (
	"errors"
	"fmt"
	"gokernel/arch"
	"gokernel/kernel/kcall"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// Trap tests: faults in Go code become the runtime's panics through signal
// delivery, as on Linux.

func init() {
	later(func() {
		register("traps",
			Test{Name: "breakpoint", Run: testBreakpoint, Note: "int3 in Go code is reported and execution resumes, twice"},
			Test{Name: "nilderef", Run: testNilDeref, Note: "a nil dereference in a goroutine is a recovered runtime panic"},
			Test{Name: "divzero", Run: testDivZero, Note: "integer division by zero, by #DE and by Go's check, is a recovered panic"},
			Test{Name: "exceptions", Run: testExceptions, Note: "#DE, #PF at a bad address, #GP, #BP from Go code, one after another"},
			Test{Name: "invalidopcode", Run: testInvalidOpcode, Outcome: Fails, Note: "ud2 ends in the runtime's fatal SIGILL report and the fail exit"},
		)
	})
}

// Implemented in traps_amd64.s: instructions Go code never emits.
func hwDivide(a, b uint64) uint64
func ud2()
func int3()

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

// testBreakpoint hits int3 twice: the kernel reports each (the host test
// checks the lines) and resumes after it; the kernel's breakpoint count
// must grow by exactly two, and the code after each int3 must run.
func testBreakpoint() error {
	before, err := kcall.ReadStats()
	if err != nil {
		return err
	}
	resumed := 0
	for i := 0; i < 2; i++ {
		int3()
		resumed++
	}
	after, err := kcall.ReadStats()
	if err != nil {
		return err
	}
	if n := after.Breakpoints - before.Breakpoints; n != 2 || resumed != 2 {
		return fmt.Errorf("%d breakpoints reported by the kernel, %d resumptions; want 2 and 2", n, resumed)
	}
	fmt.Printf("breakpoint: %d reported, resumed %d times\n", after.Breakpoints-before.Breakpoints, resumed)
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
		{"#PF at 0xdead0000", func() { _ = *(*int)(arch.Ptr(0xdead0000)) }, mem},
		{"#GP at a non-canonical address", func() { _ = *(*int)(arch.Ptr(1 << 63)) }, mem},
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
