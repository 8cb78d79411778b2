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
	register("system calls",
		Test{Name: "enosys", Run: testEnosys, Note: "unknown system calls fail with ENOSYS and are logged once per number"},
		Test{Name: "badcalls", Run: testBadCalls, Note: "bad pointers give EFAULT, unknown operations EINVAL or ENOSYS"},
		Test{Name: "syscalls", Run: testSyscalls, Note: "the system calls the runtime made, by number, with their results"},
	)
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
	for _, c := range []struct {
		what        string
		nr, a, b, d uintptr
		want        syscall.Errno
	}{
		{"write from an unmapped buffer", syscall.SYS_WRITE, 1, 0xdead0000, 16, syscall.EFAULT},
		{"write from kernel memory", syscall.SYS_WRITE, 1, 0xffff800000100000, 16, syscall.EFAULT},
		{"write of a buffer running past user space", syscall.SYS_WRITE, 1, 0x7fffffffe000, 1 << 20, syscall.EFAULT},
		{"write with a wrapping length", syscall.SYS_WRITE, 1, good, ^uintptr(0) - 8, syscall.EFAULT},
		{"clock_gettime into page 0", syscall.SYS_CLOCK_GETTIME, 1, 8, 0, syscall.EFAULT},
		{"clock_gettime into read-only text", syscall.SYS_CLOCK_GETTIME, 1, funcAddr(), 0, syscall.EFAULT},
		{"nanosleep with a bad timespec", syscall.SYS_NANOSLEEP, 0xdead0000, 0, 0, syscall.EFAULT},
		{"futex on an unmapped word", syscall.SYS_FUTEX, 0xdead0000, 0, 0, syscall.EFAULT},
		{"futex with an unknown op", syscall.SYS_FUTEX, good, 77, 0, syscall.ENOSYS},
		{"clone without CLONE_VM (a fork)", syscall.SYS_CLONE, 0, 0, 0, syscall.EINVAL},
		{"epoll_ctl with an unknown op", syscall.SYS_EPOLL_CTL, uintptr(epfd), 99, efd, syscall.EINVAL},
		{"mmap of a file", syscall.SYS_MMAP, 0, 4096, syscall.PROT_READ, syscall.ENODEV},
		{"munmap of an unaligned address", syscall.SYS_MUNMAP, 0x10001, 4096, 0, syscall.EINVAL},
		{"read from a closed descriptor", syscall.SYS_READ, 63, good, 8, syscall.EBADF},
	} {
		var e syscall.Errno
		switch c.nr {
		case syscall.SYS_MMAP:
			_, _, e = syscall.Syscall6(c.nr, c.a, c.b, c.d, syscall.MAP_PRIVATE, 0, 0)
		case syscall.SYS_EPOLL_CTL:
			_, _, e = syscall.Syscall6(c.nr, c.a, c.b, c.d, good, 0, 0)
		default:
			_, _, e = syscall.Syscall(c.nr, c.a, c.b, c.d)
		}
		if e != c.want {
			return fmt.Errorf("%s: errno %d (%v), want %d (%v)", c.what, int(e), e, int(c.want), c.want)
		}
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
