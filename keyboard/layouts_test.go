package keyboard

import (
	"strings"
	"testing"
)

// The expected characters below were written down from the X11 symbols
// files (us, gb, de, fr and latin in xkeyboard-config 2.35.1) and checked
// against the brief's requirements (German AltGr @ € { [ ] } \ | µ ² ³ ~,
// the French AltGr row ~ # { [ | ` \ ^ @ ] }), independently of
// layouts.go. Each string lists one keyboard row in Event.String form,
// separated by spaces; dead keys appear as "<DeadX>".

// Make codes of the four rows of the main block, left to right: the digit
// row from the key left of 1; the top letter row plus the key above Enter
// (ANSI) or left of it (ISO, the same make code 2B); the home row; the ISO
// key left of Z and the bottom row.
var mainRows = [4][]byte{
	{0x29, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D},
	{0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x2B},
	{0x1E, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28},
	{0x56, 0x2C, 0x2D, 0x2E, 0x2F, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35},
}

type layoutRows struct {
	base, shift, altGr [4]string // altGr empty: the layout has no AltGr
}

var layoutTests = map[string]layoutRows{
	"us": {
		base: [4]string{
			"` 1 2 3 4 5 6 7 8 9 0 - =",
			`q w e r t y u i o p [ ] \`,
			`a s d f g h j k l ; '`,
			`< z x c v b n m , . /`,
		},
		shift: [4]string{
			`~ ! @ # $ % ^ & * ( ) _ +`,
			`Q W E R T Y U I O P { } |`,
			`A S D F G H J K L : "`,
			`> Z X C V B N M < > ?`,
		},
	},
	"uk": {
		base: [4]string{
			"` 1 2 3 4 5 6 7 8 9 0 - =",
			`q w e r t y u i o p [ ] #`,
			`a s d f g h j k l ; '`,
			`\ z x c v b n m , . /`,
		},
		shift: [4]string{
			`¬ ! " £ $ % ^ & * ( ) _ +`,
			`Q W E R T Y U I O P { } ~`,
			`A S D F G H J K L : @`,
			`| Z X C V B N M < > ?`,
		},
		altGr: [4]string{
			`| ¹ ² ³ € ½ ¾ { [ ] } \ <DeadCedilla>`,
			`@ ſ e ¶ ŧ ← ↓ → ø þ <DeadDiaeresis> <DeadTilde> <DeadGrave>`,
			`æ ß ð đ ŋ ħ <DeadHook> ĸ ł <DeadAcute> <DeadCircumflex>`,
			`| « » ¢ „ “ ” µ • · <DeadBelowDot>`,
		},
	},
	"de": {
		base: [4]string{
			`<DeadCircumflex> 1 2 3 4 5 6 7 8 9 0 ß <DeadAcute>`,
			`q w e r t z u i o p ü + #`,
			`a s d f g h j k l ö ä`,
			`< y x c v b n m , . -`,
		},
		shift: [4]string{
			`° ! " § $ % & / ( ) = ? <DeadGrave>`,
			`Q W E R T Z U I O P Ü * '`,
			`A S D F G H J K L Ö Ä`,
			`> Y X C V B N M ; : _`,
		},
		altGr: [4]string{
			`′ ¹ ² ³ ¼ ½ ¬ { [ ] } \ <DeadCedilla>`,
			`@ ſ € ¶ ŧ ← ↓ → ø þ <DeadDiaeresis> ~ ’`,
			`æ ſ ð đ ŋ ħ <DeadBelowDot> ĸ ł <DeadDoubleAcute> <DeadCircumflex>`,
			`| » « ¢ „ “ ” µ · … –`,
		},
	},
	"fr": {
		base: [4]string{
			`² & é " ' ( - è _ ç à ) =`,
			`a z e r t y u i o p <DeadCircumflex> $ *`,
			`q s d f g h j k l m ù`,
			`< w x c v b n , ; : !`,
		},
		shift: [4]string{
			`~ 1 2 3 4 5 6 7 8 9 0 ° +`,
			`A Z E R T Y U I O P <DeadDiaeresis> £ µ`,
			`Q S D F G H J K L M %`,
			`> W X C V B N ? . / §`,
		},
		altGr: [4]string{
			"¬ ¹ ~ # { [ | ` \\ ^ @ ] }",
			`æ « € ¶ ŧ ← ↓ → ø þ <DeadDiaeresis> ¤ <DeadGrave>`,
			`@ ß ð đ ŋ ħ <DeadHook> ĸ ł µ <DeadCircumflex>`,
			`| ł » ¢ „ “ ” <DeadAcute> • · <DeadBelowDot>`,
		},
	},
	"dvorak": {
		base: [4]string{
			"` 1 2 3 4 5 6 7 8 9 0 [ ]",
			`' , . p y f g c r l / = \`,
			`a o e u i d h t n s -`,
			`< ; q j k x b m w v z`,
		},
		shift: [4]string{
			`~ ! @ # $ % ^ & * ( ) { }`,
			`" < > P Y F G C R L ? + |`,
			`A O E U I D H T N S _`,
			`> : Q J K X B M W V Z`,
		},
	},
	"colemak": {
		base: [4]string{
			"` 1 2 3 4 5 6 7 8 9 0 - =",
			`q w f p g j l u y ; [ ] \`,
			`a r s t d h n e i o '`,
			`- z x c v b k m , . /`,
		},
		shift: [4]string{
			`~ ! @ # $ % ^ & * ( ) _ +`,
			`Q W F P G J L U Y : { } |`,
			`A R S T D H N E I O "`,
			`_ Z X C V B K M < > ?`,
		},
		altGr: [4]string{
			`<DeadTilde> ¡ º ª ¢ € ħ ð þ ‘ ’ – ×`,
			`ä å ã ø <DeadOgonek> đ ł ú ü ö « » ~`,
			`á <DeadGrave> ß <DeadAcute> <DeadDiaeresis> <DeadCaron> ñ é í ó õ`,
			`– æ <DeadCircumflex> ç œ <DeadBreve> <DeadAboveRing> <DeadMacron> <DeadCedilla> <DeadAboveDot> ¿`,
		},
	},
}

