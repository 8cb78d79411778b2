package sys

import (
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/console"
	"gokernel/kernel/linux"
	"gokernel/kernel/machine"
	"gokernel/kernel/mem"
	"gokernel/kernel/sched"
	"gokernel/kernel/signal"
	"gokernel/kernel/sys/args"
)

// Signals: the actions the runtime installs (kernel/signal delivers faults
// to them), masks, alternate stacks, and the return from a handler.

//go:nosplit
func sysRtSigaction(f *arch.Frame) uint64 {
	sig, act, oact, size := arg1(f), arg2(f), arg3(f), arg4(f)
	if size != 8 || sig < 1 || sig > linux.NSIG {
		return linux.EINVAL.Ret()
	}
	if act != 0 && (sig == linux.SIGKILL || sig == linux.SIGSTOP) {
		return linux.EINVAL.Ret()
	}
	const n = uint64(unsafe.Sizeof(linux.Sigaction{}))
	if oact != 0 {
		b, ok := mem.UserBytes(oact, n, true)
		if !ok || uint64(len(b)) < n {
			return linux.EFAULT.Ret()
		}
		*(*linux.Sigaction)(unsafe.Pointer(&b[0])) = signal.Actions[sig]
	}
	if act != 0 {
		b, ok := mem.UserBytes(act, n, false)
		if !ok || uint64(len(b)) < n {
			return linux.EFAULT.Ret()
		}
		signal.Actions[sig] = *(*linux.Sigaction)(unsafe.Pointer(&b[0]))
	}
	return 0
}

//go:nosplit
func sysRtSigprocmask(f *arch.Frame) uint64 {
	how, set, oset, size := arg1(f), arg2(f), arg3(f), arg4(f)
	t := sched.Current()
	if size != 8 || t == nil {
		return linux.EINVAL.Ret()
	}
	old := t.SigMask
	if set != 0 {
		b, ok := mem.UserBytes(set, 8, false)
		if !ok || len(b) < 8 {
			return linux.EFAULT.Ret()
		}
		m := *(*uint64)(unsafe.Pointer(&b[0]))
		// SIGKILL and SIGSTOP cannot be blocked.
		m &^= 1<<(linux.SIGKILL-1) | 1<<(linux.SIGSTOP-1)
		switch how {
		case linux.SIG_BLOCK:
			t.SigMask |= m
		case linux.SIG_UNBLOCK:
			t.SigMask &^= m
		case linux.SIG_SETMASK:
			t.SigMask = m
		default:
			return linux.EINVAL.Ret()
		}
	}
	if oset != 0 && !mem.PutUser64(oset, old) {
		return linux.EFAULT.Ret()
	}
	return 0
}

// sysSigaltstack sets and reports the thread's alternate signal stack,
// with Linux's checks (args.AltStack).
//
//go:nosplit
func sysSigaltstack(f *arch.Frame) uint64 {
	ss, oss := arg1(f), arg2(f)
	t := sched.Current()
	if t == nil {
		return linux.EINVAL.Ret()
	}
	const n = uint64(unsafe.Sizeof(linux.StackT{}))
	old := t.AltStack
	if old.Size == 0 {
		old.Flags = linux.SS_DISABLE
	} else if signal.OnAltStack(f.RSP, &t.AltStack) {
		old.Flags = linux.SS_ONSTACK
	}
	if ss != 0 {
		b, ok := mem.UserBytes(ss, n, false)
		if !ok || uint64(len(b)) < n {
			return linux.EFAULT.Ret()
		}
		s, e := args.AltStack(*(*linux.StackT)(unsafe.Pointer(&b[0])), signal.OnAltStack(f.RSP, &t.AltStack))
		if e != 0 {
			return e.Ret()
		}
		t.AltStack = s
	}
	if oss != 0 {
		b, ok := mem.UserBytes(oss, n, true)
		if !ok || uint64(len(b)) < n {
			return linux.EFAULT.Ret()
		}
		*(*linux.StackT)(unsafe.Pointer(&b[0])) = old
	}
	return 0
}

// sysRtSigreturn restores the context a signal handler returns to. The
// restored RAX is the call's "result", so the interrupted code gets its
// own RAX back.
//
//go:nosplit
func sysRtSigreturn(f *arch.Frame) uint64 {
	t := sched.Current()
	if t == nil {
		return linux.EINVAL.Ret()
	}
	if why := signal.Sigreturn(f, t); why != signal.OK {
		console.WriteString("kernel: rt_sigreturn: ")
		console.WriteString(why)
		console.Line("; the Go program cannot continue")
		machine.Stop(false)
	}
	return f.RAX
}

// Signals sent by a thread: the Go runtime sends SIGURG to a thread to
// preempt the goroutine on it (asynchronous preemption), and raises
// signals when it crashes. They are marked pending on the target and
// delivered when it next returns to ring 3 (kernel/signals.go in package
// main); a blocked thread gets them when it wakes, which is what a
// restarted system call would give on Linux.

//go:nosplit
func sysTgkill(f *arch.Frame) uint64 {
	tgid, tid, sig := int64(arg1(f)), int64(arg2(f)), arg3(f)
	if tgid != 1 {
		return linux.ESRCH.Ret()
	}
	return sendTo(sched.ByTID(int32(tid)), sig)
}

//go:nosplit
func sysTkill(f *arch.Frame) uint64 {
	return sendTo(sched.ByTID(int32(arg1(f))), arg2(f))
}

// sysKill sends a process-directed signal: to the running thread, which
// is the one asking (there is one process).
//
//go:nosplit
func sysKill(f *arch.Frame) uint64 {
	pid := int64(arg1(f))
	if pid != 1 && pid != 0 && pid != -1 {
		return linux.ESRCH.Ret()
	}
	return sendTo(sched.Current(), arg2(f))
}

//go:nosplit
func sendTo(t *sched.Thread, sig uint64) uint64 {
	if t == nil {
		return linux.ESRCH.Ret()
	}
	if sig > linux.NSIG {
		return linux.EINVAL.Ret()
	}
	if sig != 0 { // signal 0 only checks that the target exists
		t.Pending |= 1 << (sig - 1)
	}
	return 0
}
