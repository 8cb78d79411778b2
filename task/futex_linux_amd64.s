#include "textflag.h"

// func futexWake(addr *uint32)
//
// futex(addr, FUTEX_WAKE_PRIVATE, 1): the Linux system call 202 on amd64
// (arch/x86/entry/syscalls/syscall_64.tbl), arguments in DI, SI, DX. The
// result (the number of threads woken, or an error) is ignored: a wake
// with nobody waiting is harmless.
//
// In ring 0 (the low two bits of CS, the current privilege level, are 0:
// Intel SDM Vol. 3A 5.5) it returns without the call: an interrupt
// handler in the kernel cannot make a system call, and the kernel ends
// the wait itself after the handler (see park's protocol in idle.go). On
// the host and in the kernel's ring 3, CPL is 3.
TEXT ·futexWake(SB),NOSPLIT,$0-8
	MOVW	CS, AX
	TESTB	$3, AL
	JEQ	ring0
	MOVQ	addr+0(FP), DI
	MOVQ	$129, SI	// FUTEX_WAKE | FUTEX_PRIVATE_FLAG
	MOVQ	$1, DX
	MOVQ	$202, AX	// SYS_futex
	SYSCALL
ring0:
	RET
