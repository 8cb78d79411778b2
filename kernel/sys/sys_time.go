package sys

import (
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/clock"
	"gokernel/kernel/linux"
	"gokernel/kernel/mem"
	"gokernel/kernel/sched"
	"gokernel/kernel/sys/args"
)

// Time: clocks and sleeps, all read from the TSC clock.

//go:nosplit
func sysClockGettime(f *arch.Frame) uint64 {
	clk, tp := arg1(f), arg2(f)
	var ns int64
	switch clk {
	case linux.CLOCK_REALTIME, linux.CLOCK_REALTIME_COARSE:
		ns = clock.Realtime()
	case linux.CLOCK_MONOTONIC, linux.CLOCK_MONOTONIC_RAW, linux.CLOCK_MONOTONIC_COARSE,
		linux.CLOCK_BOOTTIME, linux.CLOCK_PROCESS_CPUTIME_ID, linux.CLOCK_THREAD_CPUTIME_ID:
		ns = clock.Nanotime()
	default:
		return linux.EINVAL.Ret()
	}
	if !putTimespec(tp, ns) {
		return linux.EFAULT.Ret()
	}
	return 0
}

//go:nosplit
func sysClockGetres(f *arch.Frame) uint64 {
	if tp := arg2(f); tp != 0 && !putTimespec(tp, 1) {
		return linux.EFAULT.Ret()
	}
	return 0
}

//go:nosplit
func putTimespec(addr uint64, ns int64) bool {
	b, ok := mem.UserBytes(addr, 16, true)
	if !ok || len(b) < 16 {
		return false
	}
	*(*linux.Timespec)(unsafe.Pointer(&b[0])) = linux.Timespec{Sec: ns / 1_000_000_000, Nsec: ns % 1_000_000_000}
	return true
}

//go:nosplit
func sysNanosleep(f *arch.Frame) uint64 {
	return sleep(arg1(f))
}

// sysClockNanosleep sleeps on CLOCK_MONOTONIC, CLOCK_BOOTTIME (the same
// clock here) or CLOCK_REALTIME, for a relative time or until an absolute
// one (TIMER_ABSTIME); other flag bits are ignored, as in Linux's
// kernel/time/posix-timers.c.
//
//go:nosplit
func sysClockNanosleep(f *arch.Frame) uint64 {
	clk, flags, req := arg1(f), arg2(f), arg3(f)
	if clk != linux.CLOCK_MONOTONIC && clk != linux.CLOCK_REALTIME && clk != linux.CLOCK_BOOTTIME {
		return linux.EINVAL.Ret()
	}
	if flags&linux.TIMER_ABSTIME == 0 {
		return sleep(req)
	}
	ts, ok := mem.UserTimespec(req)
	if !ok {
		return linux.EFAULT.Ret()
	}
	ns, e := args.Timespec(ts)
	if e != 0 {
		return e.Ret()
	}
	if clk == linux.CLOCK_REALTIME && ns < args.FarFuture {
		// A wall-clock instant becomes a monotonic one.
		ns -= clock.Realtime() - clock.Nanotime()
	}
	return sleepUntil(ns)
}

// sleep sleeps for the relative timespec at req.
//
//go:nosplit
func sleep(req uint64) uint64 {
	d, e := relDeadline(req)
	if e != 0 {
		return e.Ret()
	}
	return sleepUntil(d)
}

//go:nosplit
func sleepUntil(deadline int64) uint64 {
	if deadline <= clock.Nanotime() {
		sched.Yield()
		return 0
	}
	sched.Block(sched.WaitSleep, 0, deadline)
	return 0
}
