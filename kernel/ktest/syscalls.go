package ktest

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"gokernel/kernel/kcall"
	"gokernel/kernel/linux"
	"gokernel/kernel/sys"
)

// System-call tests: what the personality does with calls it lacks, with
// bad arguments, and which calls the runtime made.

func init() {
	later(func() {
		register("system calls",
			Test{Name: "enosys", Run: testEnosys, Note: "unknown system calls fail with ENOSYS and are logged once per number"},
			Test{Name: "badcalls", Run: testBadCalls, Note: "bad pointers give EFAULT, unknown operations EINVAL or ENOSYS"},
			Test{Name: "syscalls", Run: testSyscalls, Note: "the system calls the runtime made, by number, with their results"},
		)
	})
}

// testEnosys makes system calls the personality does not serve: a real
// Linux call the kernel lacks (afs_syscall, 183, which no Linux serves
// either) and numbers past every table, below and above the counted range
// (512), each twice. Each must fail with ENOSYS; the kernel logs one line
// per number, which the host test checks.
func testEnosys() error {
	for _, nr := range []uintptr{183, 999, 183, 999, 100000, 100000} {
		if _, _, e := syscall.RawSyscall(nr, 0, 0, 0); e != syscall.ENOSYS {
			return fmt.Errorf("system call %d returned errno %d (%v), want ENOSYS", nr, int(e), e)
		}
	}
	return nil
}

