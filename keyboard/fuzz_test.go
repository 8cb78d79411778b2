package keyboard

import (
	"strings"
	"testing"
)

// letterCodes are the set 1 make codes of the 26 keys that carry letters
// on a US keyboard (on other layouts some carry punctuation: Dvorak ' , .).
var letterCodes = []byte{
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19,
	0x1E, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26,
	0x2C, 0x2D, 0x2E, 0x2F, 0x30, 0x31, 0x32,
}

// modifierMakes are the make codes of the modifier keys, to put a fresh
// decoder into the state another one reports.
var modifierMakes = []struct {
	k    Key
	make []byte
}{
	{LShift, []byte{0x2A}}, {RShift, []byte{0x36}}, {LCtrl, []byte{0x1D}},
	{RCtrl, []byte{0xE0, 0x1D}}, {LAlt, []byte{0x38}}, {RAlt, []byte{0xE0, 0x38}},
	{LWin, []byte{0xE0, 0x5B}}, {RWin, []byte{0xE0, 0x5C}},
}

// reference returns what a fresh decoder (layout l, mode m) yields for the
// make code c with the modifier keys that d holds and d's locks: the
// state the garbage fed to d legitimately set.
func reference(d *Decoder, l *Layout, m CtrlMode, c byte) (Event, bool) {
	ref := NewDecoder(l, m)
	for _, mk := range modifierMakes {
		if d.Held(mk.k) {
			for _, b := range mk.make {
				ref.Feed(b)
			}
		}
	}
	ref.SetLocks(d.Locks())
	return ref.Feed(c)
}

func wellFormed(t *testing.T, e Event, ok bool) {
	t.Helper()
	if ok != (e != Event{}) || ok && (e.Rune != 0) == (e.Key != None) {
		t.Fatalf("malformed event %#v, %v", e, ok)
	}
}

// FuzzDecoder checks that no byte sequence makes the set 1 decoder panic
// and that it resynchronises after garbage. The property, for any garbage
// G, layout L, Ctrl mode M and letter key K (make code c):
//
//  1. Feeding G does not panic, and every result is well formed: ok is
//     false exactly for the zero Event; otherwise exactly one of Rune and
//     Key is set.
//  2. The resync step is what a user does after a lost keystroke: press and
//     release K again. So K is tapped twice (c, c|0x80, c, c|0x80); no key
//     is released that the user did not press, so modifiers that G
//     pressed stay pressed. Let want be what a fresh decoder yields for c
//     when given the state G legitimately set, as the decoder exposes it:
//     the modifier keys Held and the Locks. The second tap yields want.
//     The first yields want too, unless G left an E0 prefix pending — its
//     last byte other than the replies FA FE EE FC FD is E0 — because set 1
//     cannot tell a stray E0 from a real one: then c is taken as E0 c,
//     which yields no rune (an extended key, or nothing).
//  3. The taps change neither the modifiers nor the locks, and leave K
//     released.
//  4. With no modifier held and Caps Lock off, want is the base level of
//     K in the independently written layout tables (layouts_test.go).
func FuzzDecoder(f *testing.F) {
	for _, seed := range [][]byte{
		nil, {0xE0}, {0xE1}, {0xE1, 0x1D}, {0xE1, 0x9D}, {0xE0, 0xE0}, {0xE0, 0xFA},
		{0xE0, 0x2A, 0xE0}, {0xFA, 0xFE, 0xEE, 0xAA, 0x00, 0xFF}, {0x2A}, {0x2A, 0x3A},
		{0x1D, 0x38}, {0xE0, 0x38}, {0x36, 0xE0, 0x38, 0x3A}, {0x45}, {0x9E, 0xB6, 0xE0, 0x9D},
		{0xE1, 0x1D, 0x45, 0xE1}, {0x55, 0x7F, 0xE0, 0x01}, {0xE0, 0x1D, 0xE1, 0x1D, 0x2A},
	} {
		f.Add(seed, uint8(0), uint8(10), false)
		f.Add(seed, uint8(2), uint8(21), true)
	}
	f.Fuzz(func(t *testing.T, garbage []byte, layout, key uint8, raw bool) {
		l := layouts[int(layout)%len(layouts)]
		mode := CtrlMapsToControlChars
		if raw {
			mode = CtrlRaw
		}
		c := letterCodes[int(key)%len(letterCodes)]
		d := NewDecoder(l, mode)
		for _, b := range garbage {
			e, ok := d.Feed(b)
			wellFormed(t, e, ok)
		}
		pendingE0 := false
		for i := len(garbage) - 1; i >= 0; i-- {
			if !reply(garbage[i]) {
				pendingE0 = garbage[i] == 0xE0
				break
			}
		}
		if pendingE0 != (d.state == stE0) {
			t.Fatalf("pending E0 computed %v, decoder state %d", pendingE0, d.state)
		}

		mods := d.Modifiers()
		caps, num, scroll := d.Locks()
		want, wantOK := reference(d, l, mode, c)
		if !wantOK {
			t.Fatalf("reference for %02X on %s: no event", c, l.Name())
		}
		if mods == 0 && !caps {
			row, col := letterPosition(c)
			if w := strings.Fields(layoutTests[l.Name()].base[row])[col]; want.String() != w {
				t.Fatalf("reference %q for %02X on %s, table says %q", want, c, l.Name(), w)
			}
		}
		for i := 0; i < 2; i++ {
			e, ok := d.Feed(c)
			wellFormed(t, e, ok)
			switch {
			case i == 0 && pendingE0:
				if e.Rune != 0 {
					t.Fatalf("make %02X after a dangling E0 yielded %q", c, e)
				}
			case e != want:
				t.Fatalf("tap %d of %02X after % X: %q, want %q (%s, mods %v, caps %v)",
					i+1, c, garbage, e, want, l.Name(), mods, caps)
			}
			e, ok = d.Feed(c | 0x80)
			wellFormed(t, e, ok)
			if ok {
				t.Fatalf("break %02X yielded %q", c|0x80, e)
			}
		}
		if d.Held(set1[c]) || d.Modifiers() != mods {
			t.Fatalf("after the taps: K held %v, modifiers %v, were %v", d.Held(set1[c]), d.Modifiers(), mods)
		}
		if c2, n2, s2 := d.Locks(); c2 != caps || n2 != num || s2 != scroll {
			t.Fatal("the taps changed the locks")
		}
	})
}

