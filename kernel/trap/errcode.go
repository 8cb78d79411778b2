package trap

import "gokernel/arch"

// ErrorCode is a decoded exception error code (SDM Vol. 3A §6.13 for the
// selector format, §6.15 interrupt 14 for page faults).
type ErrorCode struct {
	Vector uint64
	Raw    uint64

	// Page faults.
	Present, Write, User, Fetch, Reserved bool

	// Selector error codes (#TS, #NP, #SS, #GP, and #DF's zero): the
	// selector index, and where it points.
	HasSelector bool
	External    bool // the event was external to the program (an interrupt)
	IDT         bool // Index is an IDT vector
	LDT         bool // Index is in the LDT (else the GDT), when not IDT
	Index       uint64
}

// DecodeErrorCode interprets the error code ec of vector v.
//
//go:nosplit
func DecodeErrorCode(v, ec uint64) ErrorCode {
	e := ErrorCode{Vector: v, Raw: ec}
	switch v {
	case VecPageFault:
		e.Present = ec&arch.PF_P != 0
		e.Write = ec&arch.PF_W != 0
		e.User = ec&arch.PF_U != 0
		e.Fetch = ec&arch.PF_I != 0
		e.Reserved = ec&arch.PF_RSVD != 0
	case 10, 11, 12, 13, 17:
		if ec != 0 {
			e.HasSelector = true
			e.External = ec&1 != 0
			e.IDT = ec&2 != 0
			e.LDT = !e.IDT && ec&4 != 0
			e.Index = ec >> 3 & 0x1FFF
		}
	}
	return e
}
