// Package signal delivers the signals that CPU faults raise in Go code to
// the handlers the Go runtime installed, exactly as Linux does, so that a
// nil dereference or a division by zero becomes the runtime's own panic.
//
// The layouts below are Linux's x86-64 signal frame (arch/x86/include/
// asm/sigframe.h, uapi/asm/sigcontext.h, uapi/asm-generic/siginfo.h,
// uapi/asm-generic/ucontext.h). The runtime reads them through its own
// copies of these structures (runtime/defs_linux_amd64.go), so every offset
// matters; TestLayout pins them.
package signal

import "gokernel/kernel/linux"

// sigcontext is struct sigcontext: the general registers as the handler
// sees (and may change) them.
type sigcontext struct {
	R8, R9, R10, R11, R12, R13, R14, R15 uint64
	RDI, RSI, RBP, RBX, RDX, RAX, RCX    uint64
	RSP, RIP, EFLAGS                     uint64
	CS, GS, FS, SS                       uint16
	Err, Trapno, Oldmask, CR2            uint64
	Fpstate                              uint64 // address of the FXSAVE image
	Reserved                             [8]uint64
}

// ucontext is the kernel's struct ucontext (its sigset is 8 bytes).
type ucontext struct {
	Flags    uint64
	Link     uint64
	Stack    linux.StackT
	Mcontext sigcontext
	Sigmask  uint64
}

// siginfo is the fault form of siginfo_t: si_addr follows the header.
type siginfo struct {
	Signo, Errno, Code int32
	_                  int32
	Addr               uint64
	_                  [104]byte
}

// rtSigframe is what the stack pointer points at when the handler starts:
// the return address (sa_restorer, which calls rt_sigreturn), the context
// and the signal information.
type rtSigframe struct {
	Pretcode uint64
	UC       ucontext
	Info     siginfo
}

const (
	fpstateSize  = 512 // FXSAVE format; the kernel leaves XSAVE off
	redZone      = 128 // the System V ABI's red zone below RSP
	frameSize    = 440
	ucOffset     = 8
	infoOffset   = 312
	ucFPXState   = 0x1 // uc_flags: fpstate has an XSAVE header (never set here)
	ucSigcontSS  = 0x2 // uc_flags: sigcontext's ss field is valid
	ucStrictSS   = 0x4
	saSiginfo    = 0x4
	saOnstack    = 0x08000000
	saRestorer   = 0x04000000
	saNodefer    = 0x40000000
	saResethand  = 0x80000000
	sigDefault   = 0
	sigIgnore    = 1
	mxcsrMask    = 0xFFBF  // MXCSR bits FXRSTOR accepts on every SSE CPU
	userFlags    = 0x50DD5 // RFLAGS bits a handler may change: AC OF DF TF SF ZF AF PF CF RF
	handlerClear = 0x10500 // RFLAGS bits cleared for the handler: TF DF RF
)

// Fault codes in siginfo (uapi/asm-generic/siginfo.h).
const (
	SI_KERNEL   = 0x80
	SEGV_MAPERR = 1
	SEGV_ACCERR = 2
	BUS_ADRALN  = 1
	FPE_INTDIV  = 1
	FPE_FLTINV  = 7
	ILL_ILLOPN  = 2
	TRAP_BRKPT  = 1
)
