package vm

import (
	"image"
	"image/color"
	"testing"

	"gokernel/kernel/console"
)

// A picture of two cells drawn from glyph rows reads back as their runes;
// a cell with a stray pixel reads as '?'.
func TestReadCells(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 3*8, 16))
	draw := func(col int, rows [16]byte) {
		for y := 0; y < 16; y++ {
			for x := 0; x < 8; x++ {
				if rows[y]&(0x80>>x) != 0 {
					img.Set(col*8+x, y, color.RGBA{0xaa, 0xaa, 0xaa, 0xff})
				}
			}
		}
	}
	var stray [16]byte
	draw(0, console.GlyphRows('A'))
	stray[3] = 0x18 // not a glyph
	draw(2, stray)
	got := readCells(img)
	if len(got) != 1 || got[0] != "A ?" {
		t.Fatalf("read %q, want [\"A ?\"]", got)
	}
}
