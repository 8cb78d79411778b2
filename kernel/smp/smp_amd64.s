#include "textflag.h"

// func undefined()
// UD2 raises #UD (SDM Vol. 2B, UD): the fault test=apfault injects.
TEXT ·undefined(SB),NOSPLIT,$0-0
	BYTE	$0x0F; BYTE $0x0B
	RET
