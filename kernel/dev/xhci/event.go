package xhci

import "fmt"

// Event is a decoded event TRB (§6.4.2).
type Event struct {
	Type int
	Code Completion // completion code
	Ptr  uint64     // the TRB the event is about (transfer, command), 0 otherwise
	Slot int
	DCI  int    // transfer events: the endpoint's device context index
	Port int    // port status change events: the port, from 1
	Len  int    // transfer events: bytes NOT transferred (TRB Transfer Length)
	Data uint32 // command completion parameter (bits 23:0)
}

// DecodeEvent decodes an event TRB (Transfer, Command Completion, Port
// Status Change, Host Controller; others keep their type and code).
func DecodeEvent(t TRB) Event {
	e := Event{Type: t.Type(), Code: Completion(t.Status >> ccShift)}
	switch e.Type {
	case TypeTransferEvent:
		e.Ptr, e.Slot, e.DCI, e.Len = t.Param, t.Slot(), t.Endpoint(), int(t.Status&0xFFFFFF)
	case TypeCommandComplete:
		e.Ptr, e.Slot, e.Data = t.Param, t.Slot(), t.Status&0xFFFFFF
	case TypePortStatus:
		e.Port = int(t.Param >> 24 & 0xFF)
	}
	return e
}

// EncodeEvent is DecodeEvent's inverse, for tests and fakes: the event
// TRB a controller would write (cycle bit clear).
func EncodeEvent(e Event) TRB {
	t := TRB{Status: uint32(e.Code) << ccShift, Control: ctl(e.Type)}
	switch e.Type {
	case TypeTransferEvent:
		t.Param, t.Status = e.Ptr, t.Status|uint32(e.Len)&0xFFFFFF
		t.Control |= uint32(e.Slot)<<slotShift | uint32(e.DCI)<<epShift
	case TypeCommandComplete:
		t.Param, t.Status = e.Ptr, t.Status|e.Data&0xFFFFFF
		t.Control |= uint32(e.Slot) << slotShift
	case TypePortStatus:
		t.Param = uint64(e.Port) << 24
	}
	return t
}

// Completion is a completion code (§6.4.5, Table 6-90).
type Completion uint8

const (
	CCInvalid          Completion = 0
	CCSuccess          Completion = 1
	CCDataBuffer       Completion = 2
	CCBabble           Completion = 3
	CCTransaction      Completion = 4
	CCTRB              Completion = 5
	CCStall            Completion = 6
	CCResource         Completion = 7
	CCBandwidth        Completion = 8
	CCNoSlots          Completion = 9
	CCSlotNotEnabled   Completion = 11
	CCEndpointNotEnab  Completion = 12
	CCShortPacket      Completion = 13
	CCRingUnderrun     Completion = 14
	CCRingOverrun      Completion = 15
	CCParameter        Completion = 17
	CCContextState     Completion = 19
	CCEventRingFull    Completion = 21
	CCIncompatible     Completion = 22
	CCMissedService    Completion = 23
	CCCommandRingStop  Completion = 24
	CCCommandAborted   Completion = 25
	CCStopped          Completion = 26
	CCStoppedLenInval  Completion = 27
	CCMaxExitLatency   Completion = 29
	CCEventLost        Completion = 32
	CCUndefined        Completion = 33
	CCSplitTransaction Completion = 36
)

var ccNames = map[Completion]string{
	CCInvalid: "invalid", CCSuccess: "success", CCDataBuffer: "data buffer error",
	CCBabble: "babble", CCTransaction: "USB transaction error", CCTRB: "TRB error",
	CCStall: "stall", CCResource: "resource error", CCBandwidth: "bandwidth error",
	CCNoSlots: "no slots available", CCSlotNotEnabled: "slot not enabled",
	CCEndpointNotEnab: "endpoint not enabled", CCShortPacket: "short packet",
	CCRingUnderrun: "ring underrun", CCRingOverrun: "ring overrun",
	CCParameter: "parameter error", CCContextState: "context state error",
	CCEventRingFull: "event ring full", CCIncompatible: "incompatible device",
	CCMissedService: "missed service", CCCommandRingStop: "command ring stopped",
	CCCommandAborted: "command aborted", CCStopped: "stopped",
	CCStoppedLenInval: "stopped, length invalid", CCMaxExitLatency: "max exit latency too large",
	CCEventLost: "event lost", CCUndefined: "undefined error", CCSplitTransaction: "split transaction error",
}

func (c Completion) String() string {
	if n, ok := ccNames[c]; ok {
		return n
	}
	return fmt.Sprintf("completion code %d", uint8(c))
}

// OK reports whether the code is a success: Success, or Short Packet for
// a transfer that returned less than asked (a normal outcome for IN).
func (c Completion) OK() bool { return c == CCSuccess || c == CCShortPacket }
