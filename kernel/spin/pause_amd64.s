#include "textflag.h"

// func pause()
TEXT ·pause(SB),NOSPLIT,$0-0
	PAUSE
	RET

// func leafSpin(word *uint32, spins *uint64)
// Leaf.Lock's contended case, without a Go frame (ring-0 stacks are
// bounded): PAUSE, count, and retry the compare-and-swap of the word from
// 0 to 1 once it reads 0 (SDM Vol. 2A, CMPXCHG with LOCK).
TEXT ·leafSpin(SB),NOSPLIT,$0-16
	MOVQ	word+0(FP), BX
	MOVQ	spins+8(FP), CX
again:
	PAUSE
	LOCK
	INCQ	(CX)
	MOVL	(BX), AX
	TESTL	AX, AX
	JNZ	again
	MOVL	$1, DX
	LOCK
	CMPXCHGL	DX, (BX)
	JNZ	again
	RET
