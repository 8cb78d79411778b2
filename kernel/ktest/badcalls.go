package ktest

import (
	"fmt"
	"runtime"
	"syscall"
	"time"

	"gokernel/kernel/linux"
)

// Implemented in badcalls_amd64.s.
func withFS(fs uintptr) (setErr, pid, fsAfter uintptr)
func faultWithFS(fs uintptr)
func cloneExit(flags, tls uintptr) (tid uintptr)

// Regression tests for calls that once hung, stopped or faulted the
// kernel (issue 18). Each is its own test so that one that hangs cannot
// hide another; each ends by checking that the kernel still answers.

func init() {
	register("system calls",
		Test{Name: "munmaplow", Run: testMunmapLow, Note: "munmap below the user minimum unmaps nothing there and returns 0"},
		Test{Name: "badfs", Run: testBadFS, Note: "a thread whose FS base points at nothing makes system calls and is switched; bad TLS addresses get EPERM"},
		Test{Name: "badfsfault", Run: testBadFSFault, Outcome: Fails, Note: "a thread that reads TLS through a bad FS base gets SIGSEGV, which kills the program as on Linux"},
	)
}

// alive checks that the kernel still schedules: a goroutine sleeps and
// answers on a channel.
func alive() error {
	ch := make(chan int)
	go func() { time.Sleep(2 * time.Millisecond); ch <- 42 }()
	select {
	case v := <-ch:
		if v != 42 {
			return fmt.Errorf("channel round trip gave %d", v)
		}
	case <-time.After(5 * time.Second):
		return fmt.Errorf("a sleeping goroutine did not wake within 5 s")
	}
	return nil
}

// mapPage maps n private anonymous bytes with prot.
func mapPage(n int, prot int) ([]byte, error) {
	return syscall.Mmap(-1, 0, n, prot, syscall.MAP_PRIVATE|syscall.MAP_ANON)
}

// testMunmapLow: munmap(0x10000, 4096) lies below the user minimum, where
// the kernel keeps no areas. Linux returns 0 and unmaps nothing there; the
// kernel once clamped the start up to the minimum, found the end below it,
// set the end to the user maximum and unmapped the whole address space.
func testMunmapLow() error {
	b, err := mapPage(4096, syscall.PROT_READ|syscall.PROT_WRITE)
	if err != nil {
		return err
	}
	b[0], b[4095] = 0x5a, 0xa5
	for _, c := range []struct{ addr, n uintptr }{
		{0x10000, 4096},
		{0x1000, 0x2000},
		{0, 4096},
	} {
		if _, _, e := syscall.Syscall(syscall.SYS_MUNMAP, c.addr, c.n, 0); e != 0 {
			return fmt.Errorf("munmap(%#x, %#x): %v, want success", c.addr, c.n, e)
		}
	}
	// Past the top of user space: EINVAL, as Linux's do_vmi_munmap.
	if _, _, e := syscall.Syscall(syscall.SYS_MUNMAP, 0x7fff_ffff_0000, 0x10000+4096, 0); e != syscall.EINVAL {
		return fmt.Errorf("munmap across the top of user space: %v, want EINVAL", e)
	}
	if b[0] != 0x5a || b[4095] != 0xa5 {
		return fmt.Errorf("a mapped page lost its contents: %#x %#x", b[0], b[4095])
	}
	if err := syscall.Munmap(b); err != nil {
		return err
	}
	if err := alive(); err != nil {
		return err
	}
	fmt.Println("munmaplow: munmap below the user minimum unmapped nothing; the kernel is fine")
	return nil
}

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
		if tid := cloneExit(flags, fs); syscall.Errno(-tid) != syscall.EPERM {
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
