#include "textflag.h"

// func apEntry()
//
// An AP arrives here from its trampoline (boot/ap.s) in long mode, with
// the kernel's page tables and IDT, on its kernel stack, interrupts off,
// FS at the kernel's TLS (-8(FS) holds a g, kernel/cpu) and GS at its
// kernel/cpu block: DI is its CPU index. As start64.s does for the boot
// CPU, it makes SSE usable before any Go code runs (CR0.EM=0, CR0.MP=1,
// CR4.OSFXSR, CR4.OSXMMEXCPT; SDM Vol. 3A §13.1.3); then apMain(index),
// which never returns.
TEXT ·apEntry(SB),NOSPLIT|NOFRAME,$0
	MOVQ	DI, BX
	MOVQ	CR0, AX
	ANDQ	$~(1<<2), AX
	ORQ	$(1<<1), AX
	MOVQ	AX, CR0
	MOVQ	CR4, AX
	ORQ	$((1<<9)|(1<<10)), AX
	MOVQ	AX, CR4
	SUBQ	$16, SP
	MOVQ	BX, 0(SP)
	CALL	·apMain(SB)
hang:
	CLI
	HLT
	JMP	hang

// func apEntryAddr() uint64
TEXT ·apEntryAddr(SB),NOSPLIT,$0-8
	LEAQ	·apEntry(SB), AX
	MOVQ	AX, ret+0(FP)
	RET
