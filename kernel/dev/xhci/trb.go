package xhci

import "fmt"

// TRB is a Transfer Request Block (§4.11, §6.4): 16 bytes, a 64-bit
// parameter, a status dword and a control dword whose bit 0 is the cycle
// bit and bits 15:10 the type. TRB is a plain value: encoding and
// decoding are pure, and Ring and EventRing move TRBs to and from DMA
// memory.
type TRB struct {
	Param   uint64
	Status  uint32
	Control uint32
}

// TRBSize is the size of a TRB in memory.
const TRBSize = 16

// TRB types (Table 6-91).
const (
	TypeNormal          = 1
	TypeSetup           = 2
	TypeData            = 3
	TypeStatus          = 4
	TypeLink            = 6
	TypeNoOp            = 8
	TypeEnableSlot      = 9
	TypeDisableSlot     = 10
	TypeAddressDevice   = 11
	TypeConfigureEP     = 12
	TypeEvaluateContext = 13
	TypeResetEP         = 14
	TypeStopEP          = 15
	TypeSetTRDequeue    = 16
	TypeNoOpCommand     = 23

	TypeTransferEvent   = 32
	TypeCommandComplete = 33
	TypePortStatus      = 34
	TypeHostController  = 37
)

// Control dword fields (§6.4.1-§6.4.4).
const (
	trbCycle   = 1 << 0
	trbTC      = 1 << 1 // Link: toggle cycle
	trbENT     = 1 << 1 // evaluate next TRB
	trbISP     = 1 << 2 // interrupt on short packet
	trbChain   = 1 << 4
	trbIOC     = 1 << 5 // interrupt on completion
	trbIDT     = 1 << 6 // immediate data
	trbBSR     = 1 << 9 // Address Device: block SET_ADDRESS
	trbDC      = 1 << 9 // Configure Endpoint: deconfigure
	trbTSP     = 1 << 9 // Reset Endpoint: transfer state preserve
	trbDirIn   = 1 << 16
	typeShift  = 10
	slotShift  = 24
	epShift    = 16
	trtShift   = 16 // Setup Stage: transfer type
	ccShift    = 24 // completion code, in the status dword of events
	intrShift  = 22 // interrupter target, in the status dword
	lengthMask = 0x1FFFF
)

// Type returns the TRB's type.
func (t TRB) Type() int { return int(t.Control >> typeShift & 0x3F) }

// Cycle returns the cycle bit.
func (t TRB) Cycle() bool { return t.Control&trbCycle != 0 }

// Slot returns the Slot ID field (bits 31:24 of the control dword).
func (t TRB) Slot() int { return int(t.Control >> slotShift) }

// Endpoint returns the Endpoint ID (DCI) field (bits 20:16).
func (t TRB) Endpoint() int { return int(t.Control >> epShift & 0x1F) }

func (t TRB) String() string {
	return fmt.Sprintf("TRB type %d %016x %08x %08x", t.Type(), t.Param, t.Status, t.Control)
}

func ctl(typ int) uint32 { return uint32(typ) << typeShift }

// Transfer TRBs (§6.4.1).

// Normal is a Normal TRB (§6.4.1.1) for the len bytes at buf, with an
// interrupt on completion and on a short packet.
func Normal(buf uint64, length int) TRB {
	return TRB{Param: buf, Status: uint32(length) & lengthMask, Control: ctl(TypeNormal) | trbIOC | trbISP}
}

// Transfer types of a Setup Stage TRB (§6.4.1.2.1, TRT).
const (
	trtNoData = 0
	trtOut    = 2
	trtIn     = 3
)

// SetupStage is a Setup Stage TRB carrying the 8-byte setup packet as
// immediate data (§6.4.1.2.1). dataIn and hasData give the TRT field.
func SetupStage(setup [8]byte, hasData, dataIn bool) TRB {
	var p uint64
	for i := 7; i >= 0; i-- {
		p = p<<8 | uint64(setup[i])
	}
	trt := uint32(trtNoData)
	switch {
	case hasData && dataIn:
		trt = trtIn
	case hasData:
		trt = trtOut
	}
	return TRB{Param: p, Status: 8, Control: ctl(TypeSetup) | trbIDT | trt<<trtShift}
}