// testBadCalls makes system calls with bad arguments: each must fail with
// the errno Linux gives, never fault the kernel; the unsupported operations
// also log one line each, which the host test checks.
func testBadCalls() error {
	var ts syscall.Timespec
	good := uintptr(unsafe.Pointer(&ts))
	epfd, err := syscall.EpollCreate1(0)
	if err != nil {
		return fmt.Errorf("epoll_create1: %v", err)
	}
	defer syscall.Close(epfd)
	efd, _, e := syscall.Syscall(syscall.SYS_EVENTFD2, 0, 0, 0)
	if e != 0 {
		return fmt.Errorf("eventfd2: %v", e)
	}
	defer syscall.Close(int(efd))
	mapped, err := syscall.Mmap(-1, 0, 4096, syscall.PROT_READ, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return fmt.Errorf("mmap: %v", err)
	}
	defer syscall.Munmap(mapped)
	pg := uintptr(unsafe.Pointer(&mapped[0]))
	var ts2 [2]int64 // a timespec the cases below fill in
	tsp := uintptr(unsafe.Pointer(&ts2))
	var rl [2]uint64 // struct rlimit
	rlp := uintptr(unsafe.Pointer(&rl))
	var wrong []string
	for _, c := range []struct {
		what string
		nr   uintptr
		a    [6]uintptr
		ts   [2]int64 // written to ts2 first
		want syscall.Errno
	}{
		{"write from an unmapped buffer", syscall.SYS_WRITE, [6]uintptr{1, 0xdead0000, 16}, [2]int64{}, syscall.EFAULT},
		{"write from kernel memory", syscall.SYS_WRITE, [6]uintptr{1, 0xffff800000100000, 16}, [2]int64{}, syscall.EFAULT},
		{"write of a buffer running past user space", syscall.SYS_WRITE, [6]uintptr{1, 0x7fffffffe000, 1 << 20}, [2]int64{}, syscall.EFAULT},
		{"write with a wrapping length", syscall.SYS_WRITE, [6]uintptr{1, good, ^uintptr(0) - 8}, [2]int64{}, syscall.EFAULT},
		{"clock_gettime into page 0", syscall.SYS_CLOCK_GETTIME, [6]uintptr{1, 8}, [2]int64{}, syscall.EFAULT},
		{"clock_gettime into read-only text", syscall.SYS_CLOCK_GETTIME, [6]uintptr{1, funcAddr()}, [2]int64{}, syscall.EFAULT},
		{"nanosleep with a bad timespec", syscall.SYS_NANOSLEEP, [6]uintptr{0xdead0000}, [2]int64{}, syscall.EFAULT},
		{"futex on an unmapped word", syscall.SYS_FUTEX, [6]uintptr{0xdead0000}, [2]int64{}, syscall.EFAULT},
		{"futex with an unknown op", syscall.SYS_FUTEX, [6]uintptr{good, 77}, [2]int64{}, syscall.ENOSYS},
		{"clone without CLONE_VM (a fork)", syscall.SYS_CLONE, [6]uintptr{}, [2]int64{}, syscall.EINVAL},
		{"epoll_ctl with an unknown op", syscall.SYS_EPOLL_CTL, [6]uintptr{uintptr(epfd), 99, efd, good}, [2]int64{}, syscall.EINVAL},
		{"mmap of a file", syscall.SYS_MMAP, [6]uintptr{0, 4096, syscall.PROT_READ, syscall.MAP_PRIVATE}, [2]int64{}, syscall.ENODEV},
		{"munmap of an unaligned address", syscall.SYS_MUNMAP, [6]uintptr{0x10001, 4096}, [2]int64{}, syscall.EINVAL},
		{"read from a closed descriptor", syscall.SYS_READ, [6]uintptr{63, good, 8}, [2]int64{}, syscall.EBADF},

		// Issue 18, bug 6: clock_nanosleep's timespec is checked as
		// Linux's timespec64_valid does, for absolute times too.
		{"clock_nanosleep, absolute, nsec 1e9", syscall.SYS_CLOCK_NANOSLEEP, [6]uintptr{1, 1, tsp}, [2]int64{1, 1_000_000_000}, syscall.EINVAL},
		{"clock_nanosleep, absolute, nsec -1", syscall.SYS_CLOCK_NANOSLEEP, [6]uintptr{1, 1, tsp}, [2]int64{1, -1}, syscall.EINVAL},
		{"clock_nanosleep, absolute realtime, nsec 1e9", syscall.SYS_CLOCK_NANOSLEEP, [6]uintptr{0, 1, tsp}, [2]int64{1, 1_000_000_000}, syscall.EINVAL},
		{"clock_nanosleep, absolute, negative seconds", syscall.SYS_CLOCK_NANOSLEEP, [6]uintptr{1, 1, tsp}, [2]int64{-1, 0}, syscall.EINVAL},
		{"clock_nanosleep, relative, nsec 1e9", syscall.SYS_CLOCK_NANOSLEEP, [6]uintptr{1, 0, tsp}, [2]int64{0, 1_000_000_000}, syscall.EINVAL},
		{"clock_nanosleep, unknown flags", syscall.SYS_CLOCK_NANOSLEEP, [6]uintptr{1, 2, tsp}, [2]int64{0, 1}, 0},

		// Issue 18, bug 7: errno parity with Linux.
		{"futex wait on a misaligned word", syscall.SYS_FUTEX, [6]uintptr{good + 1, 0, 0}, [2]int64{}, syscall.EINVAL},
		{"futex wait on a misaligned unmapped word", syscall.SYS_FUTEX, [6]uintptr{0xdead0001, 0, 0}, [2]int64{}, syscall.EINVAL},
		{"futex wake on a misaligned word", syscall.SYS_FUTEX, [6]uintptr{good + 2, 1, 1}, [2]int64{}, syscall.EINVAL},
		{"prlimit64 of a process that does not exist", syscall.SYS_PRLIMIT64, [6]uintptr{12345, 7, 0, rlp}, [2]int64{}, syscall.ESRCH},
		{"prlimit64 of an unknown resource", syscall.SYS_PRLIMIT64, [6]uintptr{0, 99, 0, rlp}, [2]int64{}, syscall.EINVAL},
		{"prlimit64 with an unreadable new limit", syscall.SYS_PRLIMIT64, [6]uintptr{0, 7, 0xdead0000, 0}, [2]int64{}, syscall.EFAULT},
		{"prlimit64 with an unwritable old limit", syscall.SYS_PRLIMIT64, [6]uintptr{0, 7, 0, funcAddr()}, [2]int64{}, syscall.EFAULT},
		{"prlimit64 with cur above max", syscall.SYS_PRLIMIT64, [6]uintptr{0, 7, tsp, 0}, [2]int64{10, 5}, syscall.EINVAL},
		{"getrandom with an unknown flag", linux.SYS_GETRANDOM, [6]uintptr{good, 8, 8}, [2]int64{}, syscall.EINVAL},
		{"getrandom with GRND_RANDOM|GRND_INSECURE", linux.SYS_GETRANDOM, [6]uintptr{good, 8, 6}, [2]int64{}, syscall.EINVAL},
		{"epoll_wait with maxevents above INT_MAX/12", syscall.SYS_EPOLL_WAIT, [6]uintptr{uintptr(epfd), good, 0x7fffffff/12 + 1, 0}, [2]int64{}, syscall.EINVAL},
		{"epoll_pwait with maxevents above INT_MAX/12", syscall.SYS_EPOLL_PWAIT, [6]uintptr{uintptr(epfd), good, 0x7fffffff/12 + 1, 0}, [2]int64{}, syscall.EINVAL},
		// Found by the system-call fuzzer: Linux's mprotect and madvise
		// checks (mm/mprotect.c, mm/madvise.c).
		{"mprotect with a length that rounds past the end", syscall.SYS_MPROTECT, [6]uintptr{pg, ^uintptr(0) - 100, syscall.PROT_READ}, [2]int64{}, syscall.ENOMEM},
		{"madvise of unmapped memory", syscall.SYS_MADVISE, [6]uintptr{0xf0000, 0x1d, 1}, [2]int64{}, syscall.ENOMEM},
		{"madvise(DONTNEED) of unmapped memory", syscall.SYS_MADVISE, [6]uintptr{0x5000_0000_0000, 4096, 4}, [2]int64{}, syscall.ENOMEM},
		{"madvise with unknown advice", syscall.SYS_MADVISE, [6]uintptr{pg, 4096, 99}, [2]int64{}, syscall.EINVAL},
		{"madvise with a length that rounds past the end", syscall.SYS_MADVISE, [6]uintptr{pg, ^uintptr(0) - 100, 4}, [2]int64{}, syscall.EINVAL},
		{"madvise(MADV_HWPOISON)", syscall.SYS_MADVISE, [6]uintptr{pg, 4096, 100}, [2]int64{}, syscall.EPERM},
		{"madvise of mapped memory, length 0", syscall.SYS_MADVISE, [6]uintptr{pg, 0, 4}, [2]int64{}, 0},
		{"epoll_wait with events past user space", syscall.SYS_EPOLL_WAIT, [6]uintptr{uintptr(epfd), 0x7fff_ffff_f000 - 12, 2, 0}, [2]int64{}, syscall.EFAULT},
	} {
		ts2 = c.ts
		_, _, e := syscall.Syscall6(c.nr, c.a[0], c.a[1], c.a[2], c.a[3], c.a[4], c.a[5])
		if e != c.want {
			wrong = append(wrong, fmt.Sprintf("%s: errno %d (%v), want %d (%v)", c.what, int(e), e, int(c.want), c.want))
		}
	}
	wrong = append(wrong, hugeSleeps()...)
	wrong = append(wrong, altStacks()...)
	if len(wrong) > 0 {
		return fmt.Errorf("%d calls went wrong:\n  %s", len(wrong), strings.Join(wrong, "\n  "))
	}
	// munmap of a range nobody mapped succeeds, as on Linux.
	if _, _, e := syscall.Syscall(syscall.SYS_MUNMAP, 0x5000_0000_0000, 1<<20, 0); e != 0 {
		return fmt.Errorf("munmap of an unmapped range: %v", e)
	}
	// A context deadline still fires after all that.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	<-ctx.Done()
	if ctx.Err() != context.DeadlineExceeded {
		return fmt.Errorf("context: %v", ctx.Err())
	}
	fmt.Println("badcalls: every bad call failed with its errno; the kernel is fine")
	return nil
}

