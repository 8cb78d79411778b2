package keyboard

// CtrlMode says what Ctrl does to letters.
type CtrlMode uint8

const (
	// CtrlMapsToControlChars turns Ctrl+A..Ctrl+Z (the letters the layout
	// puts on the keys, with or without Shift or Caps Lock) into
	// U+0001..U+001A. Ctrl with any other key changes nothing.
	CtrlMapsToControlChars CtrlMode = iota
	// CtrlRaw leaves letters alone: Ctrl+C yields 'c'. Modifiers reports
	// that Ctrl is held.
	CtrlRaw
)

// Modifiers is the set of modifiers held, as Decoder.Modifiers reports it.
type Modifiers uint8

const (
	ModShift Modifiers = 1 << iota // either Shift
	ModCtrl                        // either Ctrl
	ModAlt                         // left Alt, or right Alt on a layout without AltGr
	ModAltGr                       // right Alt on a layout with AltGr, or Ctrl+left Alt there
	ModWin                         // either Windows key
)

// Stats counts what the decoder saw besides well-formed key sequences. Only
// Bytes and Events count normal traffic; the rest stay zero while the
// keyboard and the controller behave.
type Stats struct {
	Bytes           uint64 // bytes fed
	Events          uint64 // events returned
	Ignored         uint64 // keyboard replies: ACK FA, resend FE, echo EE, self-test AA (with left Shift up) or FC/FD
	Errors          uint64 // error and overrun bytes 00 and FF
	FakeShifts      uint64 // E0 2A, E0 AA, E0 36, E0 B6 around grey keys and Print Screen; normal, ignored
	UnknownKeys     uint64 // make or break codes that name no key
	StrayReleases   uint64 // break codes of keys that were not held
	BrokenSequences uint64 // E0 or E1 sequences cut short by a byte that cannot continue them
}

// LED bits, as the keyboard's Set LEDs command (ED) takes them.
const (
	ledScroll = 1 << 0
	ledNum    = 1 << 1
	ledCaps   = 1 << 2
)

// Decoder states: what the bytes so far are a prefix of.
const (
	stIdle    = iota
	stE0      // E0 seen
	stE1      // E1 seen
	stE1Make  // E1 1D seen: 45 completes the Pause press
	stE1Break // E1 9D seen: C5 completes the Pause release
)

// Decoder turns scan code set 1 bytes into key events. It keeps which keys
// are held (for the modifiers and to spot stray releases), the lock states
// and the statistics. Feed does not allocate. A Decoder is not safe for
// concurrent use; the zero Decoder decodes the US layout with Num Lock off,
// so use NewDecoder.
type Decoder struct {
	layout  *Layout
	ctrl    CtrlMode
	state   uint8
	leds    uint8 // ledCaps | ledNum | ledScroll
	changed bool  // the last Feed toggled a lock
	down    [(numPhysical + 63) / 64]uint64
	stats   Stats
}

// NewDecoder returns a decoder for layout l (US if nil) with Num Lock on
// and Caps Lock and Scroll Lock off.
func NewDecoder(l *Layout, mode CtrlMode) *Decoder {
	d := &Decoder{ctrl: mode, leds: ledNum}
	d.SetLayout(l)
	return d
}

// SetLayout switches the layout (US if nil). Held keys and locks are kept.
func (d *Decoder) SetLayout(l *Layout) {
	if l == nil {
		l = US
	}
	d.layout = l
}

// Layout returns the current layout.
func (d *Decoder) Layout() *Layout {
	if d.layout == nil {
		return US
	}
	return d.layout
}

// Feed decodes one byte from the keyboard. It returns an event and true
// when the byte completes the press of a key; releases, prefixes and
// anything ignored return false. A key held down repeats (typematic
// repeat): each repeated make code yields the event again, but a lock key
// toggles only on its first make code.
func (d *Decoder) Feed(b byte) (Event, bool) {
	d.stats.Bytes++
	d.changed = false
	return d.feed(b)
}

func (d *Decoder) feed(b byte) (Event, bool) {
	switch d.state {
	case stE0:
		return d.afterE0(b)
	case stE1, stE1Make, stE1Break:
		return d.afterE1(b)
	}
	return d.idle(b)
}

