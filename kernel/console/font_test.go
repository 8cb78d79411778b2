package console

import (
	"testing"
	"unicode"

	"gokernel/keyboard"
)

func TestFontTables(t *testing.T) {
	if fontWidth < 1 || fontRowBytes != (fontWidth+7)/8 || len(fontBitmap[0]) != fontRowBytes*fontHeight {
		t.Fatalf("font geometry %dx%d, %d bytes a row", fontWidth, fontHeight, fontRowBytes)
	}
	if fontFallback >= fontGlyphs {
		t.Fatalf("fallback glyph %d of %d", fontFallback, fontGlyphs)
	}
	prevEnd := uint32(0)
	for i, e := range fontRanges {
		if e.n == 0 || e.lo < prevEnd || uint(e.glyph)+uint(e.n) > fontGlyphs || e.lo+uint32(e.n) > maxRune+1 {
			t.Fatalf("range %d: %+v (previous ended at %#x)", i, e, prevEnd)
		}
		prevEnd = e.lo + uint32(e.n)
	}
}

func TestGlyphOf(t *testing.T) {
	// Every rune of every range maps to its glyph; the runes between
	// ranges to the fallback.
	next := rune(0)
	for _, e := range fontRanges {
		for r := next; r < rune(e.lo); r++ {
			if g := glyphOf(r); g != fontFallback {
				t.Fatalf("glyphOf(%U) = %d, not in the font", r, g)
			}
		}
		for i := 0; i < int(e.n); i++ {
			r := rune(e.lo) + rune(i)
			if g := glyphOf(r); g != uint(e.glyph)+uint(i) {
				t.Fatalf("glyphOf(%U) = %d, want %d", r, g, uint(e.glyph)+uint(i))
			}
		}
		next = rune(e.lo) + rune(e.n)
	}
	for _, r := range []rune{-1, -0x80000000, next, 0x10FFFF, 0x110000, 0x7FFFFFFF} {
		if r >= next || r < 0 {
			if g := glyphOf(r); g != fontFallback {
				t.Errorf("glyphOf(%U) = %d", r, g)
			}
		}
	}
	if glyphOf('\uFFFD') != fontFallback {
		t.Errorf("U+FFFD is glyph %d, the fallback %d", glyphOf('\uFFFD'), fontFallback)
	}
	// Distinct letters look distinct.
	if fontBitmap[glyphOf('a')] == fontBitmap[glyphOf('ä')] || fontBitmap[glyphOf('e')] == fontBitmap[glyphOf('é')] {
		t.Error("accented letters share glyphs with plain ones")
	}
}

// fontLacks lists what Terminus's 512-glyph console font does not have:
// rare AltGr characters of the layouts (French ĸ Ŋ ŋ Ŧ ŧ ⅛ ⅜ ⅝ ⅞, German
// long s, Colemak capital sharp s) and five block elements of code page
// 437. They show as U+FFFD's glyph.
var fontLacks = map[rune]bool{
	'ĸ': true, 'Ŋ': true, 'ŋ': true, 'Ŧ': true, 'ŧ': true, '⅛': true, '⅜': true, '⅝': true, '⅞': true,
	'ſ': true, 'ẞ': true,
	'▀': true, '▄': true, '▌': true, '▐': true, '▓': true,
}

// The font shows everything the keyboard layouts type, and all of ASCII,
// Latin-1, € and code page 437, but for fontLacks.
func TestFontCoverage(t *testing.T) {
	want := map[rune]string{}
	for r := rune(0x20); r < 0x7F; r++ {
		want[r] = "ASCII"
	}
	for r := rune(0xA0); r <= 0xFF; r++ {
		want[r] = "Latin-1"
	}
	want['€'] = "euro"
	for _, r := range cp437[0x80:] {
		want[rune(r)] = "code page 437"
	}
	for _, name := range keyboard.LayoutNames() {
		for r := range layoutRunes(t, name) {
			want[r] = "layout " + name
		}
	}
	for r, why := range want {
		if lacks := glyphOf(r) == fontFallback && r != '\uFFFD'; lacks != fontLacks[r] {
			t.Errorf("%U %c (%s): has no glyph %v, fontLacks says %v", r, r, why, lacks, fontLacks[r])
		}
	}
	for r := range fontLacks {
		if want[r] == "" {
			t.Errorf("fontLacks lists %U %c, which no layout types", r, r)
		}
	}
}

// layoutRunes returns the printable runes a layout types: each key of the
// main block alone and with Shift, AltGr and Shift+AltGr, pressed through
// the scancode decoder.
func layoutRunes(t *testing.T, name string) map[rune]bool {
	l, ok := keyboard.LayoutByName(name)
	if !ok {
		t.Fatalf("no layout %q", name)
	}
	out := map[rune]bool{}
	var (
		shiftDown = []byte{0x2A}
		shiftUp   = []byte{0xAA}
		altGrDown = []byte{0xE0, 0x38}
		altGrUp   = []byte{0xE0, 0xB8}
	)
	for mods := 0; mods < 4; mods++ {
		d := keyboard.NewDecoder(l, keyboard.CtrlRaw)
		var seq []byte
		for code := byte(0x02); code <= 0x39; code++ {
			if code == 0x1D || code == 0x2A || code == 0x36 || code == 0x38 || code == 0x1C || code == 0x0E || code == 0x0F {
				continue // Ctrl, Shift, Alt, Enter, Backspace, Tab
			}
			if mods&1 != 0 {
				seq = append(seq, shiftDown...)
			}
			if mods&2 != 0 {
				seq = append(seq, altGrDown...)
			}
			seq = append(seq, code, code|0x80)
			if mods&2 != 0 {
				seq = append(seq, altGrUp...)
			}
			if mods&1 != 0 {
				seq = append(seq, shiftUp...)
			}
		}
		seq = append(seq, 0x56, 0xD6) // the ISO key left of Z
		for _, b := range seq {
			if e, ok := d.Feed(b); ok && e.Rune != 0 && unicode.IsPrint(e.Rune) {
				out[e.Rune] = true
			}
		}
	}
	if !out['a'] && !out['q'] {
		t.Fatalf("layout %s typed %d runes, none a letter", name, len(out))
	}
	return out
}
