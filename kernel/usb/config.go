package usb

// Sizes of the descriptors in a configuration (USB 2.0 Tables 9-10,
// 9-12, 9-13; USB 3.2 Table 9-27 for the SuperSpeed endpoint companion).
const (
	ConfigDescriptorSize = 9
	interfaceSize        = 9
	endpointSize         = 7 // audio class 1.0 endpoints are 9: bLength is a minimum
	ssCompanionSize      = 6
)

// Configuration is a configuration descriptor with the interfaces,
// endpoints and class descriptors that follow it (USB 2.0 §9.6.3).
type Configuration struct {
	Value        uint8 // for SET_CONFIGURATION
	Name         uint8 // string index
	SelfPowered  bool
	RemoteWakeup bool
	MaxPower     uint8 // bMaxPower: in 2 mA units (8 mA at SuperSpeed)
	Interfaces   []Interface
}

// Interface is one interface descriptor (one alternate setting) with
// what follows it up to the next interface (USB 2.0 §9.6.5).
type Interface struct {
	Number, Alternate uint8
	Class, SubClass   uint8
	Protocol          uint8
	Name              uint8
	Endpoints         []Endpoint
	HID               *HID     // the HID descriptor, for a HID interface
	Extra             [][]byte // other class-specific descriptors, raw
}

// TransferType is an endpoint's transfer type (bmAttributes bits 1:0).
type TransferType uint8

const (
	Control TransferType = iota
	Isochronous
	Bulk
	Interrupt
)

func (t TransferType) String() string {
	return [...]string{"control", "isochronous", "bulk", "interrupt"}[t&3]
}

// Endpoint is an endpoint descriptor (USB 2.0 §9.6.6, Table 9-13).
type Endpoint struct {
	Address   uint8 // bit 7 IN; bits 3:0 the number
	Type      TransferType
	MaxPacket int   // bytes per transaction (wMaxPacketSize bits 10:0)
	Mult      int   // additional transactions per microframe (bits 12:11), high speed
	Interval  uint8 // bInterval, to be read by speed and type (§9.6.6)
	MaxBurst  uint8 // SuperSpeed companion's bMaxBurst, 0 without one
}

// In reports whether the endpoint sends to the host.
func (e Endpoint) In() bool { return e.Address&0x80 != 0 }

// Number returns the endpoint number, 1-15.
func (e Endpoint) Number() int { return int(e.Address & 0xF) }

// ParseConfiguration decodes a whole configuration, as GET_DESCRIPTOR
// returns it with wLength = wTotalLength. b must hold wTotalLength bytes
// (bytes past it are ignored). Refused: a configuration descriptor of the
// wrong length or type, a descriptor that runs past wTotalLength or is
// shorter than 2 bytes, an endpoint outside an interface, an interface
// with more or fewer endpoints than it says, endpoint 0 or a duplicate
// endpoint address in one interface, an interrupt or bulk endpoint with
// a zero packet size, a malformed HID or companion descriptor, and a
// bNumInterfaces that does not match the interfaces present. Descriptors
// of unknown types are kept in Extra.
func ParseConfiguration(b []byte) (Configuration, error) {
	var c Configuration
	if err := header(b, "configuration", DescConfiguration, ConfigDescriptorSize, false); err != nil {
		return c, err
	}
	total := int(le16(b, 2))
	switch {
	case total < ConfigDescriptorSize:
		return c, descErr("configuration", "wTotalLength %d", total)
	case total > len(b):
		return c, descErr("configuration", "wTotalLength %d but %d bytes", total, len(b))
	}
	numIf := int(b[4])
	c.Value, c.Name, c.MaxPower = b[5], b[6], b[8]
	c.SelfPowered, c.RemoteWakeup = b[7]&0x40 != 0, b[7]&0x20 != 0
	var cur *Interface
	for off := ConfigDescriptorSize; off < total; {
		d := b[off:total]
		if len(d) < 2 || d[0] < 2 || int(d[0]) > len(d) {
			return c, descErr("configuration", "descriptor at %d: bLength %d with %d bytes left", off, d[0], len(d))
		}
		d = d[:d[0]]
		var err error
		switch d[1] {
		case DescInterface:
			if err = endInterface(cur); err == nil {
				c.Interfaces = append(c.Interfaces, Interface{})
				cur = &c.Interfaces[len(c.Interfaces)-1]
				err = parseInterface(d, cur)
			}
		case DescEndpoint:
			err = parseEndpoint(d, cur)
		case DescSSEndpointComp:
			err = parseCompanion(d, cur)
		case DescHID:
			err = parseHIDInto(d, cur)
		default:
			if cur != nil {
				cur.Extra = append(cur.Extra, d)
			}
		}
		if err != nil {
			return c, err
		}
		off += int(d[0])
	}
	if err := endInterface(cur); err != nil {
		return c, err
	}
	if n := countInterfaces(c.Interfaces); n != numIf {
		return c, descErr("configuration", "bNumInterfaces %d but %d interfaces", numIf, n)
	}
	return c, nil
}

