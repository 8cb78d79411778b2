#include "textflag.h"

// Helpers for the regression tests in badcalls.go: system calls made with
// no Go code in between, for states Go code cannot survive (a thread
// with an FS base that points at nothing).

#define SYS_RT_SIGPROCMASK	14
#define SYS_SCHED_YIELD	24
#define SYS_GETPID	39
#define SYS_CLONE	56
#define SYS_EXIT	60
#define SYS_ARCH_PRCTL	158
#define ARCH_SET_FS	0x1002
#define ARCH_GET_FS	0x1003
#define SIG_BLOCK	0
#define SIG_SETMASK	2

// func withFS(fs uintptr) (setErr, pid, fsAfter uintptr)
//
// With every signal blocked (a signal handler would read g through the
// bad FS), sets the FS base to fs, calls getpid and sched_yield and spins
// for a few timer ticks, reads the FS base back, then restores the old
// one. Locals: 0(SP) the full mask, 8(SP) the old mask, 16(SP) the old
// FS base, 24(SP) the FS base read back.
TEXT ·withFS(SB),NOSPLIT,$32-32
	MOVQ	$-1, 0(SP)
	MOVQ	$SYS_RT_SIGPROCMASK, AX
	MOVQ	$SIG_BLOCK, DI
	LEAQ	0(SP), SI
	LEAQ	8(SP), DX
	MOVQ	$8, R10
	SYSCALL
	MOVQ	$SYS_ARCH_PRCTL, AX
	MOVQ	$ARCH_GET_FS, DI
	LEAQ	16(SP), SI
	SYSCALL
	MOVQ	$SYS_ARCH_PRCTL, AX
	MOVQ	$ARCH_SET_FS, DI
	MOVQ	fs+0(FP), SI
	SYSCALL
	MOVQ	AX, setErr+8(FP)
	MOVQ	$SYS_GETPID, AX
	SYSCALL
	MOVQ	AX, pid+16(FP)
	MOVQ	$SYS_SCHED_YIELD, AX
	SYSCALL
	MOVQ	$3000000, CX		// a few ms: timer interrupts arrive meanwhile
spin:
	PAUSE
	DECQ	CX
	JNZ	spin
	MOVQ	$SYS_ARCH_PRCTL, AX
	MOVQ	$ARCH_GET_FS, DI
	LEAQ	24(SP), SI
	SYSCALL
	MOVQ	24(SP), AX
	MOVQ	AX, fsAfter+24(FP)
	MOVQ	$SYS_ARCH_PRCTL, AX
	MOVQ	$ARCH_SET_FS, DI
	MOVQ	16(SP), SI
	SYSCALL
	MOVQ	$SYS_RT_SIGPROCMASK, AX
	MOVQ	$SIG_SETMASK, DI
	LEAQ	8(SP), SI
	XORQ	DX, DX
	MOVQ	$8, R10
	SYSCALL
	RET

// func faultWithFS(fs uintptr)
//
// Sets the FS base to fs and reads -8(FS), as every Go TLS access does:
// with an fs that points at nothing, a SIGSEGV that the runtime's handler
// cannot take (it reads g through FS too), so the program dies.
TEXT ·faultWithFS(SB),NOSPLIT,$0-8
	MOVQ	$SYS_ARCH_PRCTL, AX
	MOVQ	$ARCH_SET_FS, DI
	MOVQ	fs+0(FP), SI
	SYSCALL
	// MOVQ FS:0xfffffffffffffff8, AX
	BYTE $0x64; BYTE $0x48; BYTE $0x8B; BYTE $0x04; BYTE $0x25; LONG $0xfffffff8
	RET

#define SYS_RT_SIGRETURN	15

// func sigreturnTo(rip uintptr)
//
// rt_sigreturn with a hand-made ucontext at SP (struct ucontext, uapi
// asm/ucontext.h and sigcontext.h: uc_mcontext at 40, its RSP at 160,
// RIP at 168, EFLAGS at 176; uc_sigmask at 296): the registers as they
// are, RSP this frame's, RIP rip, no FXSAVE image, no signal blocked.
TEXT ·sigreturnTo(SB),NOSPLIT,$320-8
	XORQ	AX, AX
	MOVQ	$0, CX
zero:
	MOVQ	AX, 0(SP)(CX*8)
	INCQ	CX
	CMPQ	CX, $40
	JNE	zero
	LEAQ	320(SP), AX
	MOVQ	AX, 160(SP)		// RSP: above this frame
	MOVQ	rip+0(FP), AX
	MOVQ	AX, 168(SP)		// RIP
	MOVQ	$0x202, 176(SP)		// EFLAGS: IF
	MOVQ	$SYS_RT_SIGRETURN, AX
	SYSCALL
	RET

// func cloneMask(flags, mask uintptr) (tid uintptr)
//
// clone with the parent's stack; the child, if one is made, stores its
// signal mask at mask (rt_sigprocmask(SIG_BLOCK, NULL, mask, 8)) and
// exits, touching neither the stack nor its TLS.
TEXT ·cloneMask(SB),NOSPLIT,$0-24
	MOVQ	mask+8(FP), R9
	MOVQ	$SYS_CLONE, AX
	MOVQ	flags+0(FP), DI
	XORQ	SI, SI
	XORQ	DX, DX
	XORQ	R10, R10
	XORQ	R8, R8
	SYSCALL
	TESTQ	AX, AX
	JNZ	parent
	MOVQ	$SYS_RT_SIGPROCMASK, AX
	MOVQ	$SIG_BLOCK, DI
	XORQ	SI, SI
	MOVQ	R9, DX
	MOVQ	$8, R10
	SYSCALL
	MOVQ	$SYS_EXIT, AX
	XORQ	DI, DI
	SYSCALL
parent:
	MOVQ	AX, tid+16(FP)
	RET
