package signal

import (
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/linux"
	"gokernel/kernel/mem"
	"gokernel/kernel/sched"
	"gokernel/kernel/trap"
)

// Actions holds the process's signal actions (rt_sigaction), by number.
var Actions [linux.NSIG + 1]linux.Sigaction

// Why a signal could not be delivered: the process dies, as on Linux.
const (
	OK         = ""
	NoHandler  = "the runtime installed no handler"
	Blocked    = "the signal is blocked"
	NoRestorer = "the action has no SA_RESTORER"
	BadStack   = "the signal stack is not mapped writable"
	BadNumber  = "bad signal number"
	BadContext = "the context to return to is not readable"
)

// Deliver makes the thread whose state is f run the handler for in.Signo:
// it writes the signal frame on the thread's stack or its alternate stack,
// blocks the action's mask, and points f at the handler. It returns OK or
// why the signal cannot be delivered.
//
//go:nosplit
func Deliver(f *arch.Frame, t *sched.Thread, in *Info) string {
	if in.Signo < 1 || in.Signo > linux.NSIG {
		return BadNumber
	}
	act := &Actions[uint(in.Signo)%uint(len(Actions))]
	bit := uint64(1) << (in.Signo - 1)
	switch {
	case act.Handler == sigDefault || act.Handler == sigIgnore:
		return NoHandler
	case t.SigMask&bit != 0:
		return Blocked // a fault that cannot be handled kills, as force_sig does
	case act.Flags&saRestorer == 0:
		return NoRestorer
	}
	l := place(f.RSP, act, &t.AltStack)
	b, ok := mem.KernelUserBytes(l.lo, l.hi-l.lo, true)
	if !ok || !build(b, &l, f, in, act, t.SigMask, &t.AltStack) {
		return BadStack
	}
	t.SigMask |= act.Mask
	if act.Flags&saNodefer == 0 {
		t.SigMask |= bit
	}
	t.SigMask &^= 1<<(linux.SIGKILL-1) | 1<<(linux.SIGSTOP-1)
	if act.Flags&saResethand != 0 {
		act.Handler = sigDefault
	}
	return OK
}

// Sigreturn serves rt_sigreturn: the handler returned through sa_restorer,
// so RSP points just past the popped return address, at the ucontext.
//
//go:nosplit
func Sigreturn(f *arch.Frame, t *sched.Thread) string {
	const n = uint64(unsafe.Sizeof(ucontext{}))
	b, ok := mem.KernelUserBytes(f.RSP, n, false)
	if !ok || uint64(len(b)) < n {
		return BadContext
	}
	var fp []byte
	if p := (*ucontext)(unsafe.Pointer(&b[0])).Mcontext.Fpstate; p != 0 {
		if fp, ok = mem.KernelUserBytes(p, fpstateSize, false); !ok {
			return BadContext
		}
	}
	mask, ok := restore(b, fp, f)
	if !ok {
		return BadContext
	}
	t.SigMask = mask
	if !canonical(f.RIP) {
		// Restored unchecked, as Linux does; its IRET would then fault
		// and become a SIGSEGV (badreturn.go). Give the SIGSEGV now.
		in := ForException(trap.VecGP, 0, 0, f.RIP, 0)
		return Deliver(f, t, &in)
	}
	return OK
}

// SI_TKILL is si_code for a signal sent by tkill or tgkill; si_pid and
// si_uid (1 and 0 here) sit where si_addr is for a fault.
const SI_TKILL = -6

// Sent returns the siginfo of a signal sent with tgkill by process 1.
//
//go:nosplit
func Sent(sig int) Info { return Info{Signo: sig, Code: SI_TKILL, Addr: 1} }

// IgnoredByDefault reports whether sig's default action is to ignore it
// (signal(7)): a pending signal without a handler is then dropped.
//
//go:nosplit
func IgnoredByDefault(sig int) bool {
	switch sig {
	case linux.SIGCHLD, linux.SIGURG, 28: // 28 is SIGWINCH
		return true
	}
	return false
}

// ForException maps a CPU exception in Go code to the signal Linux sends
// (arch/x86/kernel/traps.c, fault.c). pfCode is SEGV_MAPERR or SEGV_ACCERR
// for a page fault.
//
//go:nosplit
func ForException(vector, errcode, cr2, rip uint64, pfCode int32) Info {
	in := Info{Trapno: vector, Err: errcode}
	switch vector {
	case 0: // #DE
		in.Signo, in.Code, in.Addr = linux.SIGFPE, FPE_INTDIV, rip
	case 6: // #UD
		in.Signo, in.Code, in.Addr = linux.SIGILL, ILL_ILLOPN, rip
	case 12: // #SS
		in.Signo, in.Code = linux.SIGBUS, SI_KERNEL
	case 14: // #PF
		in.Signo, in.Code, in.Addr, in.CR2 = linux.SIGSEGV, pfCode, cr2, cr2
	case 16, 19: // #MF, #XM
		in.Signo, in.Code, in.Addr = linux.SIGFPE, FPE_FLTINV, rip
	case 17: // #AC
		in.Signo, in.Code, in.Addr = linux.SIGBUS, BUS_ADRALN, cr2
	default: // #GP (e.g. a non-canonical address), #TS, #NP, #OF, #BR
		in.Signo, in.Code = linux.SIGSEGV, SI_KERNEL
	}
	return in
}
