package xhci

// Speed is a port speed ID: the default Protocol Speed ID values of a
// root hub port (§7.2.2.1.1, Table 7-13), as PORTSC's Port Speed field
// and the slot context give them.
type Speed uint8

const (
	SpeedFull      Speed = 1 // 12 Mb/s
	SpeedLow       Speed = 2 // 1.5 Mb/s
	SpeedHigh      Speed = 3 // 480 Mb/s
	SpeedSuper     Speed = 4 // 5 Gb/s
	SpeedSuperPlus Speed = 5 // 10 Gb/s
)

func (s Speed) String() string {
	switch s {
	case SpeedFull:
		return "full speed"
	case SpeedLow:
		return "low speed"
	case SpeedHigh:
		return "high speed"
	case SpeedSuper:
		return "SuperSpeed"
	case SpeedSuperPlus:
		return "SuperSpeedPlus"
	}
	return "unknown speed"
}

// Valid reports whether s is one of the default speed IDs.
func (s Speed) Valid() bool { return s >= SpeedFull && s <= SpeedSuperPlus }

// USB3 reports whether s is a SuperSpeed speed.
func (s Speed) USB3() bool { return s >= SpeedSuper }

// DefaultMaxPacket0 is endpoint 0's maximum packet size to start with
// (§4.3.3 and USB 2.0 §5.5.3): 8 for low speed, 64 for high, 512 for
// SuperSpeed; for full speed 8, until the first 8 bytes of the device
// descriptor say otherwise.
func (s Speed) DefaultMaxPacket0() int {
	switch {
	case s == SpeedHigh:
		return 64
	case s.USB3():
		return 512
	}
	return 8
}

// Interval converts an endpoint descriptor's bInterval into the endpoint
// context's Interval, the exponent of a period of 2^Interval × 125 µs
// (§6.2.3.6, Table 6-12). epType is the context's endpoint type.
//
//   - High speed and SuperSpeed interrupt and isochronous endpoints give
//     the exponent already: bInterval 1-16 is 2^(bInterval-1) microframes.
//   - Full and low speed interrupt endpoints give milliseconds (frames,
//     1-255): the largest power of two not above bInterval × 8
//     microframes, kept within 3-10 (1 to 128 ms), as Linux's
//     xhci_parse_frame_interval does.
//   - Full-speed isochronous endpoints give 2^(bInterval-1) frames.
//   - Control and bulk endpoints have none.
func Interval(s Speed, epType int, bInterval uint8) int {
	periodic := epType == EPInterruptIn || epType == EPInterruptOut || epType == EPIsochIn || epType == EPIsochOut
	isoch := epType == EPIsochIn || epType == EPIsochOut
	switch {
	case !periodic:
		return 0
	case s == SpeedHigh || s.USB3():
		return clampInt(int(bInterval)-1, 0, 15)
	case isoch:
		return clampInt(int(bInterval)-1+3, 3, 18)
	}
	n, frames := 0, int(bInterval)*8
	for 1<<(n+1) <= frames {
		n++
	}
	return clampInt(n, 3, 10)
}

func clampInt(v, lo, hi int) int { return max(lo, min(v, hi)) }

// Route returns the route string of a device on port (1-15) of the hub
// whose route string is parent, at hub depth depth (1 for a hub on a
// root port): each tier adds 4 bits (§8.9 of USB 3.2; xHCI §6.2.2).
// Ports above 15 are written as 15, as USB 3.2 says.
func Route(parent uint32, depth, port int) uint32 {
	if depth < 1 || depth > 5 {
		return parent
	}
	return parent | uint32(min(port, 15))<<(4*(depth-1))
}