// tap presses and releases the key with make code c (E0-prefixed if ext)
// and returns the press's event; the release must yield nothing.
func tap(t *testing.T, d *Decoder, c byte) string {
	t.Helper()
	e, ok := d.Feed(c)
	if !ok {
		t.Fatalf("make %02X: no event", c)
	}
	if _, ok := d.Feed(c | 0x80); ok {
		t.Fatalf("break %02X yielded an event", c|0x80)
	}
	return e.String()
}

// feed feeds bytes and returns the events' strings joined by spaces.
func feed(d *Decoder, bs ...byte) string {
	var out []string
	for _, b := range bs {
		if e, ok := d.Feed(b); ok {
			out = append(out, e.String())
		}
	}
	return strings.Join(out, " ")
}

func TestLayoutTables(t *testing.T) {
	for _, name := range LayoutNames() {
		want, ok := layoutTests[name]
		if !ok {
			t.Fatalf("no test table for layout %q", name)
		}
		l, _ := LayoutByName(name)
		if l.HasAltGr() != (want.altGr[0] != "") {
			t.Errorf("%s: HasAltGr = %v", name, l.HasAltGr())
		}
		for _, mode := range []CtrlMode{CtrlMapsToControlChars, CtrlRaw} {
			d := NewDecoder(l, mode)
			for row, codes := range mainRows {
				check := func(level string, wantRow string, pre, post []byte) {
					t.Helper()
					w := strings.Fields(wantRow)
					if len(w) != len(codes) {
						t.Fatalf("%s %s row %d: %d entries for %d keys", name, level, row, len(w), len(codes))
					}
					feed(d, pre...)
					for i, c := range codes {
						if got := tap(t, d, c); got != w[i] {
							t.Errorf("%s %s: make %02X = %q, want %q", name, level, c, got, w[i])
						}
					}
					feed(d, post...)
				}
				check("base", want.base[row], nil, nil)
				check("LShift", want.shift[row], []byte{0x2A}, []byte{0xAA})
				check("RShift", want.shift[row], []byte{0x36}, []byte{0xB6})
				altGr := want.altGr[row]
				if altGr == "" {
					// No AltGr: right Alt is Alt, which changes no rune.
					altGr = want.base[row]
				} else {
					// Ctrl+left Alt is AltGr too, and makes no control characters.
					check("Ctrl+Alt", altGr, []byte{0x1D, 0x38}, []byte{0xB8, 0x9D})
				}
				check("AltGr", altGr, []byte{0xE0, 0x38}, []byte{0xE0, 0xB8})
			}
			if d.Modifiers() != 0 {
				t.Errorf("%s: modifiers %v left held", name, d.Modifiers())
			}
		}
	}
}

func TestGermanYZ(t *testing.T) {
	d := NewDecoder(German, CtrlMapsToControlChars)
	if got := tap(t, d, 0x15); got != "z" {
		t.Errorf("German 0x15 (US Y) = %q, want z", got)
	}
	if got := tap(t, d, 0x2C); got != "y" {
		t.Errorf("German 0x2C (US Z) = %q, want y", got)
	}
	// Ctrl+Z is the key labelled Z.
	if got := feed(d, 0x1D, 0x15, 0x95, 0x9D); got != `<LCtrl> \x1a` {
		t.Errorf("German Ctrl+Z = %q", got)
	}
}

func TestLayoutByName(t *testing.T) {
	want := []string{"us", "uk", "de", "fr", "dvorak", "colemak"}
	if got := LayoutNames(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("LayoutNames = %v, want %v", got, want)
	}
	for _, n := range want {
		l, ok := LayoutByName(strings.ToUpper(n))
		if !ok || l.Name() != n || l.Description() == "" {
			t.Errorf("LayoutByName(%q) = %v, %v", n, l, ok)
		}
	}
	if l, ok := LayoutByName("qwerty"); ok || l != nil {
		t.Errorf("LayoutByName(qwerty) = %v, %v", l, ok)
	}
}

func TestKeypadDecimal(t *testing.T) {
	for name, want := range map[string]string{"us": ".", "uk": ".", "de": ",", "fr": ".", "dvorak": ".", "colemak": "."} {
		l, _ := LayoutByName(name)
		if got := tap(t, NewDecoder(l, CtrlRaw), 0x53); got != want {
			t.Errorf("%s keypad decimal = %q, want %q", name, got, want)
		}
	}
}
