// Package args holds the personality's argument checks: the decisions the
// memory, signal, thread and wait calls (kernel/sys) make on their
// arguments alone, before they touch any state, in the order of Linux's
// code, so that a call fails with the errno Linux gives. They are pure and
// run on the host too: args_test.go fuzzes them against reference copies
// of Linux's checks. (A package of their own so that fuzzing instruments
// them alone: instrumented, the system-call handlers' nosplit chains
// would not fit the linker's limit.)
//
// Ring 0: //go:nosplit, no allocation.
package args

import (
	"gokernel/kernel/linux"
	"gokernel/kernel/mem"
)

// Munmap checks munmap's range as do_vmi_munmap (mm/mmap.c): an
// unaligned start, a range reaching past the top of user space, or a zero
// length is EINVAL. It returns the length rounded up to pages.
//
//go:nosplit
func Munmap(addr, length uint64) (uint64, linux.Errno) {
	if addr&(mem.PageSize-1) != 0 || addr > mem.UserMax || length > mem.UserMax-addr {
		return 0, linux.EINVAL
	}
	if length = mem.PageRoundUp(length); length == 0 {
		return 0, linux.EINVAL
	}
	return length, 0
}

// Mprotect checks mprotect's arguments as do_mprotect_pkey
// (mm/mprotect.c): an unaligned start is EINVAL; a zero length does
// nothing (done); a length that rounds up past the end of the address
// space is ENOMEM; then unknown protection bits are EINVAL. It returns
// the length rounded up to pages.
//
//go:nosplit
func Mprotect(addr, length uint64, prot uint32) (rounded uint64, done bool, e linux.Errno) {
	if addr&(mem.PageSize-1) != 0 {
		return 0, false, linux.EINVAL
	}
	if length == 0 {
		return 0, true, 0
	}
	rounded = mem.PageRoundUp(length)
	if addr+rounded <= addr {
		return 0, false, linux.ENOMEM
	}
	if prot&^uint32(linux.PROT_READ|linux.PROT_WRITE|linux.PROT_EXEC) != 0 {
		return 0, false, linux.EINVAL
	}
	return rounded, false, 0
}

// Madvise checks madvise's arguments as do_madvise (mm/madvise.c):
// advice Linux 6.1 does not know (madvise_behavior_valid) is EINVAL, the
// memory-failure injections EPERM (they need CAP_SYS_ADMIN, which this
// kernel does not give); an unaligned start, or a non-zero length that
// rounds up to zero, or a range that wraps, is EINVAL; a zero length
// does nothing (done). It returns the length rounded up to pages.
//
//go:nosplit
func Madvise(addr, length, advice uint64) (rounded uint64, done bool, e linux.Errno) {
	switch {
	case advice == linux.MADV_HWPOISON || advice == linux.MADV_SOFT_OFFLINE:
		return 0, false, linux.EPERM
	case advice > linux.MADV_COLLAPSE || advice > linux.MADV_DONTNEED && advice < linux.MADV_FREE:
		return 0, false, linux.EINVAL
	case addr&(mem.PageSize-1) != 0:
		return 0, false, linux.EINVAL
	}
	rounded = mem.PageRoundUp(length)
	if length != 0 && rounded == 0 {
		return 0, false, linux.EINVAL
	}
	switch end := addr + rounded; {
	case end < addr:
		return 0, false, linux.EINVAL
	case end == addr:
		return 0, true, 0
	}
	return rounded, false, 0
}

// EpMaxEvents is Linux's EP_MAX_EVENTS (fs/eventpoll.c): INT_MAX divided
// by the size of struct epoll_event.
const EpMaxEvents = 0x7fffffff / linux.EpollEventSize