// hugeSleeps checks that sleeps until the far future do sleep (issue 18,
// bug 6): seconds near the top of int64 once overflowed into an instant
// that had passed, so the calls returned at once. Each runs on a thread
// of its own, which stays asleep until the test ends.
func hugeSleeps() (wrong []string) {
	const maxSec = 1<<63 - 1
	for _, c := range []struct {
		what       string
		nr         uintptr
		clk, flags uintptr
		sec        int64
	}{
		{"clock_nanosleep, absolute monotonic, huge seconds", syscall.SYS_CLOCK_NANOSLEEP, 1, 1, maxSec},
		{"clock_nanosleep, absolute realtime, huge seconds", syscall.SYS_CLOCK_NANOSLEEP, 0, 1, maxSec},
		{"clock_nanosleep, absolute realtime, seconds past the int64 nanoseconds", syscall.SYS_CLOCK_NANOSLEEP, 0, 1, 1 << 40},
		{"clock_nanosleep, relative, huge seconds", syscall.SYS_CLOCK_NANOSLEEP, 1, 0, maxSec},
		{"nanosleep, huge seconds", syscall.SYS_NANOSLEEP, 0, 0, maxSec},
	} {
		done := make(chan syscall.Errno, 1)
		go func() {
			ts := [2]int64{c.sec, 999_999_999}
			p := uintptr(unsafe.Pointer(&ts))
			var e syscall.Errno
			if c.nr == syscall.SYS_NANOSLEEP {
				_, _, e = syscall.Syscall(c.nr, p, 0, 0)
			} else {
				_, _, e = syscall.Syscall6(c.nr, c.clk, c.flags, p, 0, 0, 0)
			}
			done <- e
		}()
		select {
		case e := <-done:
			wrong = append(wrong, fmt.Sprintf("%s: returned (errno %d) instead of sleeping", c.what, int(e)))
		case <-time.After(50 * time.Millisecond):
		}
	}
	return wrong
}

