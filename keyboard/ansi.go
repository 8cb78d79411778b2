package keyboard

import "unicode/utf8"

// ANSIStats counts what an ANSIDecoder saw besides well-formed input. Only
// Bytes and Events count normal traffic (and the LF of a CR LF pair, which
// is swallowed without being counted anywhere else).
type ANSIStats struct {
	Bytes            uint64 // bytes fed
	Events           uint64 // events returned
	UnknownSequences uint64 // complete CSI or SS3 sequences that name no key: swallowed
	BrokenSequences  uint64 // escape sequences cut short (by a byte that cannot continue them, by their length, or by Flush)
	InvalidUTF8      uint64 // byte sequences that are not UTF-8: stray continuation bytes, bad lead bytes, broken or overlong sequences, surrogates
	Ignored          uint64 // NUL, the control characters 1C-1F, and C1 controls (U+0080-U+009F) sent as UTF-8
}

// ANSI decoder states.
const (
	ansiGround = iota
	ansiEsc    // ESC seen
	ansiCSI    // ESC [ seen: parameters, intermediates, then a final byte
	ansiSS3    // ESC O seen: one final byte
	ansiUTF8   // inside a multi-byte UTF-8 sequence
)

// maxCSI is the longest CSI sequence (bytes after ESC [) the decoder waits
// for; a longer one is broken off and its next byte decoded afresh, so a
// lost final byte cannot swallow a whole line of digits.
const maxCSI = 32

// ANSIDecoder turns the bytes a serial terminal (a VT100, xterm, or
// anything that speaks ANSI X3.64 / ECMA-48) sends for its keys into the
// Events that Decoder produces for a PC keyboard, so a consumer of events
// need not know where they came from:
//
//   - printable ASCII and UTF-8 sequences give their runes;
//   - CR and LF give '\n' (Enter); the LF of a CR LF pair is swallowed, so
//     a terminal that sends CR LF for Enter gives one '\n';
//   - DEL (7F) and BS (08) give '\b' (Backspace);
//   - HT (09) gives '\t', and the other control characters 01-1A give
//     themselves as runes (Ctrl+letter, as Decoder gives them in
//     CtrlMapsToControlChars mode: Ctrl+C is U+0003); NUL and 1C-1F are
//     ignored;
//   - ESC [ A, B, C, D give ArrowUp, ArrowDown, ArrowRight, ArrowLeft (also
//     ESC O A-D, the "application cursor" form, and with a modifier
//     parameter, ESC [ 1 ; 5 C, whose modifier is dropped);
//   - ESC [ H, ESC [ F, ESC O H, ESC O F, ESC [ 1 ~, ESC [ 7 ~ give Home,
//     and ESC [ 4 ~, ESC [ 8 ~ End; ESC [ 2 ~ Insert, ESC [ 3 ~ Delete,
//     ESC [ 5 ~ PageUp, ESC [ 6 ~ PageDown; ESC O P-S and ESC [ 11-15 ~,
//     17-21 ~, 23-24 ~ give F1-F12; ESC O M (keypad Enter) gives '\n' and
//     ESC O j-y the keypad's * + , - . / 0-9;
//   - ESC followed by a byte other than '[' and 'O' gives Escape (the rune
//     U+001B, as Decoder gives it), and then that byte is decoded afresh
//     (so Alt+x, which terminals send as ESC x, gives Escape and 'x');
//   - any other complete CSI sequence (ESC [, parameter bytes 30-3F,
//     intermediate bytes 20-2F, a final byte 40-7E) and any other ESC O x
//     is swallowed and counted (Stats.UnknownSequences): cursor position
//     reports, focus events, Shift+Tab (ESC [ Z) and the like.
//
// A byte that cannot continue an escape or UTF-8 sequence (a control
// character, DEL, or a non-ASCII byte inside an escape sequence; a
// non-continuation byte inside UTF-8) breaks it off, is counted, and is
// then decoded afresh: a CR, an ESC or a Ctrl+C always has its meaning,
// whatever garbage came before. So the decoder is back in step after any
// garbage at the first control character other than NUL, LF, ESC and
// 1C-1F, or DEL: whatever the state, Feed of such a byte yields its event
// ('\b', '\n' for CR, the rune itself otherwise), preceded by Escape if
// an ESC was pending, and leaves the decoder in its initial state (but
// for a CR, whose LF it will swallow). FuzzANSIDecoder checks this.
//
// A lone ESC at the end of the input cannot be told from the start of a
// sequence whose rest has not arrived yet; it stays pending until the next
// byte, or until Flush, which a reader calls when it knows no more is
// coming (or, with a timer, when the terminal has been quiet for a while).
//
// Feed never panics and never allocates. The zero ANSIDecoder is ready to
// use. It is not safe for concurrent use.
type ANSIDecoder struct {
	state   uint8
	afterCR bool // the last byte was a CR: a LF now is its pair

	// CSI: the first two numeric parameters (0 when empty), how many
	// parameters there are, whether anything makes the sequence not a key
	// (a private marker, an intermediate byte, a sub-parameter), and its
	// length so far.
	param    [2]uint16
	nparam   uint8
	odd      bool
	csiLen   uint8
	utf8Buf  [utf8.UTFMax]byte
	utf8Len  uint8 // bytes in utf8Buf
	utf8Need uint8 // bytes the sequence needs
	stats    ANSIStats
}

