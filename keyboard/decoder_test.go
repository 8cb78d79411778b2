package keyboard

import (
	"testing"
)

func TestSpecialKeys(t *testing.T) {
	d := NewDecoder(US, CtrlMapsToControlChars)
	for _, c := range []struct {
		codes []byte
		want  string
	}{
		{[]byte{0x1C, 0x9C}, `\n`},
		{[]byte{0x0E, 0x8E}, `\b`},
		{[]byte{0x0F, 0x8F}, `\t`},
		{[]byte{0x01, 0x81}, `\x1b`},
		{[]byte{0x39, 0xB9}, ` `},
		{[]byte{0x3B, 0xBB}, `<F1>`},
		{[]byte{0x44, 0xC4}, `<F10>`},
		{[]byte{0x57, 0xD7}, `<F11>`},
		{[]byte{0x58, 0xD8}, `<F12>`},
		{[]byte{0xE0, 0x53, 0xE0, 0xD3}, `<Delete>`},
		{[]byte{0xE0, 0x52, 0xE0, 0xD2}, `<Insert>`},
		{[]byte{0xE0, 0x47, 0xE0, 0xC7}, `<Home>`},
		{[]byte{0xE0, 0x4F, 0xE0, 0xCF}, `<End>`},
		{[]byte{0xE0, 0x49, 0xE0, 0xC9}, `<PageUp>`},
		{[]byte{0xE0, 0x51, 0xE0, 0xD1}, `<PageDown>`},
		{[]byte{0xE0, 0x48, 0xE0, 0xC8}, `<ArrowUp>`},
		{[]byte{0xE0, 0x50, 0xE0, 0xD0}, `<ArrowDown>`},
		{[]byte{0xE0, 0x4B, 0xE0, 0xCB}, `<ArrowLeft>`},
		{[]byte{0xE0, 0x4D, 0xE0, 0xCD}, `<ArrowRight>`},
		{[]byte{0xE0, 0x1C, 0xE0, 0x9C}, `\n`}, // keypad Enter
		{[]byte{0xE0, 0x35, 0xE0, 0xB5}, `/`},  // keypad /
		{[]byte{0x37, 0xB7}, `*`},
		{[]byte{0x4A, 0xCA}, `-`},
		{[]byte{0x4E, 0xCE}, `+`},
		{[]byte{0xE0, 0x5B, 0xE0, 0xDB}, `<LWin>`},
		{[]byte{0xE0, 0x5C, 0xE0, 0xDC}, `<RWin>`},
		{[]byte{0xE0, 0x5D, 0xE0, 0xDD}, `<Menu>`},
		{[]byte{0x2A, 0xAA}, `<LShift>`},
		{[]byte{0x36, 0xB6}, `<RShift>`},
		{[]byte{0x1D, 0x9D}, `<LCtrl>`},
		{[]byte{0xE0, 0x1D, 0xE0, 0x9D}, `<RCtrl>`},
		{[]byte{0x38, 0xB8}, `<LAlt>`},
		{[]byte{0xE0, 0x38, 0xE0, 0xB8}, `<RAlt>`},
		{[]byte{0x46, 0xC6, 0x46, 0xC6}, `<ScrollLock> <ScrollLock>`},
		{[]byte{0xE0, 0x20, 0xE0, 0xA0}, `<AudioMute>`},
		{[]byte{0xE0, 0x5E, 0xE0, 0xDE}, `<Power>`},
	} {
		if got := feed(d, c.codes...); got != c.want {
			t.Errorf("% X: got %q, want %q", c.codes, got, c.want)
		}
	}
	if s := d.Stats(); s != (Stats{Bytes: s.Bytes, Events: s.Events}) {
		t.Errorf("clean keys counted as anomalies: %+v", s)
	}
	if d.Modifiers() != 0 {
		t.Errorf("modifiers %v held", d.Modifiers())
	}
}

