#include "textflag.h"

// func kernelEntry()
//
// The ELF entry of the Go image (linked with -E main.kernelEntry), reached
// from boot/start64.S in long mode on the boot stack, with -8(FS) pointing
// at a zero page (see start64.S). Registers: DI boot magic, SI boot
// information, DX image start, CX image end, R8 Go image base, R9 and R10
// the AP trampoline's start and end, R11 the TSC at the stub's start. It passes them, with the address of
// the Go runtime's own entry, to start, which never returns.
TEXT ·kernelEntry(SB),NOSPLIT|NOFRAME,$0
	SUBQ	$72, SP
	MOVQ	DI, 0(SP)
	MOVQ	SI, 8(SP)
	MOVQ	DX, 16(SP)
	MOVQ	CX, 24(SP)
	MOVQ	R8, 32(SP)
	LEAQ	_rt0_amd64_linux(SB), AX
	MOVQ	AX, 40(SP)
	MOVQ	R9, 48(SP)
	MOVQ	R10, 56(SP)
	MOVQ	R11, 64(SP)
	CALL	·start(SB)
hang:
	CLI
	HLT
	JMP	hang
