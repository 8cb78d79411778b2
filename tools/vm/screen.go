package vm

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"strings"

	"gokernel/kernel/console"
)

// ScreenText reads the text that the kernel's framebuffer console drew,
// from a screendump PNG: each 8x16 cell's lit pixels are matched against
// the console's font (console.CellRune). A cell that matches no glyph (the
// cursor's cell, or anything not drawn by the console) reads as '?'.
// Trailing blanks are cut from each line and blank lines from the end.
func ScreenText(pngPath string) ([]string, error) {
	f, err := os.Open(pngPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", pngPath, err)
	}
	return readCells(img), nil
}

func readCells(img image.Image) []string {
	b := img.Bounds()
	cols, rows := b.Dx()/console.CellWidth, b.Dy()/console.CellHeight
	var lines []string
	for row := 0; row < rows; row++ {
		var line strings.Builder
		for col := 0; col < cols; col++ {
			var cell [console.CellHeight]byte
			for y := 0; y < console.CellHeight; y++ {
				for x := 0; x < console.CellWidth; x++ {
					if lit(img, b.Min.X+col*console.CellWidth+x, b.Min.Y+row*console.CellHeight+y) {
						cell[y] |= 0x80 >> x
					}
				}
			}
			r, ok := console.CellRune(cell)
			if !ok {
				r = '?'
			}
			line.WriteRune(r)
		}
		lines = append(lines, strings.TrimRight(line.String(), " "))
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// lit reports whether a pixel is text rather than background: the console
// draws light grey on black.
func lit(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	return r+g+b > 3*0x4000
}