func TestWindowsAndMenuKeys(t *testing.T) {
	d := NewDecoder(US, CtrlMapsToControlChars)
	if got := feed(d, 0xE0, 0x5B); got != "<LWin>" || d.Modifiers() != ModWin || !d.Held(LWin) {
		t.Fatalf("LWin press: %q, %v", got, d.Modifiers())
	}
	if got := feed(d, 0x1E, 0x9E); got != "a" {
		t.Errorf("Win+a = %q, want a (Win changes no rune)", got)
	}
	if got := feed(d, 0xE0, 0x5C, 0xE0, 0xDB); got != "<RWin>" || d.Modifiers() != ModWin {
		t.Errorf("RWin: %q, %v", got, d.Modifiers())
	}
	if feed(d, 0xE0, 0xDC); d.Modifiers() != 0 {
		t.Errorf("after both Windows keys up: %v", d.Modifiers())
	}
	if got := feed(d, 0xE0, 0x5D, 0xE0, 0xDD); got != "<Menu>" || d.Modifiers() != 0 {
		t.Errorf("Menu: %q, %v", got, d.Modifiers())
	}
}

func TestCapsLock(t *testing.T) {
	d := NewDecoder(US, CtrlMapsToControlChars)
	if c, _, _ := d.Locks(); c {
		t.Fatal("Caps Lock starts on")
	}
	if got := feed(d, 0x3A, 0xBA); got != "<CapsLock>" {
		t.Fatalf("Caps Lock press = %q", got)
	}
	if c, _, _ := d.Locks(); !c {
		t.Fatal("Caps Lock did not toggle on")
	}
	for _, c := range []struct {
		codes []byte
		want  string
	}{
		{[]byte{0x1E, 0x9E}, "A"},
		{[]byte{0x2A, 0x1E, 0x9E, 0xAA}, "<LShift> a"}, // Caps+Shift: lower case
		{[]byte{0x36, 0x10, 0x90, 0xB6}, "<RShift> q"},
		{[]byte{0x02, 0x82}, "1"}, // digits unaffected
		{[]byte{0x2A, 0x02, 0x82, 0xAA}, "<LShift> !"},
		{[]byte{0x27, 0xA7}, ";"}, // punctuation unaffected
		{[]byte{0x2A, 0x27, 0xA7, 0xAA}, "<LShift> :"},
		{[]byte{0x1D, 0x2E, 0xAE, 0x9D}, `<LCtrl> \x03`}, // Ctrl+C still ^C
	} {
		if got := feed(d, c.codes...); got != c.want {
			t.Errorf("Caps on, % X: %q, want %q", c.codes, got, c.want)
		}
	}
	// Typematic repeat of Caps Lock does not toggle again.
	feed(d, 0x3A, 0x3A, 0x3A, 0xBA)
	if c, _, _ := d.Locks(); c {
		t.Fatal("Caps Lock did not toggle off (or repeat toggled it)")
	}
	if got := feed(d, 0x1E, 0x9E, 0x2A, 0x1E, 0x9E, 0xAA); got != "a <LShift> A" {
		t.Errorf("Caps off: %q", got)
	}
}

