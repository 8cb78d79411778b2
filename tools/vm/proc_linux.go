package vm

import "syscall"

// sysProcAttr makes the kernel kill QEMU when the test binary dies (a
// panic, or go test's -timeout), so no VM outlives its test. The signal
// follows the forking thread, which Go only ends for a goroutine that
// exits while locked to it; nothing here locks threads.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
