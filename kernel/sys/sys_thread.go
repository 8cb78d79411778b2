package sys

import (
	"gokernel/arch"
	"gokernel/kernel/clock"
	"gokernel/kernel/console"
	"gokernel/kernel/cpu"
	"gokernel/kernel/linux"
	"gokernel/kernel/machine"
	"gokernel/kernel/mem"
	"gokernel/kernel/sched"
	"gokernel/kernel/sys/args"
)

// Threads: clone, exit, futex, yields and identities.

var threadLimitReported, cloneFlagsReported bool

//go:nosplit
func sysClone(f *arch.Frame) uint64 {
	flags, stack, tls := arg1(f), arg2(f), arg5(f)
	if !args.CloneFlags(flags) {
		if !cloneFlagsReported { // said once, as for the other unsupported operations
			cloneFlagsReported = true
			console.WriteString("sys: clone flags ")
			console.Hex(flags)
			console.Line(" not supported (threads only) -> EINVAL")
		}
		return linux.EINVAL.Ret()
	}
	fs := cpu.UserFS()
	if flags&linux.CLONE_SETTLS != 0 {
		// Linux's copy_thread sets the TLS through do_arch_prctl_64
		// (arch/x86/kernel/process.c, set_new_tls): the same check.
		if !fsBaseOK(tls) {
			return linux.EPERM.Ret()
		}
		fs = tls
	}
	t, ok := sched.New(f, fs)
	if !ok {
		// The thread table is full: EAGAIN, what Linux's copy_process
		// returns at RLIMIT_NPROC, which prlimit64 reports as the table's
		// size. Said once: the runtime's own report follows.
		if !threadLimitReported {
			threadLimitReported = true
			console.WriteString("sys: clone: all ")
			console.Dec(sched.MaxThreads)
			console.Line(" threads in use (the kernel's RLIMIT_NPROC) -> EAGAIN")
		}
		return linux.EAGAIN.Ret()
	}
	// The child resumes after SYSCALL with the parent's registers, RAX=0
	// and the new stack, as on Linux. It keeps the parent's signal mask and
	// starts with no pending signal and no alternate stack, as Linux's
	// copy_process gives a CLONE_VM thread (kernel/fork.c: the task is a
	// copy, init_sigpending, sas_ss_reset): the Go runtime blocks every
	// signal around clone so that none reaches the new thread before it
	// has set up its signal stack (runtime/os_linux.go, newosproc).
	if p := sched.Current(); p != nil {
		t.SigMask = p.SigMask
	}
	t.Frame.RAX = 0
	if stack != 0 {
		t.Frame.RSP = stack
	}
	return uint64(t.TID)
}

//go:nosplit
func sysExit(f *arch.Frame) uint64 {
	sched.Exit()
	return 0
}

// Program is set at boot when the program runs from a boot module, not
// the kernel's own: its exit status is what the machine reports.
var Program bool

//go:nosplit
func sysExitGroup(f *arch.Frame) uint64 {
	status := int64(int32(arg1(f)))
	if Program {
		// Linux passes the low 8 bits to the parent (kernel/exit.c).
		reportFailures()
		console.WriteString("program exited with status ")
		console.Dec(status & 0xff)
		console.Line("")
		machine.ProgramExit(uint8(status))
	}
	if !machine.TestMode {
		console.WriteString("kernel: the Go program exited with status ")
		console.Dec(status)
		console.Line("; halted")
	}
	machine.Stop(status == 0)
	return 0
}

//go:nosplit
func sysGettid(f *arch.Frame) uint64 {
	if t := sched.Current(); t != nil {
		return uint64(t.TID)
	}
	return 1
}

//go:nosplit
func sysGetpid(f *arch.Frame) uint64 { return 1 }

//go:nosplit
func sysGetppid(f *arch.Frame) uint64 { return 0 }

//go:nosplit
func sysSchedYield(f *arch.Frame) uint64 {
	sched.Yield()
	return 0
}

// sysSchedGetaffinity reports one CPU: the mask has bit 0 set. Linux returns
// the size of its CPU mask in bytes.
//
//go:nosplit
func sysSchedGetaffinity(f *arch.Frame) uint64 {
	size, mask := arg2(f), arg3(f)
	if size < 8 {
		return linux.EINVAL.Ret()
	}
	// The online CPUs: the runtime's GOMAXPROCS follows their count.
	n := cpu.Online()
	bits := ^uint64(0)
	if n < 64 {
		bits = uint64(1)<<n - 1
	}
	if !mem.PutUser64(mask, bits) {
		return linux.EFAULT.Ret()
	}
	return 8
}

