package console

import "testing"

// Every printable ASCII character drawn by the font reads back as itself.
func TestCellRune(t *testing.T) {
	for r := rune(' '); r < 0x7f; r++ {
		got, ok := CellRune(GlyphRows(r))
		if !ok || got != r {
			t.Errorf("%q reads back as %q, %v", r, got, ok)
		}
	}
	if _, ok := CellRune([CellHeight]byte{0xff, 0x81, 0xff}); ok {
		t.Error("a shape that is no glyph was recognised")
	}
}