func TestCapsLockLayouts(t *testing.T) {
	for _, c := range []struct {
		l     *Layout
		codes []byte
		want  string
	}{
		{German, []byte{0x1A, 0x9A}, "Ü"},
		{German, []byte{0x2A, 0x1A, 0x9A, 0xAA}, "<LShift> ü"},
		{German, []byte{0x0C, 0x8C}, "ß"}, // not a letter pair: unchanged
		{German, []byte{0x15, 0x95}, "Z"},
		{German, []byte{0x02, 0x82}, "1"},
		{German, []byte{0xE0, 0x38, 0x12, 0x92, 0xE0, 0xB8}, "<RAlt> €"},
		{French, []byte{0x03, 0x83}, "É"}, // the French digit row: letters capitalised
		{French, []byte{0x08, 0x88}, "È"},
		{French, []byte{0x0A, 0x8A}, "Ç"},
		{French, []byte{0x0B, 0x8B}, "À"},
		{French, []byte{0x28, 0xA8}, "Ù"},
		{French, []byte{0x02, 0x82}, "&"}, // punctuation unchanged
		{French, []byte{0x2A, 0x03, 0x83, 0xAA}, "<LShift> 2"},
		{French, []byte{0x10, 0x90}, "A"},
		{French, []byte{0x2B, 0xAB}, "*"},
		{Colemak, []byte{0xE0, 0x38, 0x1E, 0x9E, 0xE0, 0xB8}, "<RAlt> Á"}, // AltGr letters too
		{Colemak, []byte{0x2A, 0xE0, 0x38, 0x1E, 0x9E, 0xE0, 0xB8, 0xAA}, "<LShift> <RAlt> á"},
	} {
		d := NewDecoder(c.l, CtrlMapsToControlChars)
		d.SetLocks(true, true, false)
		if got := feed(d, c.codes...); got != c.want {
			t.Errorf("%s Caps on, % X: %q, want %q", c.l.Name(), c.codes, got, c.want)
		}
	}
}

func TestColemakCapsIsBackspace(t *testing.T) {
	d := NewDecoder(Colemak, CtrlMapsToControlChars)
	if got := feed(d, 0x3A, 0xBA, 0x3A, 0xBA); got != `\b \b` {
		t.Errorf("Colemak Caps Lock = %q, want two backspaces", got)
	}
	if c, _, _ := d.Locks(); c {
		t.Error("Colemak Caps Lock toggled the lock")
	}
	if _, changed := d.LEDs(); changed {
		t.Error("LEDs changed")
	}
}

func TestShiftAltGr(t *testing.T) {
	for _, c := range []struct {
		l     *Layout
		codes []byte
		want  string
	}{
		// Level 4 where X11 has one.
		{Colemak, []byte{0x2A, 0xE0, 0x38, 0x1E, 0x9E}, "<LShift> <RAlt> Á"},
		{German, []byte{0x2A, 0xE0, 0x38, 0x12, 0x92}, "<LShift> <RAlt> €"},
		{German, []byte{0x2A, 0xE0, 0x38, 0x0D, 0x8D}, "<LShift> <RAlt> <DeadOgonek>"},
		{UK, []byte{0x36, 0xE0, 0x38, 0x21, 0xA1}, "<RShift> <RAlt> ª"},
		// A key without an AltGr level acts as without AltGr.
		{German, []byte{0xE0, 0x38, 0x39, 0xB9, 0x1C, 0x9C}, `<RAlt>   \n`},
		{German, []byte{0x2A, 0xE0, 0x38, 0x4E, 0xCE}, "<LShift> <RAlt> +"},
	} {
		d := NewDecoder(c.l, CtrlMapsToControlChars)
		if got := feed(d, c.codes...); got != c.want {
			t.Errorf("%s % X: %q, want %q", c.l.Name(), c.codes, got, c.want)
		}
	}
}

