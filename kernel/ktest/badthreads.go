package ktest

import (
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"gokernel/kernel/ktest/sysfuzz"
	"gokernel/kernel/linux"
)

// Bad calls on threads (issue 18, bugs 2 and 8, and the signal mask a
// clone keeps): regressions of badcalls.go.

// noTLS is a canonical user address with nothing mapped: a valid FS base
// that points at nothing.
const noTLS = 0x10000

// nonCanonical are FS bases no thread may have: WRMSR of one raises #GP
// on real hardware.
var nonCanonical = []uintptr{0x0000_8000_0000_0000, 0xffff_8000_0000_0000, 0x7fff_ffff_f000, ^uintptr(0)}

// testBadFS: arch_prctl(ARCH_SET_FS, 0x10000) is accepted, as on Linux;
// the kernel once read g from FS:-8 on every entry (the ABI0 wrapper of
// its dispatch function), so the thread's next system call or interrupt
// faulted in ring 0, again and again. Non-canonical bases are refused by
// arch_prctl and clone(CLONE_SETTLS) with EPERM, as Linux's
// do_arch_prctl_64 refuses bases at or above TASK_SIZE_MAX.
func testBadFS() error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	setErr, pid, fsAfter := withFS(noTLS)
	if setErr != 0 {
		return fmt.Errorf("arch_prctl(ARCH_SET_FS, %#x) = %d, want 0", noTLS, int(setErr))
	}
	if pid != 1 || fsAfter != noTLS {
		return fmt.Errorf("with FS at %#x: getpid %d (want 1), FS read back %#x", noTLS, pid, fsAfter)
	}
	for _, fs := range nonCanonical {
		if _, _, e := syscall.RawSyscall(linux.SYS_ARCH_PRCTL, linux.ARCH_SET_FS, fs, 0); e != syscall.EPERM {
			return fmt.Errorf("arch_prctl(ARCH_SET_FS, %#x): %v, want EPERM", fs, e)
		}
		const flags = linux.CLONE_VM | linux.CLONE_FS | linux.CLONE_FILES | linux.CLONE_SIGHAND |
			linux.CLONE_SYSVSEM | linux.CLONE_THREAD | linux.CLONE_SETTLS
		if tid := sysfuzz.CloneExit(flags, 0, fs, 0); syscall.Errno(-tid) != syscall.EPERM {
			return fmt.Errorf("clone(CLONE_SETTLS, tls %#x) = %d, want -EPERM", fs, int(tid))
		}
	}
	if err := alive(); err != nil {
		return err
	}
	fmt.Printf("badfs: system calls, a yield and timer ticks with FS at %#x; non-canonical bases refused\n", noTLS)
	return nil
}

// testBadFSFault reads TLS through an FS base that points at nothing. The
// fault is the thread's: SIGSEGV, whose handler faults the same way; the
// second SIGSEGV is blocked, so the program dies, as on Linux. It never
// returns.
func testBadFSFault() error {
	runtime.LockOSThread()
	faultWithFS(noTLS)
	return fmt.Errorf("read through FS at %#x did not fault", noTLS)
}

// testCloneMask blocks SIGUSR1 and SIGUSR2 in this thread, clones a thread
// that reports its own mask, and restores the mask. Linux's new thread
// keeps its parent's mask (the Go runtime blocks every signal around its
// clone so that none reaches a thread without a signal stack); the kernel
// once started every thread with nothing blocked.
func testCloneMask() error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	const usr = 1<<(10-1) | 1<<(12-1)
	set, old := uint64(usr), uint64(0)
	if _, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, linux.SIG_BLOCK, uintptr(unsafe.Pointer(&set)), uintptr(unsafe.Pointer(&old)), 8, 0, 0); e != 0 {
		return fmt.Errorf("rt_sigprocmask: %v", e)
	}
	child := new(uint64)
	*child = 1 << 63 // not a mask: the child has not written yet
	const flags = linux.CLONE_VM | linux.CLONE_FS | linux.CLONE_FILES | linux.CLONE_SIGHAND | linux.CLONE_SYSVSEM | linux.CLONE_THREAD
	tid := cloneMask(flags, uintptr(unsafe.Pointer(child)))
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, linux.SIG_SETMASK, uintptr(unsafe.Pointer(&old)), 0, 8, 0, 0)
	if int(tid) < 0 {
		return fmt.Errorf("clone: %v", syscall.Errno(-tid))
	}
	for i := 0; i < 1000 && atomic.LoadUint64(child) == 1<<63; i++ {
		time.Sleep(time.Millisecond)
	}
	if got := atomic.LoadUint64(child); got&usr != usr {
		return fmt.Errorf("the new thread's signal mask is %#x, want SIGUSR1 and SIGUSR2 (%#x) blocked as in its parent", got, usr)
	}
	fmt.Println("clonemask: a new thread keeps its parent's signal mask")
	return nil
}

// testManyThreads locks 200 goroutines to threads of their own, more than
// the kernel's thread table holds (the host test also boots it with
// GOMAXPROCS=1000, which asks for as many). prlimit64 reports the limit as
// RLIMIT_NPROC; clone beyond it fails with EAGAIN, which the kernel says
// once, and the runtime, as on Linux at that limit, reports "failed to
// create new OS thread" and dies. It never returns.
func testManyThreads() error {
	var rl [2]uint64
	if _, _, e := syscall.RawSyscall6(syscall.SYS_PRLIMIT64, 0, linux.RLIMIT_NPROC, 0, uintptr(unsafe.Pointer(&rl)), 0, 0); e != 0 {
		return fmt.Errorf("prlimit64(RLIMIT_NPROC): %v", e)
	}
	fmt.Printf("manythreads: RLIMIT_NPROC is %d, %d\n", rl[0], rl[1])
	block := make(chan struct{})
	for i := 0; i < 200; i++ {
		go func() {
			runtime.LockOSThread()
			<-block
		}()
	}
	time.Sleep(5 * time.Second)
	return errors.New("200 threads were made: the limit was not reached")
}
