package usb

// The HID class (Device Class Definition for HID 1.11).
const (
	ClassHID = 3

	SubclassBoot = 1 // HID 1.11 §4.2: the interface supports a boot protocol

	ProtocolKeyboard = 1 // §4.3
	ProtocolMouse    = 2

	hidMinSize = 9 // one class descriptor

	// BootReportSize is the length of a boot keyboard's input report
	// (Appendix B.1).
	BootReportSize = 8
)

// HID is a HID descriptor (HID 1.11 §6.2.1): the class descriptors the
// interface has (at least the report descriptor) and their lengths.
type HID struct {
	Version      uint16 // bcdHID
	Country      uint8
	ReportLength int // wDescriptorLength of the report descriptor
	Descriptors  []ClassDescriptor
}

// ClassDescriptor is one (type, length) entry of a HID descriptor.
type ClassDescriptor struct {
	Type   uint8
	Length uint16
}

// ParseHID decodes a HID descriptor. Refused: a length that does not
// match bNumDescriptors (9 + 3 per descriptor after the first), no
// descriptors, or no report descriptor among them.
func ParseHID(d []byte) (HID, error) {
	var h HID
	if err := header(d, "HID", DescHID, hidMinSize, true); err != nil {
		return h, err
	}
	n := int(d[5])
	if n == 0 || int(d[0]) != 6+3*n {
		return h, descErr("HID", "bLength %d for %d class descriptors", d[0], n)
	}
	h.Version, h.Country = le16(d, 2), d[4]
	h.ReportLength = -1
	for k := 0; k < n; k++ {
		cd := ClassDescriptor{Type: d[6+3*k], Length: le16(d, 7+3*k)}
		h.Descriptors = append(h.Descriptors, cd)
		if cd.Type == DescReport && h.ReportLength < 0 {
			h.ReportLength = int(cd.Length)
		}
	}
	if h.ReportLength < 0 {
		return HID{}, descErr("HID", "no report descriptor")
	}
	return h, nil
}

// BootKeyboardInterface reports whether i is a HID boot keyboard
// interface (class 3, subclass 1, protocol 1), and returns its interrupt
// IN endpoint, which must exist with room for the 8-byte boot report.
func BootKeyboardInterface(i Interface) (Endpoint, bool) {
	if i.Class != ClassHID || i.SubClass != SubclassBoot || i.Protocol != ProtocolKeyboard {
		return Endpoint{}, false
	}
	for _, e := range i.Endpoints {
		if e.In() && e.Type == Interrupt && e.MaxPacket >= BootReportSize {
			return e, true
		}
	}
	return Endpoint{}, false
}