// Stats returns the decoder's counters.
func (d *ANSIDecoder) Stats() ANSIStats { return d.stats }

// Reset forgets any sequence in progress (and the pending CR); the
// counters are kept.
func (d *ANSIDecoder) Reset() {
	d.state = ansiGround
	d.afterCR = false
	d.utf8Len = 0
}

// Pending reports whether the decoder is in the middle of a sequence: an
// ESC, an escape sequence or a UTF-8 sequence has begun and not ended.
func (d *ANSIDecoder) Pending() bool { return d.state != ansiGround }

// Feed decodes one byte. It returns the events the byte completes in
// ev[:n]: none (the byte began or continued a sequence, or was swallowed),
// one, or two (Escape, when the byte ends a pending ESC without starting a
// sequence, and then the byte's own event). It never panics and never
// allocates:
//
//	ev, n := d.Feed(b)
//	for _, e := range ev[:n] {
//		...
//	}
func (d *ANSIDecoder) Feed(b byte) (ev [2]Event, n int) {
	d.stats.Bytes++
	cr := d.afterCR
	d.afterCR = false
	fresh := false // decode b in the ground state (after what came before)
	switch d.state {
	case ansiGround:
		fresh = true
	case ansiEsc:
		switch b {
		case '[':
			d.state = ansiCSI
			d.param, d.nparam, d.odd, d.csiLen = [2]uint16{}, 1, false, 0
			return ev, 0
		case 'O':
			d.state = ansiSS3
			return ev, 0
		}
		d.state = ansiGround
		ev[0], n = Event{Rune: 0x1B}, 1
		fresh = true
	case ansiCSI:
		var e Event
		var ok bool
		e, ok, fresh = d.csi(b)
		if ok {
			ev[0], n = e, 1
		}
	case ansiSS3:
		d.state = ansiGround
		if b < 0x20 || b >= 0x7F {
			d.stats.BrokenSequences++
			fresh = true
		} else if e, ok := ss3Event(b); ok {
			ev[0], n = e, 1
		} else {
			d.stats.UnknownSequences++
		}
	case ansiUTF8:
		if b < 0x80 || b > 0xBF {
			d.state = ansiGround
			d.stats.InvalidUTF8++
			fresh = true
			break
		}
		d.utf8Buf[d.utf8Len&(utf8.UTFMax-1)] = b
		d.utf8Len++
		if d.utf8Len < d.utf8Need {
			return ev, 0
		}
		d.state = ansiGround
		r, size := utf8.DecodeRune(d.utf8Buf[:min(d.utf8Len, utf8.UTFMax)])
		d.utf8Len = 0
		switch {
		case r == utf8.RuneError && size <= 1:
			d.stats.InvalidUTF8++ // overlong, surrogate, or beyond U+10FFFF
		case r < 0xA0:
			d.stats.Ignored++ // a C1 control
		default:
			ev[0], n = Event{Rune: r}, 1
		}
	}
	if fresh {
		if e, ok := d.ground(b, cr); ok {
			ev[n] = e // n is 0, or 1 after an Escape
			n++
		}
	}
	d.stats.Events += uint64(n)
	return ev, n
}

// ground decodes b in the ground state: a character, a control character
// or the start of a sequence. cr says the byte before b was a CR.
func (d *ANSIDecoder) ground(b byte, cr bool) (Event, bool) {
	switch {
	case b == '\n' && cr:
		return Event{}, false // the LF of CR LF
	case b == '\r':
		d.afterCR = true
		return Event{Rune: '\n'}, true
	case b == '\n':
		return Event{Rune: '\n'}, true
	case b == 0x08 || b == 0x7F:
		return Event{Rune: '\b'}, true
	case b == 0x1B:
		d.state = ansiEsc
		return Event{}, false
	case b == 0 || b >= 0x1C && b < 0x20:
		d.stats.Ignored++
		return Event{}, false
	case b < 0x80:
		return Event{Rune: rune(b)}, true // printable ASCII, or Ctrl+letter
	}
	// A UTF-8 lead byte, or garbage.
	switch {
	case b >= 0xC2 && b <= 0xDF:
		d.utf8Need = 2
	case b >= 0xE0 && b <= 0xEF:
		d.utf8Need = 3
	case b >= 0xF0 && b <= 0xF4:
		d.utf8Need = 4
	default:
		d.stats.InvalidUTF8++ // a continuation byte, C0, C1 or F5-FF
		return Event{}, false
	}
	d.state = ansiUTF8
	d.utf8Buf[0] = b
	d.utf8Len = 1
	return Event{}, false
}