func TestNumpad(t *testing.T) {
	keys := []byte{0x52, 0x4F, 0x50, 0x51, 0x4B, 0x4C, 0x4D, 0x47, 0x48, 0x49, 0x53}
	digits := "0 1 2 3 4 5 6 7 8 9 ."
	nav := "<Insert> <End> <ArrowDown> <PageDown> <ArrowLeft> <Numpad5> <ArrowRight> <Home> <ArrowUp> <PageUp> <Delete>"
	taps := func(d *Decoder, pre, post []byte) string {
		var b []byte
		b = append(b, pre...)
		for _, k := range keys {
			b = append(b, k, k|0x80)
		}
		return feed(d, append(b, post...)...)
	}
	d := NewDecoder(US, CtrlMapsToControlChars)
	if _, num, _ := d.Locks(); !num {
		t.Fatal("Num Lock starts off")
	}
	if got := taps(d, nil, nil); got != digits {
		t.Errorf("Num Lock on: %q", got)
	}
	if got := taps(d, []byte{0x2A}, []byte{0xAA}); got != "<LShift> "+nav {
		t.Errorf("Num Lock on + Shift: %q", got)
	}
	if got := feed(d, 0x45, 0xC5); got != "<NumLock>" {
		t.Errorf("Num Lock press = %q", got)
	}
	if _, num, _ := d.Locks(); num {
		t.Fatal("Num Lock did not toggle off")
	}
	if got := taps(d, nil, nil); got != nav {
		t.Errorf("Num Lock off: %q", got)
	}
	if got := taps(d, []byte{0x36}, []byte{0xB6}); got != "<RShift> "+nav {
		t.Errorf("Num Lock off + Shift: %q", got)
	}
	// The operators and Enter do not depend on Num Lock.
	for _, num := range []bool{false, true} {
		d.SetLocks(false, num, false)
		if got := feed(d, 0xE0, 0x35, 0xE0, 0xB5, 0x37, 0xB7, 0x4A, 0xCA, 0x4E, 0xCE, 0xE0, 0x1C, 0xE0, 0x9C); got != `/ * - + \n` {
			t.Errorf("Num Lock %v: operators %q", num, got)
		}
	}
	// The grey keys are not the keypad: Num Lock does not change them, and
	// the fake shifts the keyboard wraps them in with Num Lock on are ignored.
	d.SetLocks(false, true, false)
	if got := feed(d, 0xE0, 0x2A, 0xE0, 0x47, 0xE0, 0xC7, 0xE0, 0xAA); got != "<Home>" {
		t.Errorf("grey Home with Num Lock on: %q", got)
	}
	if d.Held(LShift) || d.Stats().FakeShifts != 2 {
		t.Errorf("fake shifts: LShift held %v, stats %+v", d.Held(LShift), d.Stats())
	}
	// With Shift held the keyboard sends fake Shift releases around the key.
	if got := feed(d, 0x2A, 0xE0, 0xAA, 0xE0, 0x52, 0xE0, 0xD2, 0xE0, 0x2A, 0xAA); got != "<LShift> <Insert>" {
		t.Errorf("Shift+grey Insert: %q", got)
	}
	if d.Held(LShift) {
		t.Error("LShift stuck")
	}
}

func TestExtendedModifiers(t *testing.T) {
	d := NewDecoder(US, CtrlMapsToControlChars)
	feed(d, 0xE0, 0x1D)
	if !d.Held(RCtrl) || d.Modifiers() != ModCtrl {
		t.Errorf("right Ctrl: %v", d.Modifiers())
	}
	if got := feed(d, 0x2E, 0xAE); got != `\x03` {
		t.Errorf("RCtrl+C = %q", got)
	}
	feed(d, 0xE0, 0x9D)
	if d.Modifiers() != 0 {
		t.Errorf("after right Ctrl up: %v", d.Modifiers())
	}
	feed(d, 0xE0, 0x38)
	if d.Modifiers() != ModAlt {
		t.Errorf("US right Alt: %v, want Alt", d.Modifiers())
	}
	d.SetLayout(German)
	if d.Modifiers() != ModAltGr {
		t.Errorf("German right Alt: %v, want AltGr", d.Modifiers())
	}
	if got := feed(d, 0x10, 0x90, 0xE0, 0xB8); got != "@" {
		t.Errorf("German AltGr+q = %q", got)
	}
	if d.Modifiers() != 0 || d.Layout() != German {
		t.Errorf("after AltGr up: %v", d.Modifiers())
	}
	d.SetLayout(nil)
	if d.Layout() != US {
		t.Error("SetLayout(nil) is not US")
	}
}

