package main

import (
	"fmt"
	"syscall"
	"time"
	"unsafe"

	"gokernel/kernel/vdso"
)

// testClock measures the cost of time.Now(), which reads the clock through
// the vDSO when the kernel maps one (the default) and through the
// clock_gettime system call otherwise (novdso on the command line), and of
// the system call itself, and checks that the clock moves forward.
func testClock() error {
	const n = 100000
	mode := "vDSO"
	if !vdso.Enabled {
		mode = "system call (novdso)"
	}
	var last time.Time
	t0 := time.Now()
	for i := 0; i < n; i++ {
		now := time.Now()
		if now.Before(last) {
			return fmt.Errorf("time.Now went backwards: %v after %v", now, last)
		}
		last = now
	}
	perNow := time.Since(t0) / n
	var ts syscall.Timespec
	t0 = time.Now()
	for i := 0; i < n/10; i++ {
		syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, 1, uintptr(unsafe.Pointer(&ts)), 0)
	}
	perSyscall := time.Since(t0) / (n / 10)
	fmt.Printf("clock: time.Now() %d ns through the %s; clock_gettime system call %d ns\n",
		perNow.Nanoseconds(), mode, perSyscall.Nanoseconds())
	if wall := time.Now().Year(); wall < 2020 {
		return fmt.Errorf("wall clock says %d", wall)
	}
	return nil
}
