#include "textflag.h"

// The goroutine identity checks of local.go, for linux/amd64. They read the current g from
// thread-local storage, as the runtime's get_tls does (on linux/amd64 the
// g is at -8(FS)), and its stack bounds from the g: runtime.g begins with
// stack (lo, hi uintptr), as it has since Go 1.4 (runtime/runtime2.go);
// TestGoroutineIdentity checks both on the toolchain in use.

// func currentG() uintptr
TEXT ·currentG(SB),NOSPLIT,$0-8
	MOVQ	(TLS), AX
	MOVQ	AX, ret+0(FP)
	RET

// func onOwnStack(gp uintptr) bool
//
// Reports whether the caller runs on goroutine gp and on gp's own stack.
TEXT ·onOwnStack(SB),NOSPLIT,$0-9
	MOVQ	(TLS), AX
	CMPQ	AX, gp+0(FP)
	JNE	no
	MOVQ	0(AX), BX	// g.stack.lo
	CMPQ	SP, BX
	JLS	no
	MOVQ	8(AX), BX	// g.stack.hi
	CMPQ	SP, BX
	JCC	no
	MOVB	$1, ret+8(FP)
	RET
no:
	MOVB	$0, ret+8(FP)
	RET

// func stackBounds() (lo, hi, sp uintptr)
TEXT ·stackBounds(SB),NOSPLIT,$0-24
	MOVQ	(TLS), AX
	MOVQ	0(AX), BX
	MOVQ	BX, lo+0(FP)
	MOVQ	8(AX), BX
	MOVQ	BX, hi+8(FP)
	MOVQ	SP, sp+16(FP)
	RET
