package usb

// DeviceDescriptorSize is the length of a device descriptor.
const DeviceDescriptorSize = 18

// Device is a device descriptor (USB 2.0 §9.6.1, Table 9-8).
type Device struct {
	USB            uint16 // bcdUSB: 0x0200 for USB 2.0
	Class          uint8  // 0: each interface names its class
	SubClass       uint8
	Protocol       uint8
	MaxPacket0     int // endpoint 0's maximum packet size, in bytes
	Vendor         uint16
	Product        uint16
	Release        uint16 // bcdDevice
	Manufacturer   uint8  // string indices, 0 for none
	ProductName    uint8
	SerialNumber   uint8
	Configurations int
}

// ParseDevice decodes a device descriptor. It is refused unless it is
// exactly 18 bytes of type 1, with a valid endpoint 0 packet size and at
// least one configuration.
func ParseDevice(b []byte) (Device, error) {
	if err := header(b, "device", DescDevice, DeviceDescriptorSize, false); err != nil {
		return Device{}, err
	}
	d := Device{
		USB: le16(b, 2), Class: b[4], SubClass: b[5], Protocol: b[6],
		Vendor: le16(b, 8), Product: le16(b, 10), Release: le16(b, 12),
		Manufacturer: b[14], ProductName: b[15], SerialNumber: b[16],
		Configurations: int(b[17]),
	}
	mp, err := maxPacket0(b[7], d.USB)
	if err != nil {
		return Device{}, err
	}
	d.MaxPacket0 = mp
	if d.Configurations == 0 {
		return Device{}, descErr("device", "no configurations")
	}
	return d, nil
}

// MaxPacket0 reads endpoint 0's maximum packet size from the first 8
// bytes of a device descriptor: what a host learns with its first,
// 8-byte GET_DESCRIPTOR before it knows the size (USB 2.0 §9.6.1;
// §5.5.3: 8 is the size every device accepts).
func MaxPacket0(b []byte) (int, error) {
	if len(b) < 8 {
		return 0, descErr("device", "%d bytes, need 8 for bMaxPacketSize0", len(b))
	}
	if b[1] != DescDevice {
		return 0, descErr("device", "type %#x, want %#x", b[1], DescDevice)
	}
	return maxPacket0(b[7], le16(b, 2))
}

// maxPacket0 decodes bMaxPacketSize0: 8, 16, 32 or 64 bytes for USB 2.x,
// and for USB 3.x an exponent, 9 for 512 bytes (USB 3.2 §9.6.1).
func maxPacket0(v uint8, bcdUSB uint16) (int, error) {
	switch {
	case bcdUSB >= 0x0300 && v == 9:
		return 512, nil
	case v == 8 || v == 16 || v == 32 || v == 64:
		return int(v), nil
	}
	return 0, descErr("device", "bMaxPacketSize0 %d (bcdUSB %#04x)", v, bcdUSB)
}