// letterPosition returns where make code c is in mainRows.
func letterPosition(c byte) (row, col int) {
	for r, codes := range mainRows {
		for i, x := range codes {
			if x == c {
				return r, i
			}
		}
	}
	panic("not a main-block code")
}

// FuzzSet2Decoder checks the set 2 front end the same way: no panic, well
// formed events, and the second tap of a letter key after garbage decodes
// as on a fresh decoder in the state the garbage set. (The first tap may
// be lost to a pending E0 or F0.)
func FuzzSet2Decoder(f *testing.F) {
	for _, seed := range [][]byte{nil, {0xE0}, {0xF0}, {0xE1, 0x14}, {0xE0, 0xF0}, {0x12, 0xAA}, {0x14, 0x11}} {
		f.Add(seed, uint8(3), uint8(5))
	}
	var set2Of [128]byte // set 1 code -> set 2 code
	for s2 := 1; s2 < 0x80; s2++ {
		set2Of[xlat8042[s2]] = byte(s2)
	}
	f.Fuzz(func(t *testing.T, garbage []byte, layout, key uint8) {
		l := layouts[int(layout)%len(layouts)]
		c := letterCodes[int(key)%len(letterCodes)]
		d := NewSet2Decoder(l, CtrlMapsToControlChars)
		for _, b := range garbage {
			e, ok := d.Feed(b)
			wellFormed(t, e, ok)
		}
		mods := d.Modifiers()
		want, _ := reference(&d.Decoder, l, CtrlMapsToControlChars, c)
		var e Event
		for i := 0; i < 2; i++ {
			var ok bool
			e, ok = d.Feed(set2Of[c])
			wellFormed(t, e, ok)
			d.Feed(0xF0)
			if e2, ok := d.Feed(set2Of[c]); ok {
				t.Fatalf("set 2 break of %02X yielded %q", set2Of[c], e2)
			}
		}
		if e != want || d.Modifiers() != mods {
			t.Fatalf("set 2 tap of %02X after % X: %q, want %q", set2Of[c], garbage, e, want)
		}
	})
}
