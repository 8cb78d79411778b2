package signal

import (
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/linux"
)

// Info is one fault to report as a signal.
type Info struct {
	Signo  int
	Code   int32
	Addr   uint64 // si_addr: the faulting address, or the instruction's
	Trapno uint64 // the exception vector
	Err    uint64 // the CPU's error code
	CR2    uint64
}

// layout is where a signal frame goes: the frame itself and the FXSAVE
// image above it, both within [lo, hi) of user memory.
type layout struct {
	frame, fpstate uint64
	lo, hi         uint64
}

// place computes the frame position for a thread whose stack pointer is sp,
// as Linux's get_sigframe does: skip the red zone, or switch to the
// alternate stack when the action asks for it and the thread is not on it
// already; FXSAVE image 64-byte aligned; the frame aligned so that the
// handler starts with RSP+8 16-byte aligned, as after a CALL.
//
//go:nosplit
func place(sp uint64, act *linux.Sigaction, alt *linux.StackT) layout {
	top := sp - redZone
	if act.Flags&saOnstack != 0 && onAltStack(sp, alt) == 0 {
		top = alt.SP + alt.Size
	}
	fp := (top - fpstateSize) &^ 63
	frame := ((fp - frameSize) &^ 15) - 8
	return layout{frame: frame, fpstate: fp, lo: frame, hi: fp + fpstateSize}
}

// OnAltStack reports whether sp is on the alternate stack alt.
//
//go:nosplit
func OnAltStack(sp uint64, alt *linux.StackT) bool {
	return onAltStack(sp, alt) == linux.SS_ONSTACK
}

// onAltStack returns SS_ONSTACK if sp is on the alternate stack, SS_DISABLE
// if there is none, else 0: the ss_flags value the frame reports.
//
//go:nosplit
func onAltStack(sp uint64, alt *linux.StackT) int32 {
	if alt.Size == 0 || alt.Flags&linux.SS_DISABLE != 0 {
		return linux.SS_DISABLE
	}
	if sp > alt.SP && sp-alt.SP <= alt.Size {
		return linux.SS_ONSTACK
	}
	return 0
}

// build writes the signal frame for f into mem, which holds user memory
// [l.lo, l.hi), and points f at the handler: RIP the handler, RSP the
// frame, RDI/RSI/RDX the handler's three arguments (SA_SIGINFO form).
//
//go:nosplit
func build(mem []byte, l *layout, f *arch.Frame, in *Info, act *linux.Sigaction, mask uint64, alt *linux.StackT) bool {
	o := l.fpstate - l.lo
	if uint64(len(mem)) != l.hi-l.lo || l.frame != l.lo || len(mem) < frameSize ||
		o >= uint64(len(mem)) || uint64(len(mem))-o < fpstateSize {
		return false
	}
	copy(mem[o:], f.FX[:])

	sf := (*rtSigframe)(unsafe.Pointer(&mem[0]))
	*sf = rtSigframe{}
	sf.Pretcode = act.Restorer
	sf.UC.Flags = ucSigcontSS | ucStrictSS
	sf.UC.Stack = linux.StackT{SP: alt.SP, Flags: onAltStack(f.RSP, alt), Size: alt.Size}
	sc := &sf.UC.Mcontext
	sc.R8, sc.R9, sc.R10, sc.R11 = f.R8, f.R9, f.R10, f.R11
	sc.R12, sc.R13, sc.R14, sc.R15 = f.R12, f.R13, f.R14, f.R15
	sc.RDI, sc.RSI, sc.RBP, sc.RBX = f.RDI, f.RSI, f.RBP, f.RBX
	sc.RDX, sc.RAX, sc.RCX, sc.RSP = f.RDX, f.RAX, f.RCX, f.RSP
	sc.RIP, sc.EFLAGS = f.RIP, f.RFLAGS
	sc.CS, sc.SS = uint16(f.CS), uint16(f.SS)
	sc.Err, sc.Trapno, sc.CR2 = in.Err, in.Trapno, in.CR2
	sc.Oldmask = mask
	sc.Fpstate = l.fpstate
	sf.UC.Sigmask = mask
	sf.Info.Signo = int32(in.Signo)
	sf.Info.Code = in.Code
	sf.Info.Addr = in.Addr

	f.RIP = act.Handler
	f.RSP = l.frame
	f.RDI = uint64(in.Signo)
	f.RSI = l.frame + infoOffset
	f.RDX = l.frame + ucOffset
	f.RAX = 0
	f.RFLAGS &^= handlerClear
	return true
}

// restore loads the context a handler returned with (the ucontext at the
// start of mem) into f, keeping what the handler may not change: the code
// and stack segments, IF and IOPL. The FXSAVE image comes from fp (nil if
// the context has none). It returns the signal mask to restore.
//
//go:nosplit
func restore(mem []byte, fp []byte, f *arch.Frame) (mask uint64, ok bool) {
	if uint64(len(mem)) < uint64(unsafe.Sizeof(ucontext{})) {
		return 0, false
	}
	uc := (*ucontext)(unsafe.Pointer(&mem[0]))
	sc := &uc.Mcontext
	f.R8, f.R9, f.R10, f.R11 = sc.R8, sc.R9, sc.R10, sc.R11
	f.R12, f.R13, f.R14, f.R15 = sc.R12, sc.R13, sc.R14, sc.R15
	f.RDI, f.RSI, f.RBP, f.RBX = sc.RDI, sc.RSI, sc.RBP, sc.RBX
	f.RDX, f.RAX, f.RCX, f.RSP = sc.RDX, sc.RAX, sc.RCX, sc.RSP
	f.RIP = sc.RIP
	f.RFLAGS = f.RFLAGS&^userFlags | sc.EFLAGS&userFlags
	if len(fp) >= fpstateSize {
		copy(f.FX[:], fp[:fpstateSize])
		// FXRSTOR raises #GP for reserved MXCSR bits: never let a
		// handler's context fault the kernel.
		mx := (*uint32)(unsafe.Pointer(&f.FX[24]))
		*mx &= mxcsrMask
	}
	return uc.Sigmask &^ (1<<(linux.SIGKILL-1) | 1<<(linux.SIGSTOP-1)), true
}