func TestCtrlLetters(t *testing.T) {
	for _, c := range []struct {
		l     *Layout
		mode  CtrlMode
		codes []byte
		want  string
	}{
		{US, CtrlMapsToControlChars, []byte{0x1D, 0x1E, 0x9E, 0x2C, 0xAC, 0x9D}, `<LCtrl> \x01 \x1a`},
		{US, CtrlMapsToControlChars, []byte{0x1D, 0x2A, 0x2E, 0xAE}, `<LCtrl> <LShift> \x03`},
		{US, CtrlMapsToControlChars, []byte{0xE0, 0x1D, 0x23, 0xA3}, `<RCtrl> \b`},
		{US, CtrlMapsToControlChars, []byte{0x1D, 0x02, 0x82, 0x1A, 0x9A, 0x39, 0xB9}, `<LCtrl> 1 [  `},
		{US, CtrlMapsToControlChars, []byte{0x1D, 0x38, 0x10, 0x90}, `<LCtrl> <LAlt> \x11`}, // no AltGr on US
		{US, CtrlRaw, []byte{0x1D, 0x1E, 0x9E, 0x2A, 0x2E, 0xAE}, `<LCtrl> a <LShift> C`},
		{Dvorak, CtrlMapsToControlChars, []byte{0x1D, 0x2D, 0xAD}, `<LCtrl> \x11`}, // Dvorak q
		{French, CtrlMapsToControlChars, []byte{0x1D, 0x10, 0x90, 0x27, 0xA7}, `<LCtrl> \x01 \r`},
		{French, CtrlMapsToControlChars, []byte{0x1D, 0x03, 0x83}, `<LCtrl> é`},
		{German, CtrlMapsToControlChars, []byte{0x1D, 0x1A, 0x9A}, `<LCtrl> ü`},
		// Ctrl+Alt is AltGr on a layout with AltGr: no control characters.
		{German, CtrlMapsToControlChars, []byte{0x1D, 0x38, 0x10, 0x90, 0x1E, 0x9E}, `<LCtrl> <LAlt> @ æ`},
		{German, CtrlMapsToControlChars, []byte{0xE0, 0x1D, 0x38, 0x08, 0x88}, `<RCtrl> <LAlt> {`},
		{German, CtrlMapsToControlChars, []byte{0x1D, 0xE0, 0x38, 0x12, 0x92}, `<LCtrl> <RAlt> €`},
		{German, CtrlRaw, []byte{0x1D, 0x2E, 0xAE}, `<LCtrl> c`},
		// Left Alt alone is not AltGr.
		{German, CtrlMapsToControlChars, []byte{0x38, 0x10, 0x90}, `<LAlt> q`},
	} {
		d := NewDecoder(c.l, c.mode)
		if got := feed(d, c.codes...); got != c.want {
			t.Errorf("%s mode %d % X: %q, want %q", c.l.Name(), c.mode, c.codes, got, c.want)
		}
	}
	d := NewDecoder(German, CtrlMapsToControlChars)
	feed(d, 0x1D, 0x38)
	if m := d.Modifiers(); m != ModCtrl|ModAlt|ModAltGr {
		t.Errorf("German Ctrl+Alt modifiers = %v", m)
	}
}

