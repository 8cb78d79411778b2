#include "textflag.h"

// Kernel entry and exit. Every way into the kernel (interrupt, exception,
// SYSCALL) builds the same arch.Frame on the kernel stack, calls dispatch
// with it, and leaves through IRETQ with whatever the frame holds then
// (sched.Switch may have loaded another thread's state into it).
//
// Register conventions: GS's base is the per-CPU block (kernel/cpu), set
// once at boot and never swapped, because Go code does not use GS. FS's
// base is the kernel's own TLS (kernel/cpu) from before dispatch runs
// until the frame is restored: never the thread's, which may point at
// nothing, since every Go function entered from assembly reads g from
// -8(FS).

#define CPU_KSTACK	8
#define CPU_SCRATCH	16
#define CPU_DEPTH	24
#define CPU_USERFS	32
#define CPU_KERNELFS	40

#define FRAME_CS	656	// offset of arch.Frame's CS
#define MSR_FS_BASE	0xC0000100

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
// interrupt frame, making an arch.Frame at SP, switches to the kernel's
// FS base, and calls dispatch(frame). The CPU aligned the interrupt frame
// to 16 bytes (SDM Vol. 3A §6.14.2) and the frame is 22 words, so the
// FXSAVE area is 16-byte aligned.
//
// The interrupted FS base is pushed below the frame and restored by
// trapret on a return to ring 0. On an entry from ring 3 it is also the
// running thread's, kept in the CPU block (CPU_USERFS), where sched.Switch
// and arch_prctl read and change it and from which trapret loads it on a
// return to ring 3. An NMI between the thread's WRMSR in trapret and the
// IRETQ enters from ring 0 with the thread's FS base and puts it back.
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
	MOVQ	SP, BX			// the frame
	MOVL	$MSR_FS_BASE, CX	// RDMSR and WRMSR: SDM Vol. 2B
	RDMSR
	SHLQ	$32, DX
	ORQ	DX, AX
	PUSHQ	AX			// the interrupted FS base
	TESTQ	$3, FRAME_CS(BX)
	JZ	kernelfs
	MOVQ	AX, CPU_USERFS(GS)
kernelfs:
	MOVQ	CPU_KERNELFS(GS), AX
	MOVQ	AX, DX
	SHRQ	$32, DX
	WRMSR
	INCQ	CPU_DEPTH(GS)
	PUSHQ	BX
	// An indirect call, so that the linker's nosplit analysis checks
	// dispatch's call tree on its own (at most 800 bytes of Go frames)
	// instead of adding it to the 704 bytes saved here: the kernel
	// stack, not a goroutine stack, holds both.
	LEAQ	·dispatch(SB), AX
	CALL	AX
	POPQ	BX
	DECQ	CPU_DEPTH(GS)
	POPQ	AX			// the interrupted FS base
	JMP	trapret<>(SB)

// trapret restores the arch.Frame at SP and returns through IRETQ. The FS
// base becomes AX on a return to ring 0, the running thread's
// (CPU_USERFS) on a return to ring 3.
TEXT trapret<>(SB),NOSPLIT|NOFRAME,$0
	TESTQ	$3, FRAME_CS(SP)
	JZ	setfs
	MOVQ	CPU_USERFS(GS), AX
setfs:
	MOVQ	AX, DX
	SHRQ	$32, DX
	MOVL	$MSR_FS_BASE, CX
	WRMSR
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
	JMP	iretq<>(SB)

// iretq is the return from every kernel entry. On a return to ring 3 it
// can fault in ring 0 for the thread's state (a non-canonical RIP, SDM
// Vol. 2A, IRET: #GP(0)); exception() in trap_ring0.go recognises the
// fault by its RIP, iretAddr, and makes it the thread's.
TEXT iretq<>(SB),NOSPLIT|NOFRAME,$0
	IRETQ

// func iretAddr() uint64
TEXT ·iretAddr(SB),NOSPLIT,$0-8
	LEAQ	iretq<>(SB), AX
	MOVQ	AX, ret+0(FP)
	RET

// func enterFrame(f *arch.Frame)
//
// enterFrame starts executing the state in f, which must lie at the top of
// the kernel stack (as an entry from ring 3 would have left it).
TEXT ·enterFrame(SB),NOSPLIT|NOFRAME,$0-8
	MOVQ	f+0(FP), SP
	MOVQ	CPU_KERNELFS(GS), AX	// for a ring-0 frame; ring 3 takes CPU_USERFS
	JMP	trapret<>(SB)

// func stubAddrs() (vectors, syscall uint64)
TEXT ·stubAddrs(SB),NOSPLIT,$0-16
	LEAQ	·vectors(SB), AX
	MOVQ	AX, vectors+0(FP)
	LEAQ	·syscallEntry(SB), AX
	MOVQ	AX, syscall+8(FP)
	RET
