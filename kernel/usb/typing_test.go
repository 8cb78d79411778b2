package usb

import (
	"strings"
	"testing"
	"time"

	"gokernel/keyboard"
)

const (
	shift = 0x02 // left Shift in the modifier byte
	altGr = 0x40 // right Alt
)

// stroke is a key typed: its usage and the modifiers held with it.
type stroke struct{ mods, usage uint8 }

// usKeys and deKeys say how to type each rune on a US and a German
// keyboard: the usage of the key (by its position, as HID names keys)
// and the modifiers.
var usKeys = map[rune]stroke{
	'H': {shift, 0x0B}, 'e': {0, 0x08}, 'l': {0, 0x0F}, 'o': {0, 0x12}, ',': {0, 0x36},
	' ': {0, 0x2C}, 'W': {shift, 0x1A}, 'r': {0, 0x15}, 'd': {0, 0x07}, '!': {shift, 0x1E},
	'1': {0, 0x1E}, '2': {0, 0x1F}, '3': {0, 0x20}, '(': {shift, 0x26}, 'a': {0, 0x04},
	'+': {shift, 0x2E}, 'b': {0, 0x05}, ')': {shift, 0x27}, '=': {0, 0x2E}, 'c': {0, 0x06},
	';': {0, 0x33}, '\'': {0, 0x34}, 'q': {0, 0x14}, '"': {shift, 0x34}, '\n': {0, 0x28},
	'z': {0, 0x1D}, 'y': {0, 0x1C}, '@': {shift, 0x1F}, '#': {shift, 0x20}, '<': {shift, 0x36},
	'>': {shift, 0x37}, '/': {0, 0x38}, '?': {shift, 0x38}, '~': {shift, 0x35}, '|': {shift, 0x31},
	'\t': {0, 0x2B}, '-': {0, 0x2D}, '_': {shift, 0x2D}, '.': {0, 0x37}, ':': {shift, 0x33},
}

var deKeys = map[rune]stroke{
	'G': {shift, 0x0A}, 'r': {0, 0x15}, 'ü': {0, 0x2F}, 'ß': {0, 0x2D}, 'e': {0, 0x08},
	' ': {0, 0x2C}, 'a': {0, 0x04}, 'u': {0, 0x18}, 's': {0, 0x16}, 'K': {shift, 0x0E},
	'ö': {0, 0x33}, 'l': {0, 0x0F}, 'n': {0, 0x11}, ':': {shift, 0x37}, '1': {0, 0x1E},
	'+': {0, 0x30}, '=': {shift, 0x27}, '2': {0, 0x1F}, ',': {0, 0x36}, 'z': {0, 0x1C},
	'@': {altGr, 0x14}, 'y': {0, 0x1D}, '#': {0, 0x32}, '<': {0, 0x64}, '>': {shift, 0x64},
	'ä': {0, 0x34}, 'Ä': {shift, 0x34}, '€': {altGr, 0x08}, '\\': {altGr, 0x2D}, '{': {altGr, 0x24},
	'}': {altGr, 0x27}, '?': {shift, 0x2D}, '-': {0, 0x38}, '_': {shift, 0x38}, '\n': {0, 0x28},
}

// reports turns text into the reports a keyboard sends as it is typed:
// for each rune its modifiers and key down, then all up.
func reports(t *testing.T, keys map[rune]stroke, text string) [][]byte {
	var out [][]byte
	for _, r := range text {
		s, ok := keys[r]
		if !ok {
			t.Fatalf("no key for %q", r)
		}
		out = append(out, rep(s.mods, s.usage), rep(0))
	}
	return out
}

// decode runs set 1 bytes through a keyboard decoder with layout l.
func decode(l *keyboard.Layout, bytes []byte) string {
	d := keyboard.NewDecoder(l, keyboard.CtrlMapsToControlChars)
	var sb strings.Builder
	for _, b := range bytes {
		if e, ok := d.Feed(b); ok && e.Rune != 0 {
			sb.WriteRune(e.Rune)
		}
	}
	return sb.String()
}

func TestTyping(t *testing.T) {
	for _, c := range []struct {
		layout *keyboard.Layout
		keys   map[rune]stroke
		text   string
	}{
		{keyboard.US, usKeys, "Hello, World! 123 (a+b)=c; 'q' \"zy\" @#<>/?~|\t-_.:\n"},
		{keyboard.German, deKeys, "Grüße aus Köln: 1+1=2, z@y #<> Ä€\\{}?-_\n"},
	} {
		sc := NewScancodes(0, 0)
		var bytes []byte
		now := time.Duration(0)
		for _, r := range reports(t, c.keys, c.text) {
			var err error
			if bytes, err = sc.Report(r, now, bytes); err != nil {
				t.Fatal(err)
			}
			now += 10 * time.Millisecond
		}
		if got := decode(c.layout, bytes); got != c.text {
			t.Errorf("%s:\n got %q\nwant %q", c.layout.Name(), got, c.text)
		}
		if s := sc.Stats(); s.Unmapped != 0 || s.Ignored != 0 || s.Repeats != 0 {
			t.Errorf("%s: %+v", c.layout.Name(), s)
		}
	}
}

// TestTypingRollover types fast: the next key goes down before the last
// comes up, with a phantom report in the middle, and Shift is released
// in the same report as the next key's press.
func TestTypingRollover(t *testing.T) {
	sc := NewScancodes(0, 0)
	var b []byte
	for _, r := range [][]byte{
		rep(shift, 0x0B),         // H
		rep(0, 0x0B, 0x08),       // Shift up, e down, h still held
		rep(0, 0x08, 0x0F),       // h up, l down
		rep(0, 1, 1, 1, 1, 1, 1), // phantom: ignored
		rep(0, 0x0F),             // e up
		rep(0),                   // l up
		rep(0, 0x0F),             // l
		{0, 0, 0x12},             // short: ignored
		rep(0, 0x12),             // o
		rep(0),
	} {
		b, _ = sc.Report(r, 0, b)
	}
	if got := decode(keyboard.US, b); got != "Hello" {
		t.Errorf("%q", got)
	}
	if s := sc.Stats(); s.Ignored != 2 || s.Reports != 8 {
		t.Errorf("%+v", s)
	}
}

// TestCapsLockLEDs: Caps Lock through USB reports toggles the decoder's
// lock, and its LEDs become the boot keyboard's output report.
func TestCapsLockLEDs(t *testing.T) {
	sc := NewScancodes(0, 0)
	var b []byte
	for _, r := range [][]byte{rep(0, 0x39), rep(0), rep(0, 0x04), rep(0)} {
		b, _ = sc.Report(r, 0, b)
	}
	d := keyboard.NewDecoder(keyboard.US, keyboard.CtrlMapsToControlChars)
	var text []rune
	var leds uint8
	for _, x := range b {
		if e, ok := d.Feed(x); ok && e.Rune != 0 {
			text = append(text, e.Rune)
		}
		if l, changed := d.LEDs(); changed {
			leds = LEDReport(l)
		}
	}
	if string(text) != "A" || leds != LEDNum|LEDCaps {
		t.Errorf("%q, LEDs %#x", string(text), leds)
	}
}
