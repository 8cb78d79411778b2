package usb

import "fmt"

// SetupSize is the length of a setup packet.
const SetupSize = 8

// Setup is the setup packet of a control transfer (USB 2.0 §9.3, Table
// 9-2). Bytes gives the 8 bytes the Setup Stage carries.
type Setup struct {
	RequestType uint8 // bmRequestType: direction, type, recipient
	Request     uint8 // bRequest
	Value       uint16
	Index       uint16
	Length      uint16 // bytes of the data stage
}

// bmRequestType fields (Table 9-2).
const (
	DirIn           = 0x80 // device to host
	TypeStandard    = 0 << 5
	TypeClass       = 1 << 5
	TypeVendor      = 2 << 5
	RecipDevice     = 0
	RecipInterface  = 1
	RecipEndpoint   = 2
	RecipOther      = 3 // a hub's port
	requestTypeMask = 3 << 5
)

// Standard requests (Table 9-4; USB 3.2 Table 9-4 adds SET_SEL and
// SET_ISOCH_DELAY), and the class requests used here: HID 1.11 §7.2,
// hub USB 2.0 Table 11-16 and USB 3.2 Table 10-8.
const (
	ReqGetStatus        = 0
	ReqClearFeature     = 1
	ReqSetFeature       = 3
	ReqSetAddress       = 5
	ReqGetDescriptor    = 6
	ReqGetConfiguration = 8
	ReqSetConfiguration = 9
	ReqSetInterface     = 11

	ReqHIDGetReport   = 1
	ReqHIDGetIdle     = 2
	ReqHIDGetProtocol = 3
	ReqHIDSetReport   = 9
	ReqHIDSetIdle     = 0x0A
	ReqHIDSetProtocol = 0x0B

	ReqHubSetHubDepth = 12 // USB 3.x hubs
)

// In reports whether the data stage goes from the device to the host.
func (s Setup) In() bool { return s.RequestType&DirIn != 0 }

// Bytes encodes the packet: little-endian words.
func (s Setup) Bytes() [SetupSize]byte {
	return [8]byte{s.RequestType, s.Request, byte(s.Value), byte(s.Value >> 8),
		byte(s.Index), byte(s.Index >> 8), byte(s.Length), byte(s.Length >> 8)}
}

// ParseSetup decodes 8 bytes of a setup packet.
func ParseSetup(b []byte) (Setup, error) {
	if len(b) != SetupSize {
		return Setup{}, fmt.Errorf("usb: setup packet of %d bytes", len(b))
	}
	return Setup{b[0], b[1], le16(b, 2), le16(b, 4), le16(b, 6)}, nil
}

func (s Setup) String() string {
	return fmt.Sprintf("setup %02x %02x %04x %04x %04x", s.RequestType, s.Request, s.Value, s.Index, s.Length)
}

// GetDescriptor asks for descriptor typ number index (USB 2.0 §9.4.3):
// the device descriptor (DescDevice, 0), configuration index, string
// index in language lang; length bytes at most.
func GetDescriptor(typ, index uint8, lang, length uint16) Setup {
	return Setup{DirIn | TypeStandard | RecipDevice, ReqGetDescriptor, uint16(typ)<<8 | uint16(index), lang, length}
}

// SetConfiguration selects configuration value (§9.4.7); 0 unconfigures.
func SetConfiguration(value uint8) Setup {
	return Setup{TypeStandard | RecipDevice, ReqSetConfiguration, uint16(value), 0, 0}
}

// GetReportDescriptor asks for the HID report descriptor of interface
// iface (HID 1.11 §7.1.1: a standard request to the interface).
func GetReportDescriptor(iface uint8, length uint16) Setup {
	return Setup{DirIn | TypeStandard | RecipInterface, ReqGetDescriptor, DescReport << 8, uint16(iface), length}
}

// SetProtocol selects the boot protocol (boot true) or the report
// protocol of a boot-subclass HID interface (HID 1.11 §7.2.6).
func SetProtocol(iface uint8, boot bool) Setup {
	v := uint16(1)
	if boot {
		v = 0
	}
	return Setup{TypeClass | RecipInterface, ReqHIDSetProtocol, v, uint16(iface), 0}
}

// SetIdle sets the idle rate of report id (0: all) of interface iface
// (HID 1.11 §7.2.4), in units of 4 ms; 0 makes the device report only
// on a change, which the boot keyboard should do (Appendix F.3 says the
// recommended default rate is 500 ms; the host repeats keys itself).
func SetIdle(iface uint8, duration4ms, id uint8) Setup {
	return Setup{TypeClass | RecipInterface, ReqHIDSetIdle, uint16(duration4ms)<<8 | uint16(id), uint16(iface), 0}
}

// Report types of GET_REPORT and SET_REPORT (HID 1.11 §7.2.1).
const (
	ReportInput   = 1
	ReportOutput  = 2
	ReportFeature = 3
)

// SetReport sends a report of type typ and id to interface iface: for a
// boot keyboard's LEDs, SetReport(iface, ReportOutput, 0, 1) with the
// LED byte as the data stage (HID 1.11 §7.2.2, Appendix B.1).
func SetReport(iface, typ, id uint8, length uint16) Setup {
	return Setup{TypeClass | RecipInterface, ReqHIDSetReport, uint16(typ)<<8 | uint16(id), uint16(iface), length}
}
