package usb

// The boot keyboard's LED output report (HID 1.11 Appendix B.1; the LED
// usages of HID Usage Tables 1.4 §11): bit 0 Num Lock, bit 1 Caps Lock,
// bit 2 Scroll Lock, bit 3 Compose, bit 4 Kana.
const (
	LEDNum    = 1 << 0
	LEDCaps   = 1 << 1
	LEDScroll = 1 << 2
)

// LEDReport converts the lock lights as package keyboard reports them
// (Decoder.LEDs, the PS/2 Set LEDs byte: bit 0 Scroll, bit 1 Num, bit 2
// Caps) into the boot keyboard's output report byte, the data stage of
// SetReport(iface, ReportOutput, 0, 1).
func LEDReport(ps2 uint8) uint8 {
	var r uint8
	if ps2&1 != 0 {
		r |= LEDScroll
	}
	if ps2&2 != 0 {
		r |= LEDNum
	}
	if ps2&4 != 0 {
		r |= LEDCaps
	}
	return r
}