// sysGetcpu is getcpu(cpu, node, cache): the CPU the thread runs on (its
// index, as sched_getaffinity numbers them) and NUMA node 0; either
// pointer may be NULL. The answer may be stale once the call returns, as
// on Linux: the thread may move.
//
//go:nosplit
func sysGetcpu(f *arch.Frame) uint64 {
	if c := arg1(f); c != 0 && !mem.PutUser32(c, uint32(cpu.ID())) {
		return linux.EFAULT.Ret()
	}
	if n := arg2(f); n != 0 && !mem.PutUser32(n, 0) {
		return linux.EFAULT.Ret()
	}
	return 0
}

// fsBaseOK reports whether a thread may have FS base fs: Linux's
// do_arch_prctl_64 (arch/x86/kernel/process_64.c) refuses bases at or
// above TASK_SIZE_MAX with EPERM, which keeps them canonical (a WRMSR of a
// non-canonical base raises #GP). A canonical base that points at nothing
// is allowed: the thread's own TLS reads fault, as on Linux. The kernel's
// own Go program keeps m0's TLS in its image, in the top 2 GiB, which is
// its user memory too (mem.UserRange).
//
//go:nosplit
func fsBaseOK(fs uint64) bool { return mem.UserRange(fs, 1) }

//go:nosplit
func sysArchPrctl(f *arch.Frame) uint64 {
	code, addr := arg1(f), arg2(f)
	switch code {
	case linux.ARCH_SET_FS:
		if !fsBaseOK(addr) {
			return linux.EPERM.Ret()
		}
		cpu.SetUserFS(addr) // loaded on the return to ring 3
		return 0
	case linux.ARCH_GET_FS:
		if !mem.PutUser64(addr, cpu.UserFS()) {
			return linux.EFAULT.Ret()
		}
		return 0
	}
	return linux.EINVAL.Ret()
}

var futexOpReported bool

// sysFutex serves FUTEX_WAIT (with an optional relative timeout) and
// FUTEX_WAKE. There is one address space, so private and shared futexes
// are the same thing.
//
//go:nosplit
func sysFutex(f *arch.Frame) uint64 {
	addr, op, val, timeout := arg1(f), arg2(f), uint32(arg3(f)), arg4(f)
	if addr&3 != 0 {
		// A futex word is a naturally aligned u32 (kernel/futex/core.c,
		// get_futex_key), whatever the operation.
		return linux.EINVAL.Ret()
	}
	switch op &^ (linux.FUTEX_PRIVATE_FLAG | linux.FUTEX_CLOCK_REALTIME) {
	case linux.FUTEX_WAIT:
		cur, ok := mem.UserU32(addr)
		if !ok {
			return linux.EFAULT.Ret()
		}
		if cur != val {
			return linux.EAGAIN.Ret()
		}
		var deadline int64
		if timeout != 0 {
			d, e := relDeadline(timeout)
			if e != 0 {
				return e.Ret()
			}
			deadline = d
		}
		sched.Block(sched.WaitFutex, addr, deadline)
		return 0
	case linux.FUTEX_WAKE:
		n := int(int32(val))
		if n < 0 {
			n = 0
		}
		return uint64(sched.WakeFutex(addr, n))
	}
	if !futexOpReported {
		futexOpReported = true
		console.WriteString("sys: futex op ")
		console.Hex(op)
		console.Line(" not supported -> ENOSYS")
	}
	return linux.ENOSYS.Ret()
}

// relDeadline reads a relative timespec at addr and returns the
// clock.Nanotime() value at which it expires (never 0, which means none;
// at most args.FarFuture).
//
//go:nosplit
func relDeadline(addr uint64) (int64, linux.Errno) {
	ts, ok := mem.UserTimespec(addr)
	if !ok {
		return 0, linux.EFAULT
	}
	ns, e := args.Timespec(ts)
	if e != 0 {
		return 0, e
	}
	now := clock.Nanotime()
	if ns >= args.FarFuture-now {
		return args.FarFuture, 0
	}
	return max(now+ns, 1), 0
}
