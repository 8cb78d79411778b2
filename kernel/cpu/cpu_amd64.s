#include "textflag.h"

// func self() uint64
// GS:0 is the block's own address (Block.self); GS's base is the block.
TEXT ·self(SB),NOSPLIT,$0-8
	MOVQ	0(GS), AX
	MOVQ	AX, ret+0(FP)
	RET
