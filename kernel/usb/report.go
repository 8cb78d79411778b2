package usb

import "fmt"

// The boot keyboard report (HID 1.11 Appendix B.1): byte 0 the modifier
// keys (bit n is usage 0xE0+n: left Ctrl, Shift, Alt, GUI, then right
// Ctrl, Shift, Alt, GUI), byte 1 reserved, bytes 2-7 the usages of up to
// six other keys held, in any order, 0 in unused places.
const (
	usageNone          = 0x00
	usageErrorRollOver = 0x01 // HID Usage Tables 1.4 §10: too many keys held
	usagePOSTFail      = 0x02
	usageErrorUndef    = 0x03
	usageLeftCtrl      = 0xE0 // the first modifier usage
)

// KeyEvent is a key going down or up, by its HID keyboard usage (HID
// Usage Tables 1.4 §10, page 7).
type KeyEvent struct {
	Usage uint8
	Down  bool
}

// MaxKeyEvents is the most events one report can make: eight modifiers
// changing, six keys released and six pressed.
const MaxKeyEvents = 8 + 6 + 6

// KeyEvents is the events of one report, in order.
type KeyEvents struct {
	E [MaxKeyEvents]KeyEvent
	N int
}

// Slice returns the events.
func (k *KeyEvents) Slice() []KeyEvent { return k.E[:k.N] }

func (k *KeyEvents) add(u uint8, down bool) {
	k.E[k.N] = KeyEvent{u, down}
	k.N++
}

// ReportError is a report that BootKeyboard ignored, and why.
type ReportError struct {
	Reason string
	Report [BootReportSize]byte // as much of it as came
	Len    int
}

func (e *ReportError) Error() string {
	return fmt.Sprintf("usb: keyboard report % x ignored: %s", e.Report[:e.Len], e.Reason)
}

// BootKeyboard turns boot keyboard reports into key events by comparing
// each report with the last one it accepted. The zero BootKeyboard has
// no keys held. Not safe for concurrent use; it does not allocate except
// for the error of an ignored report.
type BootKeyboard struct {
	mods uint8
	keys [6]uint8 // the last accepted report's key array, zeros removed
	n    int
}

// Feed compares report with the last accepted one and returns what
// changed: modifier presses and releases first (in bit order), then the
// releases of keys no longer in the array, then the presses of keys new
// in it (in array order). So a report that changes Shift and a letter
// together gives the Shift change before the letter, as a person
// typing does. A usage repeated in the array counts once, and modifier
// usages (0xE0-0xE7) in the array are ignored: byte 0 reports those.
//
// A report shorter than 8 bytes is ignored with an error, and so is a
// phantom report, one whose key array holds ErrorRollOver (0x01, sent
// in all six places when more keys are held than the report can name)
// or POSTFail/ErrorUndefined (0x02, 0x03): it says nothing about which
// keys are held, so the keys stay as they were until the next good
// report. Bytes past the eighth are ignored.
func (k *BootKeyboard) Feed(report []byte) (KeyEvents, error) {
	var ev KeyEvents
	if len(report) < BootReportSize {
		e := &ReportError{Reason: fmt.Sprintf("%d bytes, want %d", len(report), BootReportSize), Len: len(report)}
		copy(e.Report[:], report)
		return ev, e
	}
	var keys [6]uint8
	n := 0
	for _, u := range report[2:8] {
		switch {
		case u == usageNone:
			continue
		case u <= usageErrorUndef:
			e := &ReportError{Reason: "rollover or error usage (phantom report)", Len: BootReportSize}
			copy(e.Report[:], report)
			return ev, e
		case u >= usageLeftCtrl || contains(keys[:n], u):
			// A modifier's usage belongs in byte 0 (the array of the
			// boot report's descriptor stops at 0x65, HID 1.11 Appendix
			// B.1), and a usage named twice is one key.
			continue
		}
		keys[n] = u
		n++
	}
	mods := report[0]
	for bit := range 8 {
		if (mods^k.mods)&(1<<bit) != 0 {
			ev.add(usageLeftCtrl+uint8(bit), mods&(1<<bit) != 0)
		}
	}
	for _, u := range k.keys[:k.n] {
		if !contains(keys[:n], u) {
			ev.add(u, false)
		}
	}
	for _, u := range keys[:n] {
		if !contains(k.keys[:k.n], u) {
			ev.add(u, true)
		}
	}
	k.mods, k.keys, k.n = mods, keys, n
	return ev, nil
}

// ReleaseAll returns the releases of every key held (modifiers first),
// and forgets them: for a keyboard that was unplugged.
func (k *BootKeyboard) ReleaseAll() KeyEvents {
	ev, _ := k.Feed(make([]byte, BootReportSize))
	return ev
}

// Held reports whether usage u is held by the last accepted report.
func (k *BootKeyboard) Held(u uint8) bool {
	if u >= usageLeftCtrl {
		return k.mods&(1<<(u-usageLeftCtrl)) != 0
	}
	return contains(k.keys[:k.n], u)
}

func contains(s []uint8, u uint8) bool {
	for _, v := range s {
		if v == u {
			return true
		}
	}
	return false
}