// csi takes byte b of a CSI sequence. It returns the key when b completes
// the sequence with a known key (ok), and fresh when b broke the sequence
// off and must be decoded afresh. The state goes back to ground when the
// sequence ends either way.
func (d *ANSIDecoder) csi(b byte) (e Event, ok, fresh bool) {
	d.csiLen++
	switch {
	case d.csiLen > maxCSI || b < 0x20 || b >= 0x7F:
		d.state = ansiGround
		d.stats.BrokenSequences++
		return Event{}, false, true
	case b >= '0' && b <= '9':
		if i := d.nparam - 1; i < uint8(len(d.param)) {
			if p := d.param[i]*10 + uint16(b-'0'); p < 10000 {
				d.param[i] = p
			} else {
				d.param[i] = 10000 // saturated: no key has it
			}
		}
	case b == ';':
		if d.nparam < 255 {
			d.nparam++
		}
	case b < 0x40:
		d.odd = true // ':' '<' '=' '>' '?' or an intermediate byte 20-2F
	default:
		d.state = ansiGround
		if e, ok := d.csiKey(b); ok {
			return e, true, false
		}
		d.stats.UnknownSequences++
	}
	return Event{}, false, false
}

// csiKey returns the key that a CSI sequence with final byte f and the
// parameters seen names, if any. A second parameter (xterm's modifiers)
// is allowed and ignored.
func (d *ANSIDecoder) csiKey(f byte) (Event, bool) {
	if d.odd || d.nparam > 2 {
		return Event{}, false
	}
	p := d.param[0]
	switch f {
	case 'A', 'B', 'C', 'D', 'H', 'F':
		if p <= 1 {
			return ss3Event(f)
		}
	case 'P', 'Q', 'R', 'S':
		if p == 1 && d.nparam == 2 { // ESC [ 1 ; 2 P: Shift+F1
			return ss3Event(f)
		}
	case '~':
		if k := tildeKey(p); k != None {
			return Event{Key: k}, true
		}
	}
	return Event{}, false
}

// tildeKey maps the parameter of ESC [ p ~ (VT220 editing and function
// keys) to a key.
func tildeKey(p uint16) Key {
	switch {
	case p == 1 || p == 7:
		return Home
	case p == 2:
		return Insert
	case p == 3:
		return Delete
	case p == 4 || p == 8:
		return End
	case p == 5:
		return PageUp
	case p == 6:
		return PageDown
	case p >= 11 && p <= 15:
		return F1 + Key(p-11)
	case p >= 17 && p <= 21:
		return F6 + Key(p-17)
	case p == 23 || p == 24:
		return F11 + Key(p-23)
	}
	return None
}

// keypad is what ESC O j through ESC O y give: the keypad's characters in
// application keypad mode.
const keypad = "*+,-./0123456789"

// ss3Event maps the final byte of ESC O x to a key (also used for the CSI
// forms of the same keys).
func ss3Event(f byte) (Event, bool) {
	switch f {
	case 'A':
		return Event{Key: ArrowUp}, true
	case 'B':
		return Event{Key: ArrowDown}, true
	case 'C':
		return Event{Key: ArrowRight}, true
	case 'D':
		return Event{Key: ArrowLeft}, true
	case 'H':
		return Event{Key: Home}, true
	case 'F':
		return Event{Key: End}, true
	case 'P', 'Q', 'R', 'S':
		return Event{Key: F1 + Key(f-'P')}, true
	case 'M':
		return Event{Rune: '\n'}, true
	}
	if f >= 'j' && f <= 'y' {
		return Event{Rune: rune(keypad[f-'j'])}, true
	}
	return Event{}, false
}

// Flush ends whatever sequence is pending, as when the terminal has gone
// quiet: a lone ESC gives Escape; an unfinished escape or UTF-8 sequence
// is dropped and counted. It returns false when there is nothing to give.
func (d *ANSIDecoder) Flush() (Event, bool) {
	st := d.state
	d.state = ansiGround
	d.utf8Len = 0
	switch st {
	case ansiEsc:
		d.stats.Events++
		return Event{Rune: 0x1B}, true
	case ansiCSI, ansiSS3:
		d.stats.BrokenSequences++
	case ansiUTF8:
		d.stats.InvalidUTF8++
	}
	return Event{}, false
}
