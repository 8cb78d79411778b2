package main

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"gokernel/kernel/linux"
	"gokernel/kernel/sys"
)

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

	var nrs []int
	for nr := range sys.Counts {
		if sys.Counts[nr].Calls > 0 {
			nrs = append(nrs, nr)
		}
	}
	sort.Ints(nrs)
	fmt.Printf("syscalls: %s, %d kinds of system call since boot\n", runtime.Version(), len(nrs))
	var unlisted []string
	for _, nr := range nrs {
		c := &sys.Counts[nr]
		name := linux.SyscallName(uint64(nr))
		if name == "" {
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
		if !sys.Listed(nr) {
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