// altStacks checks sigaltstack as Linux's do_sigaltstack does (found by
// the system-call fuzzer, which once gave a thread a zero-sized stack the
// kernel accepted, and the runtime's next signal wedged it): a stack below
// MINSIGSTKSZ is ENOMEM; the mode SS_ONSTACK is accepted like 0. It swaps
// this thread's stack with all signals blocked and puts the old one back.
func altStacks() (wrong []string) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	all, mask := ^uint64(0), uint64(0)
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, linux.SIG_BLOCK, uintptr(unsafe.Pointer(&all)), uintptr(unsafe.Pointer(&mask)), 8, 0, 0)
	defer syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, linux.SIG_SETMASK, uintptr(unsafe.Pointer(&mask)), 0, 8, 0, 0)
	var old, cur linux.StackT
	buf := make([]byte, 64<<10)
	call := func(ss, oss *linux.StackT) syscall.Errno {
		_, _, e := syscall.RawSyscall(syscall.SYS_SIGALTSTACK, uintptr(unsafe.Pointer(ss)), uintptr(unsafe.Pointer(oss)), 0)
		return e
	}
	if e := call(nil, &old); e != 0 {
		return []string{fmt.Sprintf("sigaltstack(NULL, &old): %v", e)}
	}
	small := linux.StackT{SP: uint64(uintptr(unsafe.Pointer(&buf[0]))), Size: 100}
	if e := call(&small, nil); e != syscall.ENOMEM {
		wrong = append(wrong, fmt.Sprintf("sigaltstack with a 100-byte stack: errno %d (%v), want ENOMEM", int(e), e))
	}
	onstack := linux.StackT{SP: small.SP, Flags: linux.SS_ONSTACK, Size: uint64(len(buf))}
	if e := call(&onstack, nil); e != 0 {
		wrong = append(wrong, fmt.Sprintf("sigaltstack with mode SS_ONSTACK: errno %d (%v), want success", int(e), e))
	} else if call(nil, &cur); cur.SP != onstack.SP || cur.Size != onstack.Size || cur.Flags != 0 {
		wrong = append(wrong, fmt.Sprintf("after sigaltstack with mode SS_ONSTACK: %+v", cur))
	}
	if old.Flags&linux.SS_DISABLE == 0 {
		old.Flags = 0
	}
	if e := call(&old, nil); e != 0 {
		wrong = append(wrong, fmt.Sprintf("putting the runtime's signal stack back: %v", e))
	}
	runtime.KeepAlive(buf)
	return wrong
}

