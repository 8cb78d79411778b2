package console

// Reading a framebuffer screen back as text, for host tests that take a
// screenshot of the machine (QEMU's screendump) and check what the console
// drew. Not used by the kernel itself; the linker drops it.

import "sync"

// CellWidth and CellHeight are a text cell's size in pixels: the font's
// glyph size.
const CellWidth, CellHeight = fontWidth, fontHeight

// CellRune returns the character whose glyph has the given rows (bit 7 of
// rows[0] is the top-left pixel, set where the pixel is lit), and false if
// no glyph of the font looks like that. A blank cell gives ' '. Glyphs the
// font draws alike (Latin A and Greek Alpha, say) give the lowest rune.
func CellRune(rows [CellHeight]byte) (rune, bool) {
	if rows == ([CellHeight]byte{}) {
		return ' ', true
	}
	r, ok := glyphsByBitmap()[rows]
	return r, ok
}

// glyphsByBitmap maps each glyph's bitmap to the lowest rune it shows
// (fontRanges is sorted by rune).
var glyphsByBitmap = sync.OnceValue(func() map[[fontGlyphBytes]byte]rune {
	m := make(map[[fontGlyphBytes]byte]rune)
	for _, r := range fontRanges {
		for i := uint32(0); i < uint32(r.n); i++ {
			bm := fontBitmap[uint(r.glyph)+uint(i)]
			if _, seen := m[bm]; !seen {
				m[bm] = rune(r.lo + i)
			}
		}
	}
	return m
})

// GlyphRows returns the rows of the glyph that shows r (the fallback glyph
// for a rune the font lacks), in CellRune's form.
func GlyphRows(r rune) [CellHeight]byte {
	var rows [CellHeight]byte
	copy(rows[:], fontBitmap[glyphOf(r)][:])
	return rows
}
