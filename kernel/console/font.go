package console

// The framebuffer console's font: Terminus 8x16 (Uni2-Terminus16.psf.gz
// from Debian's console-setup-linux package, SIL Open Font License 1.1),
// turned into Go data by tools/mkfont. font_data.go is checked in; to
// regenerate it, install console-setup-linux and run go generate here.
//
//go:generate go run ../../tools/mkfont -font /usr/share/consolefonts/Uni2-Terminus16.psf.gz -license /usr/share/doc/console-setup-linux/copyright.fonts.gz -license-section ter-u16n -o font_data.go

// fontRange maps n consecutive runes from lo to consecutive glyphs from
// glyph. fontRanges (font_data.go) is sorted by lo; ranges do not overlap.
type fontRange struct {
	lo    uint32
	n     uint16
	glyph uint16
}

// glyphOf returns the glyph that shows r, or fontFallback: a binary search
// of fontRanges. The result is always below fontGlyphs.
//
//go:nosplit
func glyphOf(r rune) uint {
	if r < 0 {
		return fontFallback
	}
	u := uint32(r)
	lo, hi := uint(0), uint(len(fontRanges))
	for lo < hi {
		m := lo + (hi-lo)>>1
		if m >= uint(len(fontRanges)) {
			break
		}
		e := &fontRanges[m]
		switch {
		case u < e.lo:
			hi = m
		case u-e.lo >= uint32(e.n):
			lo = m + 1
		default:
			if g := uint(e.glyph) + uint(u-e.lo); g < fontGlyphs {
				return g
			}
			return fontFallback
		}
	}
	return fontFallback
}
