#include "textflag.h"

// func overflowStack()
// Pushes until the kernel stack runs into its guard page. The page fault
// that follows cannot push its own frame either, so the CPU raises a double
// fault, which runs on its own interrupt stack (IST 1).
TEXT ·overflowStack(SB),NOSPLIT|NOFRAME,$0
loop:
	PUSHQ	$0
	JMP	loop

// func int3()
TEXT ·int3(SB),NOSPLIT,$0
	INT	$3
	RET

// func int81()
TEXT ·int81(SB),NOSPLIT,$0
	INT	$0x81
	RET
