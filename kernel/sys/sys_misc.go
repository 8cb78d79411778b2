package sys

import (
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/linux"
	"gokernel/kernel/mem"
	"gokernel/kernel/sched"
	"gokernel/kernel/sys/args"
)

// sysUname fills struct utsname: six 65-byte strings.
//
//go:nosplit
func sysUname(f *arch.Frame) uint64 {
	b, ok := mem.UserBytes(arg1(f), 6*linux.UtsnameLen, true)
	if !ok || len(b) < 6*linux.UtsnameLen {
		return linux.EFAULT.Ret()
	}
	fields := [6]string{"Linux", "gokernel", "6.1.0-gokernel", "#1 gokernel", "x86_64", "(none)"}
	for i, s := range fields {
		field := b[i*linux.UtsnameLen : (i+1)*linux.UtsnameLen]
		for j := range field {
			field[j] = 0
		}
		copy(field[:linux.UtsnameLen-1], s)
	}
	return 0
}

// sysPrlimit64 reports generous fixed limits and accepts new ones without
// applying them. The checks and their order are Linux's (kernel/sys.c,
// prlimit64 and do_prlimit): an unreadable new limit is EFAULT, a process
// that does not exist ESRCH (pid 0 is the caller; any thread's ID names
// the one process, as find_task_by_vpid does), an unknown resource or a
// soft limit above the hard one EINVAL, an unwritable old limit EFAULT.
//
//go:nosplit
func sysPrlimit64(f *arch.Frame) uint64 {
	pid, resource, newp, old := int32(arg1(f)), arg2(f), arg3(f), arg4(f)
	var lim [2]uint64
	if newp != 0 {
		b, ok := mem.UserBytes(newp, 16, false)
		if !ok || len(b) < 16 {
			return linux.EFAULT.Ret()
		}
		lim = *(*[2]uint64)(unsafe.Pointer(&b[0]))
	}
	if pid != 0 && sched.ByTID(pid) == nil {
		return linux.ESRCH.Ret()
	}
	if uint32(resource) >= linux.RLIM_NLIMITS {
		return linux.EINVAL.Ret()
	}
	if newp != 0 && lim[0] > lim[1] {
		return linux.EINVAL.Ret()
	}
	cur, max := linux.RLIM_INFINITY, linux.RLIM_INFINITY
	switch uint32(resource) {
	case linux.RLIMIT_NOFILE:
		cur, max = maxFDs, maxFDs // the size of the descriptor table
	case linux.RLIMIT_STACK:
		cur = 8 << 20
	case linux.RLIMIT_NPROC:
		cur, max = sched.MaxThreads, sched.MaxThreads // clone fails with EAGAIN beyond
	}
	if old != 0 && (!mem.PutUser64(old, cur) || !mem.PutUser64(old+8, max)) {
		return linux.EFAULT.Ret()
	}
	return 0
}

var rngState uint64

// sysGetrandom fills the buffer from RDRAND, or from an xorshift generator
// seeded with the TSC when the CPU has no RDRAND. The fallback is not
// cryptographically strong, and it says so at boot.
//
//go:nosplit
func sysGetrandom(f *arch.Frame) uint64 {
	buf, n := arg1(f), arg2(f)
	if e := args.GetrandomFlags(uint32(arg3(f))); e != 0 {
		return e.Ret()
	}
	if n > 1<<20 {
		n = 1 << 20
	}
	b, ok := mem.UserBytes(buf, n, true)
	if !ok {
		return linux.EFAULT.Ret()
	}
	var v uint64
	for i := range b {
		if i&7 == 0 {
			v = Random64()
		}
		b[i] = byte(v)
		v >>= 8
	}
	return n
}

// Random64 returns 64 random bits (see sysGetrandom for the source).
//
//go:nosplit
func Random64() uint64 {
	if hasRdrand {
		for i := 0; i < 10; i++ {
			if v, ok := arch.Rdrand(); ok {
				return v
			}
		}
	}
	if rngState == 0 {
		rngState = arch.Rdtsc() | 1
	}
	rngState ^= rngState << 13
	rngState ^= rngState >> 7
	rngState ^= rngState << 17
	return rngState ^ arch.Rdtsc()
}

var hasRdrand bool

// Init prepares the personality. Called once at boot.
//
//go:nosplit
func Init() {
	hasRdrand = arch.HasRdrand()
}