func TestPrintScreenAndPause(t *testing.T) {
	d := NewDecoder(US, CtrlMapsToControlChars)
	if got := feed(d, 0xE0, 0x2A, 0xE0, 0x37); got != "<PrintScreen>" {
		t.Errorf("Print Screen press = %q", got)
	}
	if got := feed(d, 0xE0, 0xB7, 0xE0, 0xAA); got != "" {
		t.Errorf("Print Screen release = %q", got)
	}
	if d.Held(LShift) || d.Held(PrintScreen) || d.Modifiers() != 0 {
		t.Error("Print Screen left a key held")
	}
	// With Shift or Ctrl held the keyboard omits the fake shifts.
	if got := feed(d, 0x1D, 0xE0, 0x37, 0xE0, 0xB7, 0x9D); got != "<LCtrl> <PrintScreen>" {
		t.Errorf("Ctrl+Print Screen = %q", got)
	}
	// Alt+Print Screen is SysRq.
	if got := feed(d, 0x38, 0x54, 0xD4, 0xB8); got != "<LAlt> <SysRq>" {
		t.Errorf("Alt+Print Screen = %q", got)
	}
	if got := feed(d, 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5); got != "<Pause>" {
		t.Errorf("Pause = %q", got)
	}
	if d.Held(LCtrl) || d.Held(NumLock) || d.Held(Pause) || d.Modifiers() != 0 {
		t.Error("Pause left a key held")
	}
	if _, num, _ := d.Locks(); !num {
		t.Error("Pause toggled Num Lock")
	}
	// Ctrl+Pause is Break.
	if got := feed(d, 0x1D, 0xE0, 0x46, 0xE0, 0xC6, 0x9D); got != "<LCtrl> <Break>" {
		t.Errorf("Ctrl+Pause = %q", got)
	}
	s := d.Stats()
	if s.FakeShifts != 2 || s.UnknownKeys+s.StrayReleases+s.BrokenSequences+s.Ignored+s.Errors != 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestLEDs(t *testing.T) {
	d := NewDecoder(US, CtrlMapsToControlChars)
	if leds, changed := d.LEDs(); leds != 0x02 || changed {
		t.Fatalf("initial LEDs %#x %v, want Num Lock only", leds, changed)
	}
	for _, c := range []struct {
		b       byte
		leds    uint8
		changed bool
	}{
		{0x3A, 0x06, true}, // Caps on
		{0x3A, 0x06, false},
		{0xBA, 0x06, false},
		{0x46, 0x07, true}, // Scroll on
		{0xC6, 0x07, false},
		{0x45, 0x05, true}, // Num off
		{0xC5, 0x05, false},
		{0x1E, 0x05, false},
		{0x9E, 0x05, false},
		{0x3A, 0x01, true}, // Caps off
		{0xBA, 0x01, false},
	} {
		d.Feed(c.b)
		if leds, changed := d.LEDs(); leds != c.leds || changed != c.changed {
			t.Errorf("after %02X: LEDs %#x %v, want %#x %v", c.b, leds, changed, c.leds, c.changed)
		}
	}
	if caps, num, scroll := d.Locks(); caps || num || !scroll {
		t.Errorf("Locks = %v %v %v", caps, num, scroll)
	}
	d.SetLocks(true, false, false)
	if leds, _ := d.LEDs(); leds != 0x04 {
		t.Errorf("SetLocks: LEDs %#x", leds)
	}
}

func TestTypematicRepeat(t *testing.T) {
	d := NewDecoder(US, CtrlMapsToControlChars)
	if got := feed(d, 0x1E, 0x1E, 0x1E, 0x9E); got != "a a a" {
		t.Errorf("held a = %q", got)
	}
	if got := feed(d, 0xE0, 0x48, 0xE0, 0x48, 0xE0, 0xC8); got != "<ArrowUp> <ArrowUp>" {
		t.Errorf("held ArrowUp = %q", got)
	}
	if got := feed(d, 0x2A, 0x2A, 0x1E, 0xAA); got != "<LShift> <LShift> A" {
		t.Errorf("held Shift = %q", got)
	}
	if s := d.Stats(); s.StrayReleases != 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestGarbage(t *testing.T) {
	for _, c := range []struct {
		name  string
		codes []byte
		want  string
		stats Stats // Bytes and Events are not compared
	}{
		{"replies", []byte{0xFA, 0xFE, 0xEE, 0xFC, 0xFD, 0x1E, 0x9E}, "a", Stats{Ignored: 5}},
		{"errors", []byte{0x00, 0xFF, 0x1E, 0x9E}, "a", Stats{Errors: 2}},
		{"self-test", []byte{0xAA, 0x1E, 0x9E}, "a", Stats{Ignored: 1}},
		{"self-test with Shift held", []byte{0x2A, 0xAA, 0x1E, 0x9E}, "<LShift> a", Stats{}},
		{"stray releases", []byte{0x9E, 0xB6, 0xE0, 0x9D, 0x1E, 0x9E}, "a", Stats{StrayReleases: 3}},
		{"unknown", []byte{0x55, 0x59, 0x7F, 0xD5, 0xE0, 0x01, 0xE0, 0x81, 0xE0, 0x7F, 0x1E, 0x9E}, "a", Stats{UnknownKeys: 7}},
		{"E0 E0", []byte{0xE0, 0xE0, 0x48, 0xE0, 0xC8}, "<ArrowUp>", Stats{BrokenSequences: 1}},
		{"E0 E1", []byte{0xE0, 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5}, "<Pause>", Stats{BrokenSequences: 1}},
		{"E0 00", []byte{0xE0, 0x00, 0x1E, 0x9E}, "a", Stats{BrokenSequences: 1, Errors: 1}},
		{"E0 reply", []byte{0xE0, 0xFA, 0x48, 0xE0, 0xC8}, "<ArrowUp>", Stats{Ignored: 1}},
		{"E1 reply", []byte{0xE1, 0xFA, 0x1D, 0xFE, 0x45, 0xE1, 0x9D, 0xC5}, "<Pause>", Stats{Ignored: 2}},
		{"E1 key", []byte{0xE1, 0x1E, 0x9E}, "a", Stats{BrokenSequences: 1}},
		{"E1 1D key", []byte{0xE1, 0x1D, 0x1E, 0x9E}, "a", Stats{BrokenSequences: 1}},
		{"E1 9D key", []byte{0xE1, 0x9D, 0x1E, 0x9E}, "a", Stats{BrokenSequences: 1}},
		{"E1 E0", []byte{0xE1, 0xE0, 0x48, 0xE0, 0xC8}, "<ArrowUp>", Stats{BrokenSequences: 1}},
		{"E1 1D E1", []byte{0xE1, 0x1D, 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5}, "<Pause>", Stats{BrokenSequences: 1}},
		{"E1 1D 00", []byte{0xE1, 0x1D, 0x00, 0x1E, 0x9E}, "a", Stats{BrokenSequences: 1, Errors: 1}},
		{"Pause release alone", []byte{0xE1, 0x9D, 0xC5, 0x1E, 0x9E}, "a", Stats{StrayReleases: 1}},
		// A dangling E0 takes the next make code: E0 1E is unknown, the
		// release 9E is then stray, and the next press decodes.
		{"dangling E0", []byte{0xE0, 0x1E, 0x9E, 0x1E, 0x9E}, "a", Stats{UnknownKeys: 1, StrayReleases: 1}},
	} {
		d := NewDecoder(US, CtrlMapsToControlChars)
		got := feed(d, c.codes...)
		s := d.Stats()
		if s.Bytes != uint64(len(c.codes)) {
			t.Errorf("%s: Bytes = %d", c.name, s.Bytes)
		}
		s.Bytes, s.Events = 0, 0
		if got != c.want || s != c.stats {
			t.Errorf("%s (% X): %q %+v, want %q %+v", c.name, c.codes, got, s, c.want, c.stats)
		}
		if d.Modifiers() != 0 && c.name != "self-test with Shift held" {
			t.Errorf("%s: modifiers %v held", c.name, d.Modifiers())
		}
	}
}

func TestReset(t *testing.T) {
	d := NewDecoder(US, CtrlMapsToControlChars)
	feed(d, 0x2A, 0x1D, 0x3A, 0xE0)
	d.Reset()
	if d.Modifiers() != 0 || d.Held(LShift) {
		t.Errorf("Reset kept %v", d.Modifiers())
	}
	if caps, _, _ := d.Locks(); !caps {
		t.Error("Reset dropped Caps Lock")
	}
	if got := feed(d, 0x1E, 0x9E); got != "A" {
		t.Errorf("after Reset: %q (pending E0 not dropped?)", got)
	}
}

func TestEventString(t *testing.T) {
	for _, c := range []struct {
		e    Event
		want string
	}{
		{Event{Rune: 'a'}, "a"},
		{Event{Rune: 'ß'}, "ß"},
		{Event{Rune: ' '}, " "},
		{Event{Rune: '\n'}, `\n`},
		{Event{Rune: 0x01}, `\x01`},
		{Event{Rune: 0x7F}, `\x7f`},
		{Event{Rune: '\''}, `'`},
		{Event{Key: ArrowUp}, "<ArrowUp>"},
		{Event{Key: DeadCircumflex}, "<DeadCircumflex>"},
		{Event{}, "<None>"},
	} {
		if got := c.e.String(); got != c.want {
			t.Errorf("%#v.String() = %q, want %q", c.e, got, c.want)
		}
	}
	if got := Key(999).String(); got != "Key(999)" {
		t.Errorf("Key(999) = %q", got)
	}
	for k := Key(0); k < numPhysical; k++ {
		if keyNames[k] == "" {
			t.Errorf("key %d has no name", k)
		}
		if k.IsDead() {
			t.Errorf("%v is dead", k)
		}
	}
	for k := DeadGrave; k < deadEnd; k++ {
		if !k.IsDead() || k.String() == "" {
			t.Errorf("dead key %d: %q", k, k.String())
		}
	}
	if numPhysical > 256 || numPhysical > DeadGrave {
		t.Errorf("numPhysical = %d overlaps the dead keys", numPhysical)
	}
}

// TestEventsWellFormed checks the Event contract for every single byte and
// every E0 byte: ok is false for a zero Event, and exactly one of Rune and
// Key is set otherwise.
func TestEventsWellFormed(t *testing.T) {
	for _, l := range layouts {
		for pre := 0; pre < 2; pre++ {
			for b := 0; b < 256; b++ {
				for _, mods := range [][]byte{nil, {0x2A}, {0x1D}, {0xE0, 0x38}, {0x1D, 0x38}, {0x3A}} {
					d := NewDecoder(l, CtrlMapsToControlChars)
					feed(d, mods...)
					if pre == 1 {
						d.Feed(0xE0)
					}
					e, ok := d.Feed(byte(b))
					if ok != (e != Event{}) || ok && (e.Rune != 0) == (e.Key != None) {
						t.Fatalf("%s % X %v %02X: %#v %v", l.Name(), mods, pre == 1, b, e, ok)
					}
				}
			}
		}
	}
}

// A typing stream: letters with Shift, an arrow, keypad digits, Enter.
var benchStream = []byte{
	0x23, 0xA3, 0x12, 0x92, 0x26, 0xA6, 0x26, 0xA6, 0x18, 0x98, // hello
	0x2A, 0x11, 0x91, 0xAA, 0x18, 0x98, 0x13, 0x93, 0x26, 0xA6, 0x20, 0xA0, // World
	0xE0, 0x48, 0xE0, 0xC8, 0x47, 0xC7, 0x53, 0xD3, 0x1C, 0x9C,
}

func TestFeedDoesNotAllocate(t *testing.T) {
	d := NewDecoder(German, CtrlMapsToControlChars)
	d2 := NewSet2Decoder(French, CtrlRaw)
	garbage := []byte{0xE0, 0xE0, 0xE1, 0x1D, 0x00, 0xFA, 0xAA, 0x9E, 0x55, 0xE0, 0x2A, 0xE0, 0x37, 0x3A, 0xBA, 0xF0, 0x1C}
	allocs := testing.AllocsPerRun(1000, func() {
		for _, b := range benchStream {
			d.Feed(b)
			d2.Feed(b)
		}
		for _, b := range garbage {
			d.Feed(b)
			d2.Feed(b)
		}
	})
	if allocs != 0 {
		t.Errorf("Feed allocates: %v allocations per run", allocs)
	}
}

func BenchmarkFeed(b *testing.B) {
	d := NewDecoder(German, CtrlMapsToControlChars)
	b.ReportAllocs()
	b.SetBytes(int64(len(benchStream)))
	for b.Loop() {
		for _, c := range benchStream {
			d.Feed(c)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(benchStream)), "ns/byte")
}