// EpollWait checks epoll_wait's array as do_epoll_wait
// (fs/eventpoll.c): maxevents from 1 to EP_MAX_EVENTS (EINVAL), then the
// whole array in user space (access_ok: EFAULT).
//
//go:nosplit
func EpollWait(events uint64, maxevents int32) linux.Errno {
	if maxevents <= 0 || maxevents > EpMaxEvents {
		return linux.EINVAL
	}
	if size := uint64(maxevents) * linux.EpollEventSize; events > mem.UserMax || size > mem.UserMax-events {
		return linux.EFAULT
	}
	return 0
}

// GetrandomFlags checks getrandom's flags as Linux's
// drivers/char/random.c: unknown bits, or GRND_RANDOM with GRND_INSECURE,
// are EINVAL.
//
//go:nosplit
func GetrandomFlags(flags uint32) linux.Errno {
	const all = linux.GRND_NONBLOCK | linux.GRND_RANDOM | linux.GRND_INSECURE
	if flags&^all != 0 || flags&(linux.GRND_RANDOM|linux.GRND_INSECURE) == linux.GRND_RANDOM|linux.GRND_INSECURE {
		return linux.EINVAL
	}
	return 0
}

// AltStack checks a new alternate signal stack as do_sigaltstack
// (kernel/signal.c) and returns the stack to keep: EPERM while the thread
// runs on its alternate stack; a mode other than 0, SS_ONSTACK or
// SS_DISABLE is EINVAL (SS_AUTODISARM, which the kernel does not
// implement, too); SS_DISABLE clears the stack; a size below MINSIGSTKSZ
// is ENOMEM.
//
//go:nosplit
func AltStack(s linux.StackT, onStack bool) (linux.StackT, linux.Errno) {
	switch {
	case onStack:
		return linux.StackT{}, linux.EPERM
	case s.Flags != 0 && s.Flags != linux.SS_ONSTACK && s.Flags != linux.SS_DISABLE:
		return linux.StackT{}, linux.EINVAL
	case s.Flags == linux.SS_DISABLE:
		return linux.StackT{}, 0
	case s.Size < linux.MINSIGSTKSZ:
		return linux.StackT{}, linux.ENOMEM
	}
	s.Flags = 0
	return s, 0
}

// CloneFlags reports whether clone's flags ask for a thread the kernel
// can make: CLONE_VM, CLONE_THREAD and CLONE_SIGHAND, nothing beyond
// CloneAllowed, and any exit signal in the low byte.
//
//go:nosplit
func CloneFlags(flags uint64) bool {
	return flags&CloneNeeded == CloneNeeded && flags&^uint64(CloneAllowed|0xFF) == 0
}

// CloneAllowed are the flags a thread-creating clone may carry, and
// CloneNeeded those it must. The Go runtime passes
// VM|FS|FILES|SIGHAND|SYSVSEM|THREAD|SETTLS; with one address space, one
// file table and one signal table those are what the kernel has anyway.
const (
	CloneNeeded  = linux.CLONE_VM | linux.CLONE_THREAD | linux.CLONE_SIGHAND
	CloneAllowed = CloneNeeded | linux.CLONE_FS | linux.CLONE_FILES |
		linux.CLONE_SYSVSEM | linux.CLONE_SETTLS
)

// FarFuture is the instant (ns) that stands for "never": 146 years after
// boot. Longer times saturate to it, as Linux's timespec64_to_ktime
// saturates at KTIME_MAX, so a huge time cannot overflow into one that
// has passed.
const FarFuture = 1 << 62

// Timespec checks ts as Linux's timespec64_valid does
// (include/linux/time64.h): EINVAL for negative seconds or nanoseconds
// outside 0..999,999,999. It returns ts in nanoseconds, at most FarFuture.
//
//go:nosplit
func Timespec(ts linux.Timespec) (int64, linux.Errno) {
	if ts.Sec < 0 || ts.Nsec < 0 || ts.Nsec >= 1_000_000_000 {
		return 0, linux.EINVAL
	}
	if ts.Sec >= FarFuture/1_000_000_000 {
		return FarFuture, 0
	}
	return ts.Sec*1_000_000_000 + ts.Nsec, 0
}
