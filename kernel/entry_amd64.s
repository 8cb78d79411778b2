#include "textflag.h"

// Kernel entry and exit. Every way into the kernel (interrupt, exception,
// SYSCALL) builds the same arch.Frame on the kernel stack, calls dispatch
// with it, and leaves through IRETQ with whatever the frame holds then
// (sched.Switch may have loaded another thread's state into it).
//
// Register conventions: GS's base is the per-CPU block (kernel/cpu), set
// once at boot and never swapped, because Go code does not use GS.

#define CPU_KSTACK	8
#define CPU_SCRATCH	16
#define CPU_DEPTH	24

#define KERNEL_CS	0x08
#define KERNEL_DS	0x10
#define USER_DS		0x23
#define USER_CS		0x2B
#define VEC_SYSCALL	256
#define VEC_NESTED	257

// func syscallEntry()
//
// SYSCALL lands here (MSR LSTAR) with RCX = user RIP, R11 = user RFLAGS,
// RFLAGS masked by FMASK (IF off), and the user's RSP untouched (SDM Vol.
// 2B, SYSCALL). We switch to the kernel stack by hand and build the same
// frame an interrupt from ring 3 would have.
TEXT ·syscallEntry(SB),NOSPLIT|NOFRAME,$0
	CMPQ	CPU_DEPTH(GS), $0
	JEQ	fromuser
	JMP	nested<>(SB)
fromuser:
	MOVQ	SP, CPU_SCRATCH(GS)
	MOVQ	CPU_KSTACK(GS), SP
	PUSHQ	$USER_DS
	PUSHQ	CPU_SCRATCH(GS)
	PUSHQ	R11
	PUSHQ	$USER_CS
	PUSHQ	CX
	PUSHQ	$0
	PUSHQ	$VEC_SYSCALL
	JMP	·trapCommon(SB)

// nested handles a SYSCALL made while the kernel runs.
TEXT nested<>(SB),NOSPLIT|NOFRAME,$0
	// SYSCALL while the kernel runs: Go code in the ring-0 core called
	// into the runtime, which made a system call (typically to print a
	// fatal error). Stay on the current stack, aligned for FXSAVE, and
	// build a ring-0 frame; dispatch reports it.
	MOVQ	SP, CPU_SCRATCH(GS)
	ANDQ	$~15, SP
	PUSHQ	$KERNEL_DS
	PUSHQ	CPU_SCRATCH(GS)
	PUSHQ	R11
	PUSHQ	$KERNEL_CS
	PUSHQ	CX
	PUSHQ	$0
	PUSHQ	$VEC_NESTED
	JMP	·trapCommon(SB)

// common saves the general registers and the FXSAVE area below the
// interrupt frame, making an arch.Frame at SP, and calls dispatch(frame).
// The CPU aligned the interrupt frame to 16 bytes (SDM Vol. 3A §6.14.2)
// and the frame is 22 words, so the FXSAVE area is 16-byte aligned.
TEXT ·trapCommon(SB),NOSPLIT|NOFRAME,$0
	PUSHQ	AX
	PUSHQ	BX
	PUSHQ	CX
	PUSHQ	DX
	PUSHQ	SI
	PUSHQ	DI
	PUSHQ	BP
	PUSHQ	R8
	PUSHQ	R9
	PUSHQ	R10
	PUSHQ	R11
	PUSHQ	R12
	PUSHQ	R13
	PUSHQ	R14
	PUSHQ	R15
	SUBQ	$512, SP
	FXSAVE64	(SP)
	INCQ	CPU_DEPTH(GS)
	MOVQ	SP, AX
	PUSHQ	AX
	// An indirect call, so that the linker's nosplit analysis checks
	// dispatch's call tree on its own (at most 800 bytes of Go frames)
	// instead of adding it to the 688-byte frame saved here: the kernel
	// stack, not a goroutine stack, holds both.
	LEAQ	·dispatch(SB), AX
	CALL	AX
	POPQ	AX
	DECQ	CPU_DEPTH(GS)
	JMP	trapret<>(SB)

// trapret restores the arch.Frame at SP and returns through IRETQ.
TEXT trapret<>(SB),NOSPLIT|NOFRAME,$0
	FXRSTOR64	(SP)
	ADDQ	$512, SP
	POPQ	R15
	POPQ	R14
	POPQ	R13
	POPQ	R12
	POPQ	R11
	POPQ	R10
	POPQ	R9
	POPQ	R8
	POPQ	BP
	POPQ	DI
	POPQ	SI
	POPQ	DX
	POPQ	CX
	POPQ	BX
	POPQ	AX
	ADDQ	$16, SP		// vector and error code
	IRETQ

// func enterFrame(f *arch.Frame)
//
// enterFrame starts executing the state in f, which must lie at the top of
// the kernel stack (as an entry from ring 3 would have left it).
TEXT ·enterFrame(SB),NOSPLIT|NOFRAME,$0-8
	MOVQ	f+0(FP), SP
	JMP	trapret<>(SB)

// func stubAddrs() (vectors, syscall uint64)
TEXT ·stubAddrs(SB),NOSPLIT,$0-16
	LEAQ	·vectors(SB), AX
	MOVQ	AX, vectors+0(FP)
	LEAQ	·syscallEntry(SB), AX
	MOVQ	AX, syscall+8(FP)
	RET
