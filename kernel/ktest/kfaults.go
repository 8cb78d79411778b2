package ktest

import (
	"fmt"

	"gokernel/kernel/kcall"
)

// Kernel-fault tests, through the private call's test operations: a fault
// in ring 0 is reported, with the instruction disassembled by the fault
// reporter, and stops the machine with the fail status (none of the
// operations returns); int3 and an unhandled vector in ring 0 are reported
// and the kernel carries on.

func init() {
	later(func() {
		register("kernel faults",
			Test{Name: "kernelfault", Run: testKernelFault, Outcome: Fails, Note: "a page fault in ring 0 prints the kernel report and fails"},
			Test{Name: "doublefault", Run: testDoubleFault, Outcome: Fails, Note: "a kernel stack overflow is caught on an IST stack as a double fault"},
			Test{Name: "consolefault", Run: testConsoleFault, Outcome: Fails, Note: "a fault while the console lock is held is still reported"},
			Test{Name: "faultinfault", Run: testFaultInFault, Outcome: Fails, Note: "a fault inside the fault handler ends in the double-fault report"},
			Test{Name: "kernelint3", Run: testKernelInt3, Note: "int3 in ring 0 resumes; an unhandled vector is reported once"},
			Test{Name: "lockorder", Run: testLockOrder, Outcome: Fails, Note: "a spin lock taken out of the lock order is reported, with the levels, and stops the kernel"},
			Test{Name: "lockswitch", Run: testLockSwitch, Outcome: Fails, Note: "a thread switch with the mm lock held is reported and stops the kernel"},
		)
	})
}

// faultTest makes test operation o, which must not return.
func faultTest(o kcall.Op) error {
	_, _, err := kcall.Test(o, 0)
	return fmt.Errorf("the kernel survived test operation %s (%v)", kcall.Name(o), err)
}

func testKernelFault() error  { return faultTest(kcall.TestPageFault) }
func testDoubleFault() error  { return faultTest(kcall.TestStackOverfl) }
func testConsoleFault() error { return faultTest(kcall.TestConsoleHeld) }
func testFaultInFault() error { return faultTest(kcall.TestFaultInRep) }
func testLockOrder() error    { return faultTest(kcall.TestLockOrder) }
func testLockSwitch() error   { return faultTest(kcall.TestLockSwitch) }

// testKernelInt3 hits int3 and, twice, an unhandled vector in ring 0: the
// kernel counts the breakpoint and reports the vector once (the host test
// checks the lines) and carries on.
func testKernelInt3() error {
	before, err := kcall.ReadStats()
	if err != nil {
		return err
	}
	for _, o := range []kcall.Op{kcall.TestInt3, kcall.TestBadVector, kcall.TestBadVector} {
		if _, _, err := kcall.Test(o, 0); err != nil {
			return fmt.Errorf("test operation %s: %v", kcall.Name(o), err)
		}
	}
	after, err := kcall.ReadStats()
	if err != nil {
		return err
	}
	if n := after.Breakpoints - before.Breakpoints; n != 1 {
		return fmt.Errorf("the kernel counted %d breakpoints in ring 0, want 1", n)
	}
	fmt.Println("kernel int3: resumed")
	return nil
}
