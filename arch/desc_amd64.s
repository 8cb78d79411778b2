#include "textflag.h"

// func LoadGDT(p *DescriptorPointer, code, data uint16)
TEXT ·LoadGDT(SB),NOSPLIT,$0-12
	MOVQ	p+0(FP), AX
	LGDT	(AX)
	MOVWQZX	data+10(FP), AX
	MOVW	AX, DS
	MOVW	AX, ES
	MOVW	AX, SS
	MOVWQZX	code+8(FP), AX
	// Far return to the next instruction with the new CS.
	POPQ	DX		// our return address
	PUSHQ	AX
	PUSHQ	DX
	BYTE	$0x48; BYTE $0xCB	// LRETQ

// func LoadIDT(p *DescriptorPointer)
TEXT ·LoadIDT(SB),NOSPLIT,$0-8
	MOVQ	p+0(FP), AX
	LIDT	(AX)
	RET

// func LoadTR(sel uint16)
TEXT ·LoadTR(SB),NOSPLIT,$0-2
	MOVW	sel+0(FP), AX
	LTR	AX
	RET
