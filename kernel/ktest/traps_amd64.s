#include "textflag.h"

// Helpers for the trap tests: instructions Go code never emits.

// func hwDivide(a, b uint64) uint64
// DIVQ with the CPU's own divide-by-zero check (#DE); Go's division checks
// the divisor in software before the instruction, so it never traps.
TEXT ·hwDivide(SB),NOSPLIT,$0-24
	MOVQ	a+0(FP), AX
	MOVQ	b+8(FP), CX
	XORQ	DX, DX
	DIVQ	CX
	MOVQ	AX, ret+16(FP)
	RET

// func ud2()
TEXT ·ud2(SB),NOSPLIT,$0-0
	BYTE	$0x0F; BYTE $0x0B	// UD2: the architecturally undefined instruction
	RET

// func int3()
TEXT ·int3(SB),NOSPLIT,$0
	INT	$3
	RET