// reply reports whether b is a keyboard reply, which can arrive between the
// bytes of a sequence while the driver talks to the keyboard. They would be
// the break codes of 7A 7E 6E 7C 7D, keys that standard keyboards lack
// (Linux, too, takes FA and FE for replies unless their make codes came).
func reply(b byte) bool {
	switch b {
	case 0xFA, 0xFE, 0xEE, 0xFC, 0xFD:
		return true
	}
	return false
}

func (d *Decoder) idle(b byte) (Event, bool) {
	switch {
	case b == 0xE0:
		d.state = stE0
		return Event{}, false
	case b == 0xE1:
		d.state = stE1
		return Event{}, false
	case b == 0x00 || b == 0xFF:
		d.stats.Errors++
		return Event{}, false
	case reply(b):
		d.stats.Ignored++
		return Event{}, false
	case b == 0xAA && !d.Held(LShift):
		// The self-test-passed code after a keyboard reset or hot plug,
		// or a left Shift release we missed the press of: ignored either
		// way. With left Shift held it is its release (as Linux decides
		// in atkbd_need_xlate).
		d.stats.Ignored++
		return Event{}, false
	}
	return d.key(set1[b&0x7F], b)
}

func (d *Decoder) afterE0(b byte) (Event, bool) {
	if reply(b) {
		d.stats.Ignored++
		return Event{}, false
	}
	d.state = stIdle
	switch b {
	case 0xE0, 0xE1, 0x00, 0xFF:
		d.stats.BrokenSequences++
		return d.idle(b)
	case 0x2A, 0xAA, 0x36, 0xB6:
		d.stats.FakeShifts++
		return Event{}, false
	}
	return d.key(set1E0[b&0x7F], b)
}

// afterE1 follows the Pause key's E1 1D 45 (press) and E1 9D C5 (release).
func (d *Decoder) afterE1(b byte) (Event, bool) {
	if reply(b) {
		d.stats.Ignored++
		return Event{}, false
	}
	st := d.state
	d.state = stIdle
	switch {
	case st == stE1 && b == 0x1D:
		d.state = stE1Make
		return Event{}, false
	case st == stE1 && b == 0x9D:
		d.state = stE1Break
		return Event{}, false
	case st == stE1Make && b == 0x45:
		return d.key(Pause, 0x45)
	case st == stE1Break && b == 0xC5:
		return d.key(Pause, 0xC5)
	}
	// Resynchronise: drop the partial sequence and decode b afresh. The
	// bytes already taken are not replayed: E1 1D is not a left Ctrl
	// press, and replaying it would leave a Ctrl held that nobody holds.
	d.stats.BrokenSequences++
	return d.idle(b)
}

// key handles the make or break code b of key k (None if unknown).
func (d *Decoder) key(k Key, b byte) (Event, bool) {
	if k == None {
		d.stats.UnknownKeys++
		return Event{}, false
	}
	i, bit := k/64, uint64(1)<<(k%64)
	held := d.down[i]&bit != 0
	if b&0x80 != 0 {
		if !held {
			d.stats.StrayReleases++
		}
		d.down[i] &^= bit
		return Event{}, false
	}
	d.down[i] |= bit
	e := d.press(k, held)
	d.stats.Events++
	return e, true
}

// numpadNav is what the keypad keys do with Num Lock off.
var numpadNav = [...]struct {
	k     Key
	digit rune
	nav   Key
}{
	{Numpad0, '0', Insert}, {Numpad1, '1', End}, {Numpad2, '2', ArrowDown},
	{Numpad3, '3', PageDown}, {Numpad4, '4', ArrowLeft}, {Numpad5, '5', Numpad5},
	{Numpad6, '6', ArrowRight}, {Numpad7, '7', Home}, {Numpad8, '8', ArrowUp},
	{Numpad9, '9', PageUp}, {NumpadDecimal, 0, Delete},
}

