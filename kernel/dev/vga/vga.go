// Package vga is the VGA text screen (IBM VGA Technical Reference, text
// modes): 80x25 cells at physical address 0xB8000, each a character byte
// (code page 437) and an attribute byte, and the hardware cursor, set
// through the CRT controller's Cursor Location registers 0x0E (high) and
// 0x0F (low) behind the index/data ports 0x3D4/0x3D5. It is the only place
// those are named; the console draws text into the cells.
//
// Both rings, //go:nosplit: the console writes from ring 0, and the boot
// test reads the cursor from ring 3 (IOPL 3).
package vga

import "gokernel/arch"

const (
	// Phys is the physical address of the cells (colour text modes).
	Phys = 0xB8000
	Cols = 80
	Rows = 25
	// Attr is light grey on black; Blank an empty cell in that colour.
	Attr  = 0x07
	Blank = Attr<<8 | ' '

	crtcAddr      = 0x3D4
	crtcData      = 0x3D5
	crtcCursorHi  = 0x0E
	crtcCursorLow = 0x0F
)

// Cells is the text buffer: row-major, Cols cells a row, each
// Attr<<8 | character.
type Cells = [Rows * Cols]uint16

// Cell returns the cell value showing character ch.
//
//go:nosplit
func Cell(ch byte) uint16 { return Attr<<8 | uint16(ch) }

// SetCursor moves the hardware cursor to cell pos (row*Cols + col).
//
//go:nosplit
func SetCursor(pos uint16) {
	arch.Outb(crtcAddr, crtcCursorLow)
	arch.Outb(crtcData, uint8(pos))
	arch.Outb(crtcAddr, crtcCursorHi)
	arch.Outb(crtcData, uint8(pos>>8))
}

// Cursor returns the hardware cursor's cell.
//
//go:nosplit
func Cursor() uint16 {
	arch.Outb(crtcAddr, crtcCursorHi)
	hi := arch.Inb(crtcData)
	arch.Outb(crtcAddr, crtcCursorLow)
	return uint16(hi)<<8 | uint16(arch.Inb(crtcData))
}
