//go:build linux && !amd64

package task

import (
	"syscall"
	"unsafe"
)

// futexWake wakes one thread blocked in FutexWait on addr. On amd64 it is
// assembly (the kernel's architecture, where Wake must make no runtime
// call); elsewhere the raw system call is good enough for hosted use.
func futexWake(addr *uint32) {
	syscall.RawSyscall6(syscall.SYS_FUTEX, uintptr(unsafe.Pointer(addr)), futexWakePrivate, 1, 0, 0, 0)
}

// inRing0 reports false: the kernel runs on amd64 only.
func inRing0() bool { return false }
