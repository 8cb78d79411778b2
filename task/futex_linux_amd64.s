#include "textflag.h"

// func futexWake(addr *uint32)
//
// futex(addr, FUTEX_WAKE_PRIVATE, 1): the Linux system call 202 on amd64
// (arch/x86/entry/syscalls/syscall_64.tbl), arguments in DI, SI, DX. The
// result (the number of threads woken, or an error) is ignored: a wake
// with nobody waiting is harmless.
TEXT ·futexWake(SB),NOSPLIT,$0-8
	MOVQ	addr+0(FP), DI
	MOVQ	$129, SI	// FUTEX_WAKE | FUTEX_PRIVATE_FLAG
	MOVQ	$1, DX
	MOVQ	$202, AX	// SYS_futex
	SYSCALL
	RET

// func inRing0() bool
//
// The current privilege level is the low two bits of CS (Intel SDM Vol.
// 3A 5.5): 0 in the kernel's interrupt handlers, 3 in its Go program and
// on the host. Reading CS is allowed at any level.
TEXT ·inRing0(SB),NOSPLIT,$0-1
	MOVW	CS, AX
	TESTB	$3, AL
	SETEQ	ret+0(FP)
	RET