//go:noinline
func funcAddr() uintptr {
	f := testBadCalls
	return **(**uintptr)(unsafe.Pointer(&f))
}

// testSyscalls runs a small workload (goroutines, channels, timers, the
// garbage collector, fmt) and prints the system calls the Go runtime made
// since boot: one line per call number with its count and results. It
// fails if the runtime made a call the personality's table does not list,
// naming it: that is how a new Go release's new needs show up.
func testSyscalls() error {
	var wg sync.WaitGroup
	ch := make(chan int)
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); ch <- 1 }()
	}
	go func() { wg.Wait(); close(ch) }()
	for range ch {
	}
	time.Sleep(20 * time.Millisecond)
	<-time.After(time.Millisecond)
	garbage := make([][]byte, 0)
	for i := 0; i < 2000; i++ {
		garbage = append(garbage, make([]byte, 4096))
	}
	runtime.GC()
	_ = fmt.Sprint(len(garbage))

	counts, err := kcall.ReadSyscallCounts()
	if err != nil {
		return fmt.Errorf("reading the counts: %v", err)
	}
	var nrs []int
	for nr := range counts {
		if counts[nr].Calls > 0 {
			nrs = append(nrs, nr)
		}
	}
	sort.Ints(nrs)
	fmt.Printf("syscalls: %s, %d kinds of system call since boot\n", runtime.Version(), len(nrs))
	var unlisted []string
	for _, nr := range nrs {
		c := &counts[nr]
		name := linux.SyscallName(uint64(nr))
		switch {
		case nr == sys.PrivateSlot:
			name = "gokernel (private)"
		case nr == sys.HighSlot:
			name = fmt.Sprintf("#%d and up", nr)
		case name == "":
			name = fmt.Sprintf("#%d", nr)
		}
		var res []string
		if c.OK > 0 {
			res = append(res, fmt.Sprintf("ok=%d", c.OK))
		}
		for i, e := range c.Errno {
			if e != 0 {
				res = append(res, fmt.Sprintf("%s=%d", errnoName(e), c.ErrN[i]))
			}
		}
		if c.Other > 0 {
			res = append(res, fmt.Sprintf("other-errors=%d", c.Other))
		}
		mark := ""
		if !sys.Listed(nr) && nr != sys.PrivateSlot {
			mark = " UNLISTED"
			unlisted = append(unlisted, fmt.Sprintf("%d (%s)", nr, name))
		}
		fmt.Printf("syscall %3d %-18s %6d %s%s\n", nr, name, c.Calls, strings.Join(res, " "), mark)
	}
	if len(unlisted) > 0 {
		return fmt.Errorf("the runtime made system calls the personality does not list: %s", strings.Join(unlisted, ", "))
	}
	return nil
}

func errnoName(e uint16) string {
	names := map[syscall.Errno]string{syscall.ENOENT: "ENOENT", syscall.EINVAL: "EINVAL",
		syscall.EAGAIN: "EAGAIN", syscall.ENOSYS: "ENOSYS", syscall.ETIMEDOUT: "ETIMEDOUT",
		syscall.EBADF: "EBADF", syscall.EFAULT: "EFAULT", syscall.ENOMEM: "ENOMEM",
		syscall.EPERM: "EPERM", syscall.ESRCH: "ESRCH", syscall.EEXIST: "EEXIST", syscall.EINTR: "EINTR"}
	if n, ok := names[syscall.Errno(e)]; ok {
		return n
	}
	return fmt.Sprintf("errno%d", e)
}
