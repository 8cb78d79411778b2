#include "textflag.h"

#define SYS_CLONE	56
#define SYS_EXIT	60

// func CloneExit(flags, stack, tls, status uintptr) (r uintptr)
//
// clone(flags, stack, 0, 0, tls). The child, if one is made, calls
// exit(status) at once, touching neither the stack nor its TLS, so any
// stack and TLS are safe to pass. The parent gets clone's raw result.
TEXT ·CloneExit(SB),NOSPLIT,$0-40
	MOVQ	status+24(FP), R9
	MOVQ	$SYS_CLONE, AX
	MOVQ	flags+0(FP), DI
	MOVQ	stack+8(FP), SI
	XORQ	DX, DX
	XORQ	R10, R10
	MOVQ	tls+16(FP), R8
	SYSCALL
	TESTQ	AX, AX
	JNZ	parent
	MOVQ	R9, DI
	MOVQ	$SYS_EXIT, AX
	SYSCALL
parent:
	MOVQ	AX, r+32(FP)
	RET
