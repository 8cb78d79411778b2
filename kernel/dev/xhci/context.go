package xhci

// Contexts (§6.2): the slot context and endpoint contexts the controller
// keeps for each device in the output device context (§6.2.1), and the
// input context (§6.2.5) through which commands change them. A context
// is 32 bytes, or 64 when HCCPARAMS1.CSZ is set, of which only the first
// 32 are used.

// SlotContext is a slot context (§6.2.2, Figure 6-2).
type SlotContext struct {
	Route       uint32 // route string: the hub ports from the root port, 4 bits each
	Speed       int    // port speed ID (deprecated in 1.2, still read by older controllers)
	MTT         bool   // multi-TT hub, or a low/full-speed device behind one
	Hub         bool   // the device is a hub
	Entries     int    // context entries: the last valid endpoint context's index
	RootPort    int    // root hub port number, from 1
	Ports       int    // a hub's downstream ports
	TTHubSlot   int    // slot of the high-speed hub whose TT serves a low/full-speed device
	TTPort      int    // that hub's port
	TTT         int    // a hub's TT think time, 0-3
	Interrupter int
	Address     int // set by the controller
	State       int // set by the controller: 0 disabled/enabled, 1 default, 2 addressed, 3 configured
}

// Slot states (Table 6-7).
const (
	SlotEnabled    = 0
	SlotDefault    = 1
	SlotAddressed  = 2
	SlotConfigured = 3
)

// Encode writes s into the 32 bytes at b (the reserved dwords zero).
func (s SlotContext) Encode(b []byte) {
	d := DMA{Mem: b}
	w0 := s.Route&0xFFFFF | uint32(s.Speed&0xF)<<20 | uint32(s.Entries&0x1F)<<27
	if s.MTT {
		w0 |= 1 << 25
	}
	if s.Hub {
		w0 |= 1 << 26
	}
	d.put32(0, w0)
	d.put32(4, uint32(s.RootPort&0xFF)<<16|uint32(s.Ports&0xFF)<<24)
	d.put32(8, uint32(s.TTHubSlot&0xFF)|uint32(s.TTPort&0xFF)<<8|uint32(s.TTT&3)<<16|uint32(s.Interrupter&(1<<10-1))<<22)
	d.put32(12, uint32(s.Address&0xFF)|uint32(s.State&0x1F)<<27)
	for off := 16; off < 32; off += 4 {
		d.put32(off, 0)
	}
}

// DecodeSlot reads a slot context from the 32 bytes at b.
func DecodeSlot(b []byte) SlotContext {
	d := DMA{Mem: b}
	w0, w1, w2, w3 := d.get32(0), d.get32(4), d.get32(8), d.get32(12)
	return SlotContext{
		Route: w0 & 0xFFFFF, Speed: int(w0 >> 20 & 0xF), MTT: w0&(1<<25) != 0, Hub: w0&(1<<26) != 0,
		Entries: int(w0 >> 27), RootPort: int(w1 >> 16 & 0xFF), Ports: int(w1 >> 24),
		TTHubSlot: int(w2 & 0xFF), TTPort: int(w2 >> 8 & 0xFF), TTT: int(w2 >> 16 & 3),
		Interrupter: int(w2 >> 22), Address: int(w3 & 0xFF), State: int(w3 >> 27),
	}
}

// EndpointContext is an endpoint context (§6.2.3, Figure 6-3).
type EndpointContext struct {
	State       int // set by the controller: 0 disabled, 1 running, 2 halted, 3 stopped, 4 error
	Mult        int
	MaxPStreams int
	Interval    int // 2^Interval × 125 µs
	CErr        int // error count: 3 for everything but isochronous
	Type        int // EPControl, EPInterruptIn, ...
	MaxBurst    int
	MaxPacket   int
	Dequeue     uint64 // TR Dequeue Pointer (16-byte aligned)
	DCS         bool   // dequeue cycle state
	AvgTRBLen   int
	MaxESIT     int // max endpoint service time interval payload, bytes
}

// Endpoint states (Table 6-8).
const (
	EPDisabled = 0
	EPRunning  = 1
	EPHalted   = 2
	EPStopped  = 3
	EPError    = 4
)

// Endpoint types (Table 6-9).
const (
	EPIsochOut     = 1
	EPBulkOut      = 2
	EPInterruptOut = 3
	EPControl      = 4
	EPIsochIn      = 5
	EPBulkIn       = 6
	EPInterruptIn  = 7
)

