package main

import (
	"fmt"
	"syscall"
)

// testEnosys makes system calls the personality does not serve: a real
// Linux call the kernel lacks (afs_syscall, 183, which no Linux serves
// either) and a number past every table. Each must fail with ENOSYS; the
// kernel logs one line per number, which the host test checks.
func testEnosys() error {
	for _, nr := range []uintptr{183, 999, 183} {
		if _, _, e := syscall.RawSyscall(nr, 0, 0, 0); e != syscall.ENOSYS {
			return fmt.Errorf("system call %d returned errno %d (%v), want ENOSYS", nr, int(e), e)
		}
	}
	return nil
}
