package ktest

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"gokernel/kernel/kcall"
	"gokernel/kernel/ktest/sysfuzz"
	"gokernel/kernel/linux"
)

// Implemented in badcalls_amd64.s.
func withFS(fs uintptr) (setErr, pid, fsAfter uintptr)
func faultWithFS(fs uintptr)
func sigreturnTo(rip uintptr)
func cloneMask(flags, mask uintptr) (tid uintptr)

// Regression tests for calls that once hung, stopped or faulted the
// kernel (issue 18). Each is its own test so that one that hangs cannot
// hide another; each ends by checking that the kernel still answers.

func init() {
	register("system calls",
		Test{Name: "munmaplow", Run: testMunmapLow, Note: "munmap below the user minimum unmaps nothing there and returns 0"},
		Test{Name: "badfs", Run: testBadFS, Note: "a thread whose FS base points at nothing makes system calls and is switched; bad TLS addresses get EPERM"},
		Test{Name: "rozero", Run: testROZero, Note: "reading 512 MiB of untouched read-only memory costs no frames; system calls keep off the last frames"},
		Test{Name: "bigmprotect", Run: testBigMprotect, Note: "mprotect and munmap of a 32 TiB reservation visit only the page tables that exist"},
		Test{Name: "badreturn", Run: testBadReturn, Note: "a return to ring 3 that faults in IRETQ is the thread's SIGSEGV, a recoverable panic here"},
		Test{Name: "badsigreturn", Run: testBadSigreturn, Outcome: Fails, Note: "rt_sigreturn to a non-canonical RIP is a SIGSEGV, which kills the program as on Linux"},
		Test{Name: "clonemask", Run: testCloneMask, Note: "a new thread keeps its parent's signal mask, as on Linux"},
		Test{Name: "manythreads", Run: testManyThreads, Outcome: Fails, Note: "more threads than the kernel's 128: clone fails with EAGAIN, said once, and the runtime reports it"},
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

// freeMiB returns the free memory the kernel reports, in MiB.
func freeMiB() (float64, error) {
	st, err := kcall.ReadStats()
	if err != nil {
		return 0, err
	}
	return float64(st.FreeFrames*4096) / (1 << 20), nil
}

// testROZero reads a 512 MiB PROT_READ mapping nobody wrote, half through
// system calls (rt_sigprocmask reads its set from each page) and half in
// Go code. Each page once got a frame, so in 64 MiB the next page fault
// stopped the machine ("out of memory"); now every page maps the shared
// zero page. Then system calls that write fresh pages (getrandom into a
// 128 MiB mapping) must stop at the low-water mark with EFAULT instead of
// taking the last frames.
func testROZero() error {
	const size, page = 512 << 20, 4096
	before, err := freeMiB()
	if err != nil {
		return err
	}
	ro, err := mapPage(size, syscall.PROT_READ)
	if err != nil {
		return err
	}
	base := uintptr(unsafe.Pointer(&ro[0]))
	for off := 0; off < size/2; off += page {
		if _, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, linux.SIG_BLOCK, base+uintptr(off), 0, 8, 0, 0); e != 0 {
			return fmt.Errorf("rt_sigprocmask reading %#x: %v", base+uintptr(off), e)
		}
	}
	var sum byte
	for off := size / 2; off < size; off += page {
		sum |= ro[off]
	}
	if sum != 0 {
		return errors.New("untouched read-only memory does not read as zero")
	}
	after, err := freeMiB()
	if err != nil {
		return err
	}
	// Page tables only: one per 2 MiB, 1 MiB in all.
	if used := before - after; used > 4 {
		return fmt.Errorf("reading 512 MiB of untouched memory used %.1f MiB", used)
	}
	fmt.Printf("rozero: 512 MiB of untouched read-only memory read, %.1f MiB used\n", before-after)

	// Writing through system calls stops at the low-water mark.
	rw, err := mapPage(128<<20, syscall.PROT_READ|syscall.PROT_WRITE)
	if err != nil {
		return err
	}
	var stopped syscall.Errno
	written := 0
	for off := 0; off < len(rw); off += 1 << 20 {
		n, _, e := syscall.RawSyscall(linux.SYS_GETRANDOM, uintptr(unsafe.Pointer(&rw[off])), 1<<20, 0)
		if e != 0 {
			stopped = e
			break
		}
		written += int(n)
	}
	low, _ := freeMiB()
	if stopped != syscall.EFAULT {
		return fmt.Errorf("getrandom into 128 MiB in a 64 MiB machine: %v after %d MiB, want EFAULT", stopped, written>>20)
	}
	// Some memory is left, and writable memory comes back with munmap.
	if err := syscall.Munmap(rw); err != nil {
		return err
	}
	if err := syscall.Munmap(ro); err != nil {
		return err
	}
	if err := alive(); err != nil {
		return err
	}
	fmt.Printf("rozero: getrandom stopped with EFAULT after %d MiB, %.1f MiB still free\n", written>>20, low)
	return nil
}

// testBigMprotect changes the protection of a 32 TiB reservation and
// unmaps it. The kernel once walked it page by page with interrupts off
// (8 G steps: minutes); now it visits only the page tables that exist.
func testBigMprotect() error {
	const size = 32 << 40
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
	if err != nil {
		return fmt.Errorf("mmap of 32 TiB PROT_NONE: %v", err)
	}
	// A few pages in use spread over it, so some page tables exist.
	for _, off := range []int{0, 4096, size / 2, size - 4096} {
		if err := syscall.Mprotect(b[off:off+4096], syscall.PROT_READ|syscall.PROT_WRITE); err != nil {
			return fmt.Errorf("mprotect of one page: %v", err)
		}
		b[off] = 1
	}
	start := time.Now()
	for _, prot := range []int{syscall.PROT_READ, syscall.PROT_NONE, syscall.PROT_READ} {
		if err := syscall.Mprotect(b, prot); err != nil {
			return fmt.Errorf("mprotect of 32 TiB to %d: %v", prot, err)
		}
	}
	if b[size/2] != 1 {
		return fmt.Errorf("a page lost its contents across mprotect: %d", b[size/2])
	}
	if err := syscall.Munmap(b); err != nil {
		return fmt.Errorf("munmap of 32 TiB: %v", err)
	}
	took := time.Since(start)
	if err := alive(); err != nil {
		return err
	}
	fmt.Printf("bigmprotect: 3 mprotects and a munmap of 32 TiB took %v\n", took.Round(time.Microsecond))
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
