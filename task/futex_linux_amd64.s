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
