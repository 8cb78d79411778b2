//go:build linux

package task

import (
	"syscall"
	"time"
	"unsafe"
)

// futex(2) operations (linux/futex.h); private: the word is not shared
// with another process.
const (
	futexWaitPrivate = 0 | 128 // FUTEX_WAIT | FUTEX_PRIVATE_FLAG
	futexWakePrivate = 1 | 128 // FUTEX_WAKE | FUTEX_PRIVATE_FLAG
)

// FutexWait is the default WaitFunc: futex(addr, FUTEX_WAIT_PRIVATE, val,
// timeout). It blocks the calling thread while *addr == val, until a
// FUTEX_WAKE of addr or, if timeout >= 0, until timeout has passed; it may
// also return early (a signal, or *addr != val already). It goes through
// syscall.Syscall6, so the runtime hands the processor to other goroutines
// while the thread waits.
func FutexWait(addr *uint32, val uint32, timeout time.Duration) {
	var ts syscall.Timespec
	var tsp unsafe.Pointer // nil: no timeout
	if timeout >= 0 {
		ts = syscall.NsecToTimespec(int64(timeout))
		tsp = unsafe.Pointer(&ts)
	}
	syscall.Syscall6(syscall.SYS_FUTEX, uintptr(unsafe.Pointer(addr)), futexWaitPrivate,
		uintptr(val), uintptr(tsp), 0, 0)
}
