package xhci

import "fmt"

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// fakeDevice is a USB device behind a fake port: it answers control
// requests from its descriptors and hands out queued interrupt reports.
type fakeDevice struct {
	device, config []byte
	reportDesc     []byte
	address        int
	configuration  int
	protocol       int // HID: 0 boot, 1 report
	idle           int
	leds           []byte
	reports        [][]byte
	requests       []string
	stall          func(setup [8]byte) bool // requests answered with STALL
}

// control answers a setup packet (and the OUT data); stall is true for a
// request it does not take.
func (d *fakeDevice) control(s [8]byte, out []byte) (resp []byte, stall bool) {
	d.requests = append(d.requests, sprintf("% x", s))
	if d.stall != nil && d.stall(s) {
		return nil, true
	}
	value, index := int(s[2])|int(s[3])<<8, int(s[4])|int(s[5])<<8
	switch [2]byte{s[0], s[1]} {
	case [2]byte{0x80, 6}: // GET_DESCRIPTOR
		switch value >> 8 {
		case 1:
			return d.device, false
		case 2:
			return d.config, false
		}
	case [2]byte{0x81, 6}:
		if value>>8 == 0x22 && index == 0 {
			return d.reportDesc, false
		}
	case [2]byte{0x00, 9}: // SET_CONFIGURATION
		d.configuration = value
		return nil, false
	case [2]byte{0x21, 0x0B}: // SET_PROTOCOL
		d.protocol = value
		return nil, false
	case [2]byte{0x21, 0x0A}: // SET_IDLE
		d.idle = value >> 8
		return nil, false
	case [2]byte{0x21, 0x09}: // SET_REPORT
		d.leds = append(d.leds, out...)
		return nil, false
	}
	return nil, true
}

// newKeyboard is QEMU's usb-kbd at high speed (see kernel/usb's tests),
// with endpoint 0's packet size mp.
func newKeyboard(mp byte) *fakeDevice {
	return &fakeDevice{
		device: []byte{0x12, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, mp, 0x27, 0x06, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x0b, 0x01},
		config: []byte{
			0x09, 0x02, 0x22, 0x00, 0x01, 0x01, 0x08, 0xa0, 0x32,
			0x09, 0x04, 0x00, 0x00, 0x01, 0x03, 0x01, 0x01, 0x00,
			0x09, 0x21, 0x11, 0x01, 0x00, 0x01, 0x22, 0x3f, 0x00,
			0x07, 0x05, 0x81, 0x03, 0x08, 0x00, 0x07,
		},
		reportDesc: make([]byte, 63),
		protocol:   1,
	}
}