// DataStage is a Data Stage TRB for length bytes at buf (§6.4.1.2.2). A
// short IN transfer is normal (a descriptor shorter than asked for), so
// ISP asks for an event then.
func DataStage(buf uint64, length int, in bool) TRB {
	c := ctl(TypeData) | trbISP
	if in {
		c |= trbDirIn
	}
	return TRB{Param: buf, Status: uint32(length) & lengthMask, Control: c}
}

// StatusStage is a Status Stage TRB (§6.4.1.2.3), with an interrupt on
// completion: its direction is opposite to the data stage's, and IN when
// there is none (Table 4-7).
func StatusStage(in bool) TRB {
	c := ctl(TypeStatus) | trbIOC
	if in {
		c |= trbDirIn
	}
	return TRB{Control: c}
}

// Link is a Link TRB to the segment at next (§6.4.4.1); toggle sets TC,
// which the last segment of a ring needs.
func Link(next uint64, toggle bool) TRB {
	c := ctl(TypeLink)
	if toggle {
		c |= trbTC
	}
	return TRB{Param: next, Control: c}
}

// NoOp is a No Op transfer TRB (§6.4.1.4).
func NoOp() TRB { return TRB{Control: ctl(TypeNoOp) | trbIOC} }

// Command TRBs (§6.4.3).

// NoOpCommand is a No Op Command TRB (§6.4.3.1).
func NoOpCommand() TRB { return TRB{Control: ctl(TypeNoOpCommand)} }

// EnableSlot is an Enable Slot Command TRB (§6.4.3.2), slot type 0.
func EnableSlot() TRB { return TRB{Control: ctl(TypeEnableSlot)} }

// DisableSlot is a Disable Slot Command TRB (§6.4.3.3).
func DisableSlot(slot int) TRB {
	return TRB{Control: ctl(TypeDisableSlot) | uint32(slot)<<slotShift}
}

// AddressDevice is an Address Device Command TRB (§6.4.3.4) with the
// input context at input; bsr blocks the SET_ADDRESS request.
func AddressDevice(input uint64, slot int, bsr bool) TRB {
	c := ctl(TypeAddressDevice) | uint32(slot)<<slotShift
	if bsr {
		c |= trbBSR
	}
	return TRB{Param: input, Control: c}
}

// ConfigureEndpoint is a Configure Endpoint Command TRB (§6.4.3.5).
func ConfigureEndpoint(input uint64, slot int, deconfigure bool) TRB {
	c := ctl(TypeConfigureEP) | uint32(slot)<<slotShift
	if deconfigure {
		c |= trbDC
	}
	return TRB{Param: input, Control: c}
}

// EvaluateContext is an Evaluate Context Command TRB (§6.4.3.6).
func EvaluateContext(input uint64, slot int) TRB {
	return TRB{Param: input, Control: ctl(TypeEvaluateContext) | uint32(slot)<<slotShift}
}

// ResetEndpoint is a Reset Endpoint Command TRB (§6.4.3.7): after a
// stall, the endpoint leaves the Halted state.
func ResetEndpoint(slot, dci int) TRB {
	return TRB{Control: ctl(TypeResetEP) | uint32(slot)<<slotShift | uint32(dci)<<epShift}
}

// StopEndpoint is a Stop Endpoint Command TRB (§6.4.3.8).
func StopEndpoint(slot, dci int) TRB {
	return TRB{Control: ctl(TypeStopEP) | uint32(slot)<<slotShift | uint32(dci)<<epShift}
}

// SetTRDequeue is a Set TR Dequeue Pointer Command TRB (§6.4.3.9): the
// endpoint's ring resumes at ptr with cycle state cycle.
func SetTRDequeue(slot, dci int, ptr uint64, cycle bool) TRB {
	p := ptr &^ 0xF
	if cycle {
		p |= 1
	}
	return TRB{Param: p, Control: ctl(TypeSetTRDequeue) | uint32(slot)<<slotShift | uint32(dci)<<epShift}
}
