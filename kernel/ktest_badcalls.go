package main

import (
	"context"
	"fmt"
	"syscall"
	"time"
	"unsafe"
)

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
