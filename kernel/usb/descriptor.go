package usb

import "fmt"

// Descriptor types (USB 2.0 Table 9-5; HID 1.11 §7.1; USB 2.0 Table
// 11-13 and USB 3.2 Table 10-7 for hubs).
const (
	DescDevice          = 1
	DescConfiguration   = 2
	DescString          = 3
	DescInterface       = 4
	DescEndpoint        = 5
	DescDeviceQualifier = 6
	DescInterfaceAssoc  = 11
	DescBOS             = 15
	DescHID             = 0x21
	DescReport          = 0x22
	DescHub             = 0x29
	DescSuperSpeedHub   = 0x2A
	DescSSEndpointComp  = 0x30
)

// DescError is a refused descriptor: which one and why.
type DescError struct {
	Desc   string // "device", "configuration", ...
	Reason string
}

func (e *DescError) Error() string { return "usb: bad " + e.Desc + " descriptor: " + e.Reason }

func descErr(desc, format string, args ...any) error {
	return &DescError{desc, fmt.Sprintf(format, args...)}
}

// header checks the common head of a descriptor (§9.5): bLength and
// bDescriptorType. The descriptor must be exactly want bytes long by its
// own bLength (at least want for kinds that may grow, minOnly), and b
// must hold them.
func header(b []byte, desc string, typ uint8, want int, minOnly bool) error {
	if len(b) < 2 {
		return descErr(desc, "%d bytes, shorter than its header", len(b))
	}
	n := int(b[0])
	switch {
	case b[1] != typ:
		return descErr(desc, "type %#x, want %#x", b[1], typ)
	case n < want || !minOnly && n != want:
		return descErr(desc, "bLength %d, want %d", n, want)
	case n > len(b):
		return descErr(desc, "bLength %d but %d bytes", n, len(b))
	}
	return nil
}

func le16(b []byte, off int) uint16 { return uint16(b[off]) | uint16(b[off+1])<<8 }

// Speed is a device's signalling speed, as the hub or root port that it
// is attached to reports it.
type Speed uint8

const (
	SpeedUnknown   Speed = iota
	SpeedLow             // 1.5 Mb/s
	SpeedFull            // 12 Mb/s
	SpeedHigh            // 480 Mb/s
	SpeedSuper           // 5 Gb/s (USB 3.x Gen 1)
	SpeedSuperPlus       // 10 Gb/s and up
)

func (s Speed) String() string {
	switch s {
	case SpeedLow:
		return "low speed"
	case SpeedFull:
		return "full speed"
	case SpeedHigh:
		return "high speed"
	case SpeedSuper:
		return "SuperSpeed"
	case SpeedSuperPlus:
		return "SuperSpeedPlus"
	}
	return "unknown speed"
}
