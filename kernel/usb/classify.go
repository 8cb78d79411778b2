package usb

import "fmt"

// Kind is what an interface is, as far as the kernel is concerned: the
// boot keyboard it drives, hubs it drives, and the rest recognised and
// named only.
type Kind uint8

const (
	KindOther Kind = iota
	KindKeyboard
	KindMouse
	KindHID // a HID interface that is neither a boot keyboard nor a boot mouse
	KindHub
)

// Classify names an interface of a device, by the interface's class
// (or the device's when the device descriptor names one) after the USB-IF
// "Defined Class Codes" list: "keyboard", "mouse", "HID device", "hub",
// "mass storage", ... The name is what the kernel's attach line shows.
func Classify(d Device, i Interface) (Kind, string) {
	class, sub, proto := i.Class, i.SubClass, i.Protocol
	if d.Class != 0 && d.Class != 0xEF && d.Class != 0xFF {
		class, sub, proto = d.Class, d.SubClass, d.Protocol
	}
	switch class {
	case ClassHID:
		switch {
		case sub == SubclassBoot && proto == ProtocolKeyboard:
			return KindKeyboard, "keyboard"
		case sub == SubclassBoot && proto == ProtocolMouse:
			return KindMouse, "mouse"
		case proto == ProtocolKeyboard:
			return KindHID, "keyboard (no boot protocol)"
		case proto == ProtocolMouse:
			return KindHID, "mouse (no boot protocol)"
		}
		return KindHID, "HID device"
	case ClassHub:
		return KindHub, "hub"
	}
	if n, ok := classNames[class]; ok {
		return KindOther, n
	}
	return KindOther, fmt.Sprintf("class %#02x device", class)
}

// classNames are the USB-IF base classes ("Defined Class Codes").
var classNames = map[uint8]string{
	0x01: "audio device",
	0x02: "communications device",
	0x05: "physical interface device",
	0x06: "imaging device",
	0x07: "printer",
	0x08: "mass storage device",
	0x0A: "CDC data interface",
	0x0B: "smart card reader",
	0x0D: "content security device",
	0x0E: "video device",
	0x0F: "personal healthcare device",
	0x10: "audio/video device",
	0x11: "billboard device",
	0x12: "USB Type-C bridge",
	0xDC: "diagnostic device",
	0xE0: "wireless controller",
	0xEF: "miscellaneous device",
	0xFE: "application-specific device",
	0xFF: "vendor-specific device",
}