// countInterfaces counts the interfaces by their alternate setting 0.
func countInterfaces(ifs []Interface) int {
	n := 0
	for _, i := range ifs {
		if i.Alternate == 0 {
			n++
		}
	}
	return n
}

// endInterface checks the interface just completed.
func endInterface(i *Interface) error {
	if i != nil && len(i.Endpoints) != cap(i.Endpoints) {
		return descErr("interface", "interface %d says %d endpoints, has %d", i.Number, cap(i.Endpoints), len(i.Endpoints))
	}
	return nil
}

func parseInterface(d []byte, i *Interface) error {
	if err := header(d, "interface", DescInterface, interfaceSize, false); err != nil {
		return err
	}
	*i = Interface{
		Number: d[2], Alternate: d[3], Class: d[5], SubClass: d[6], Protocol: d[7], Name: d[8],
		Endpoints: make([]Endpoint, 0, d[4]), // the capacity is the count promised
	}
	return nil
}

func parseEndpoint(d []byte, i *Interface) error {
	if err := header(d, "endpoint", DescEndpoint, endpointSize, true); err != nil {
		return err
	}
	if i == nil {
		return descErr("endpoint", "outside an interface")
	}
	mps := le16(d, 4)
	e := Endpoint{
		Address: d[2], Type: TransferType(d[3] & 3),
		MaxPacket: int(mps & 0x7FF), Mult: int(mps >> 11 & 3), Interval: d[6],
	}
	switch {
	case e.Number() == 0 || e.Address&0x70 != 0:
		return descErr("endpoint", "address %#x", e.Address)
	case len(i.Endpoints) == cap(i.Endpoints):
		return descErr("interface", "interface %d says %d endpoints, has more", i.Number, cap(i.Endpoints))
	case e.MaxPacket == 0 && (e.Type == Interrupt || e.Type == Bulk):
		return descErr("endpoint", "%s endpoint %#x with wMaxPacketSize 0", e.Type, e.Address)
	}
	for _, o := range i.Endpoints {
		if o.Address == e.Address {
			return descErr("endpoint", "address %#x twice in interface %d", e.Address, i.Number)
		}
	}
	i.Endpoints = append(i.Endpoints, e)
	return nil
}

// parseCompanion attaches a SuperSpeed endpoint companion (USB 3.2
// §9.6.7) to the endpoint before it.
func parseCompanion(d []byte, i *Interface) error {
	if err := header(d, "SuperSpeed endpoint companion", DescSSEndpointComp, ssCompanionSize, false); err != nil {
		return err
	}
	if i == nil || len(i.Endpoints) == 0 {
		return descErr("SuperSpeed endpoint companion", "not after an endpoint")
	}
	if d[2] > 15 {
		return descErr("SuperSpeed endpoint companion", "bMaxBurst %d", d[2])
	}
	i.Endpoints[len(i.Endpoints)-1].MaxBurst = d[2]
	return nil
}

func parseHIDInto(d []byte, i *Interface) error {
	if i == nil {
		return descErr("HID", "outside an interface")
	}
	if i.HID != nil {
		return descErr("HID", "two in interface %d", i.Number)
	}
	h, err := ParseHID(d)
	if err != nil {
		return err
	}
	i.HID = &h
	return nil
}
