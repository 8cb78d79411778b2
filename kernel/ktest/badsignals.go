package ktest

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"

	"gokernel/kernel/kcall"
)

// Bad returns to ring 3 (issue 18, bug 5): regressions of badcalls.go.

// testBadReturn makes a system call whose return to ring 3 faults in the
// kernel's IRETQ (the private call's test-bad-return, a stand-in for a
// non-canonical RIP on real CPUs, which QEMU does not check). The kernel
// once reported that as its own fault and stopped; it is the thread's,
// a SIGSEGV at the instruction after the SYSCALL, which
// debug.SetPanicOnFault makes a recoverable panic. RawSyscall: the runtime
// cannot panic inside syscall.Syscall's entersyscall.
func testBadReturn() error {
	msg := inGoroutine(func() {
		debug.SetPanicOnFault(true)
		syscall.RawSyscall6(kcall.Number, uintptr(kcall.TestBadReturn), 0, 0, 0, 0, 0)
	})
	if !strings.Contains(msg, "invalid memory address") {
		return fmt.Errorf("the faulting return gave %q, want a recovered memory fault", msg)
	}
	if err := alive(); err != nil {
		return err
	}
	fmt.Printf("badreturn: a faulting IRETQ became the thread's SIGSEGV: recovered %q\n", msg)
	return nil
}

// testBadSigreturn returns from a signal that never came, to a context
// whose RIP is not canonical. Linux restores it unchecked and the IRET to
// it raises #GP, which its fixup for a faulting return to user mode turns
// into SIGSEGV for the thread; the Go runtime cannot resume at such a PC
// and dies. The kernel once returned to it unchecked; on real CPUs the
// IRETQ faulted in ring 0.
func testBadSigreturn() error {
	runtime.LockOSThread()
	sigreturnTo(0x8000_0000_0000)
	return errors.New("rt_sigreturn returned")
}