// Encode writes e into the 32 bytes at b.
func (e EndpointContext) Encode(b []byte) {
	d := DMA{Mem: b}
	d.put32(0, uint32(e.State&7)|uint32(e.Mult&3)<<8|uint32(e.MaxPStreams&0x1F)<<10|
		uint32(e.Interval&0xFF)<<16|uint32(e.MaxESIT>>16&0xFF)<<24)
	d.put32(4, uint32(e.CErr&3)<<1|uint32(e.Type&7)<<3|uint32(e.MaxBurst&0xFF)<<8|uint32(e.MaxPacket&0xFFFF)<<16)
	p := e.Dequeue &^ 0xF
	if e.DCS {
		p |= 1
	}
	d.put64(8, p)
	d.put32(16, uint32(e.AvgTRBLen&0xFFFF)|uint32(e.MaxESIT&0xFFFF)<<16)
	for off := 20; off < 32; off += 4 {
		d.put32(off, 0)
	}
}

// DecodeEndpoint reads an endpoint context from the 32 bytes at b.
func DecodeEndpoint(b []byte) EndpointContext {
	d := DMA{Mem: b}
	w0, w1, p, w4 := d.get32(0), d.get32(4), d.get64(8), d.get32(16)
	return EndpointContext{
		State: int(w0 & 7), Mult: int(w0 >> 8 & 3), MaxPStreams: int(w0 >> 10 & 0x1F),
		Interval: int(w0 >> 16 & 0xFF), CErr: int(w1 >> 1 & 3), Type: int(w1 >> 3 & 7),
		MaxBurst: int(w1 >> 8 & 0xFF), MaxPacket: int(w1 >> 16), Dequeue: p &^ 0xF, DCS: p&1 != 0,
		AvgTRBLen: int(w4 & 0xFFFF), MaxESIT: int(w4>>16) | int(w0>>24)<<16,
	}
}

// InputControl is the input control context (§6.2.5.1): which contexts
// a command drops (D2-D31) and adds or evaluates (A0-A31).
type InputControl struct {
	Drop, Add uint32
	Config    uint8 // configuration value, interface, alternate (for the controller's information)
	Interface uint8
	Alternate uint8
}

// Encode writes c into the 32 bytes at b.
func (c InputControl) Encode(b []byte) {
	d := DMA{Mem: b}
	d.put32(0, c.Drop&^3) // D0 and D1 are reserved
	d.put32(4, c.Add)
	for off := 8; off < 28; off += 4 {
		d.put32(off, 0)
	}
	d.put32(28, uint32(c.Config)|uint32(c.Interface)<<8|uint32(c.Alternate)<<16)
}

// DecodeInputControl reads an input control context.
func DecodeInputControl(b []byte) InputControl {
	d := DMA{Mem: b}
	w7 := d.get32(28)
	return InputControl{Drop: d.get32(0), Add: d.get32(4), Config: uint8(w7), Interface: uint8(w7 >> 8), Alternate: uint8(w7 >> 16)}
}

// Context layout. The input context is the input control context, the
// slot context, then the endpoint contexts by DCI 1-31 (Figure 6-5);
// the device context is the slot context, then the endpoint contexts
// (Figure 6-1).

// InputContextSize and DeviceContextSize are the bytes of each for a
// context size of 32 or 64.
func InputContextSize(ctx int) int  { return 33 * ctx }
func DeviceContextSize(ctx int) int { return 32 * ctx }

// InputSlot returns the slot context's bytes in an input context.
func InputSlot(in []byte, ctx int) []byte { return in[ctx : 2*ctx] }

// InputEndpoint returns endpoint context dci's bytes in an input context.
func InputEndpoint(in []byte, ctx, dci int) []byte { return in[(dci+1)*ctx : (dci+2)*ctx] }

// OutputSlot returns the slot context's bytes in a device context.
func OutputSlot(out []byte, ctx int) []byte { return out[:ctx] }

// OutputEndpoint returns endpoint context dci's bytes in a device context.
func OutputEndpoint(out []byte, ctx, dci int) []byte { return out[dci*ctx : (dci+1)*ctx] }

// DCI returns the device context index of an endpoint from its address
// (§4.5.1): endpoint 0 is 1, OUT endpoint n is 2n, IN endpoint n 2n+1.
func DCI(epAddress uint8) int {
	n := int(epAddress & 0xF)
	if n == 0 {
		return 1
	}
	if epAddress&0x80 != 0 {
		return 2*n + 1
	}
	return 2 * n
}

// EndpointType returns the endpoint context's type for an endpoint
// descriptor's transfer type and direction (Table 6-9).
func EndpointType(attributes, address uint8) int {
	in := address&0x80 != 0
	switch attributes & 3 {
	case 0:
		return EPControl
	case 1:
		if in {
			return EPIsochIn
		}
		return EPIsochOut
	case 2:
		if in {
			return EPBulkIn
		}
		return EPBulkOut
	}
	if in {
		return EPInterruptIn
	}
	return EPInterruptOut
}