// press returns the event for a make code of k; repeat says k was held.
func (d *Decoder) press(k Key, repeat bool) Event {
	l := d.Layout()
	m := d.Modifiers()
	shift, altGr := m&ModShift != 0, m&ModAltGr != 0
	if s, ok := l.lookup(k, shift, d.leds&ledCaps != 0, altGr); ok {
		if d.ctrl == CtrlMapsToControlChars && m&ModCtrl != 0 && !altGr &&
			(s >= 'a' && s <= 'z' || s >= 'A' && s <= 'Z') {
			s &= 0x1F
		}
		return s.event()
	}
	switch k {
	case CapsLock, NumLock, ScrollLock:
		if !repeat {
			d.leds ^= lockLED(k)
			d.changed = true
		}
	case Escape:
		return Event{Rune: 0x1B}
	case Backspace:
		return Event{Rune: '\b'}
	case Tab:
		return Event{Rune: '\t'}
	case Enter, NumpadEnter:
		return Event{Rune: '\n'}
	case Space:
		return Event{Rune: ' '}
	case NumpadDivide:
		return Event{Rune: '/'}
	case NumpadMultiply:
		return Event{Rune: '*'}
	case NumpadSubtract:
		return Event{Rune: '-'}
	case NumpadAdd:
		return Event{Rune: '+'}
	case Numpad0, Numpad1, Numpad2, Numpad3, Numpad4, Numpad5, Numpad6,
		Numpad7, Numpad8, Numpad9, NumpadDecimal:
		for _, n := range numpadNav {
			if n.k != k {
				continue
			}
			// Shift turns Num Lock off while held, as on a PC (Windows,
			// and X11's KEYPAD key type); with Num Lock off it does nothing.
			if d.leds&ledNum == 0 || shift {
				return Event{Key: n.nav}
			}
			if n.digit == 0 {
				if l.decimal == 0 { // a zero Layout
					return Event{Rune: '.'}
				}
				return Event{Rune: l.decimal}
			}
			return Event{Rune: n.digit}
		}
	}
	return Event{Key: k}
}

func lockLED(k Key) uint8 {
	switch k {
	case CapsLock:
		return ledCaps
	case NumLock:
		return ledNum
	}
	return ledScroll
}

// Modifiers returns the modifiers held now. On a layout with AltGr, right
// Alt is AltGr, and Ctrl with left Alt is AltGr too (then ModCtrl and
// ModAlt are also set, but AltGr wins: no control characters).
func (d *Decoder) Modifiers() Modifiers {
	var m Modifiers
	if d.Held(LShift) || d.Held(RShift) {
		m |= ModShift
	}
	if d.Held(LCtrl) || d.Held(RCtrl) {
		m |= ModCtrl
	}
	altGrLayout := d.Layout().altGr
	if d.Held(LAlt) || (d.Held(RAlt) && !altGrLayout) {
		m |= ModAlt
	}
	if altGrLayout && (d.Held(RAlt) || (m&ModCtrl != 0 && d.Held(LAlt))) {
		m |= ModAltGr
	}
	if d.Held(LWin) || d.Held(RWin) {
		m |= ModWin
	}
	return m
}

// Held reports whether physical key k is held down, as far as the decoder
// knows: pressed and not yet released.
func (d *Decoder) Held(k Key) bool {
	return k < numPhysical && d.down[k/64]&(1<<(k%64)) != 0
}

// Locks returns the lock states.
func (d *Decoder) Locks() (caps, num, scroll bool) {
	return d.leds&ledCaps != 0, d.leds&ledNum != 0, d.leds&ledScroll != 0
}

// SetLocks sets the lock states, for instance to what the firmware left.
func (d *Decoder) SetLocks(caps, num, scroll bool) {
	d.leds = 0
	if caps {
		d.leds |= ledCaps
	}
	if num {
		d.leds |= ledNum
	}
	if scroll {
		d.leds |= ledScroll
	}
}

// LEDs returns the lock states as the keyboard's Set LEDs command (ED)
// takes them (bit 0 Scroll Lock, bit 1 Num Lock, bit 2 Caps Lock), and
// whether the last byte fed toggled one, so the driver knows to send them.
func (d *Decoder) LEDs() (leds uint8, changed bool) {
	return d.leds, d.changed
}

// Stats returns the counters.
func (d *Decoder) Stats() Stats { return d.stats }

// Reset forgets the held keys and any partial sequence, for after the
// driver resets the keyboard. Locks, layout and counters are kept.
func (d *Decoder) Reset() {
	d.state = stIdle
	clear(d.down[:])
}
