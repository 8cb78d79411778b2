#include "textflag.h"

// func CPUID(leaf, sub uint32) (a, b, c, d uint32)
TEXT ·CPUID(SB),NOSPLIT,$0-24
	MOVL	leaf+0(FP), AX
	MOVL	sub+4(FP), CX
	CPUID
	MOVL	AX, a+8(FP)
	MOVL	BX, b+12(FP)
	MOVL	CX, c+16(FP)
	MOVL	DX, d+20(FP)
	RET

// func Rdtsc() uint64
TEXT ·Rdtsc(SB),NOSPLIT,$0-8
	RDTSC
	SHLQ	$32, DX
	ORQ	DX, AX
	MOVQ	AX, ret+0(FP)
	RET

// func Rdrand() (v uint64, ok bool)
TEXT ·Rdrand(SB),NOSPLIT,$0-9
	RDRANDQ	AX
	SETCS	BX
	MOVQ	AX, v+0(FP)
	MOVB	BX, ok+8(FP)
	RET

// func Cli()
TEXT ·Cli(SB),NOSPLIT,$0-0
	CLI
	RET

// func Sti()
TEXT ·Sti(SB),NOSPLIT,$0-0
	STI
	RET

// func Hlt()
TEXT ·Hlt(SB),NOSPLIT,$0-0
	HLT
	RET

// func StiHlt()
TEXT ·StiHlt(SB),NOSPLIT,$0-0
	STI
	HLT
	RET

// func Pause()
TEXT ·Pause(SB),NOSPLIT,$0-0
	PAUSE
	RET

// func Int3()
TEXT ·Int3(SB),NOSPLIT,$0-0
	BYTE	$0xCC
	RET

// func Flags() uint64
TEXT ·Flags(SB),NOSPLIT,$0-8
	PUSHFQ
	POPQ	AX
	MOVQ	AX, ret+0(FP)
	RET

// func Mfence()
TEXT ·Mfence(SB),NOSPLIT,$0-0
	MFENCE
	RET
