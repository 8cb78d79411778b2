package keyboard

// Set2Decoder decodes scan code set 2, what a PS/2 keyboard sends when the
// 8042 controller's translation is off. It translates each byte to set 1
// exactly as the 8042 does with translation on (a break code F0 xx becomes
// the translation of xx with bit 7 set) and decodes the result with the
// embedded set 1 Decoder, so both front ends share one state machine,
// layout handling and Stats (Bytes counts set 2 bytes, F0 included).
//
// Set 2's own sequences map onto set 1's: E0 12 / E0 F0 12 are the fake
// shifts, E0 12 E0 7C is Print Screen, E1 14 77 E1 F0 14 F0 77 is Pause.
// Unlike a translating 8042, the front end knows a bare AA is the
// self-test-passed code (left Shift's release is F0 12), so it never
// releases left Shift.
type Set2Decoder struct {
	Decoder
	release bool // F0 seen: the next byte is a break code
}

// NewSet2Decoder returns a set 2 decoder, set up as NewDecoder does.
func NewSet2Decoder(l *Layout, mode CtrlMode) *Set2Decoder {
	return &Set2Decoder{Decoder: *NewDecoder(l, mode)}
}

// Feed decodes one set 2 byte; see Decoder.Feed.
func (d *Set2Decoder) Feed(b byte) (Event, bool) {
	d.stats.Bytes++
	d.changed = false
	switch {
	case b == 0xF0:
		d.release = true
		return Event{}, false
	case b == 0xAA && !d.release:
		d.stats.Ignored++
		return Event{}, false
	}
	b = set2To1(b)
	if d.release {
		b |= 0x80
		d.release = false
	}
	return d.feed(b)
}

// Reset is Decoder.Reset, also forgetting a pending F0.
func (d *Set2Decoder) Reset() {
	d.Decoder.Reset()
	d.release = false
}

// set2To1 is the 8042's translation of one byte (without the F0 handling).
// Codes 00-7F come from xlat8042; of the bytes 80-FF only 83 (F7, the one
// set 2 make code above 7F) is translated, the rest pass unchanged: the
// prefixes E0 and E1 and the keyboard's replies.
func set2To1(b byte) byte {
	switch {
	case b < 0x80:
		return xlat8042[b]
	case b == 0x83:
		return 0x41
	}
	return b
}

// xlat8042 is the 8042 translation table for 00-7F: set 2 code -> set 1
// code. It is the inverse of Linux's atkbd_unxlate_table
// (drivers/input/keyboard/atkbd.c), with 00 (set 2's error code) going to
// FF (set 1's); set 2 codes that name no key still translate to a code,
// which set 1 decoding then counts as unknown.
var xlat8042 = [128]byte{
	0xFF, 0x43, 0x41, 0x3F, 0x3D, 0x3B, 0x3C, 0x58, 0x64, 0x44, 0x42, 0x40, 0x3E, 0x0F, 0x29, 0x59,
	0x65, 0x38, 0x2A, 0x70, 0x1D, 0x10, 0x02, 0x5A, 0x66, 0x71, 0x2C, 0x1F, 0x1E, 0x11, 0x03, 0x5B,
	0x67, 0x2E, 0x2D, 0x20, 0x12, 0x05, 0x04, 0x5C, 0x68, 0x39, 0x2F, 0x21, 0x14, 0x13, 0x06, 0x5D,
	0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5E, 0x6A, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5F,
	0x6B, 0x33, 0x25, 0x17, 0x18, 0x0B, 0x0A, 0x60, 0x6C, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0C, 0x61,
	0x6D, 0x73, 0x28, 0x74, 0x1A, 0x0D, 0x62, 0x6E, 0x3A, 0x36, 0x1C, 0x1B, 0x75, 0x2B, 0x63, 0x76,
	0x55, 0x56, 0x77, 0x78, 0x79, 0x7A, 0x0E, 0x7B, 0x7C, 0x4F, 0x7D, 0x4B, 0x47, 0x7E, 0x7F, 0x6F,
	0x52, 0x53, 0x50, 0x4C, 0x4D, 0x48, 0x01, 0x45, 0x57, 0x4E, 0x51, 0x4A, 0x37, 0x49, 0x46, 0x54,
}
