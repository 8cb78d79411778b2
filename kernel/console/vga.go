package console

import (
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/mem"
)

// The VGA text screen: 80x25 cells at physical 0xB8000, each a character
// byte and an attribute byte (IBM VGA Technical Reference, text modes). The
// hardware cursor is set through CRT controller registers 0x0E/0x0F.
const (
	vgaPhys  = 0xB8000
	vgaCols  = 80
	vgaRows  = 25
	vgaAttr  = 0x07 // light grey on black
	vgaBlank = vgaAttr<<8 | ' '
	crtcAddr = 0x3D4
	crtcData = 0x3D5
)

type cells = [vgaRows * vgaCols]uint16

// textScreen is the text console's state. cells is an address, not a Go
// pointer, because the ring-0 core must not store pointers in globals.
type textScreen struct {
	cells    uintptr
	row, col int
	hw       bool // drives the real CRT controller's cursor
}

var vga textScreen

//go:nosplit
func (t *textScreen) grid() *cells { return (*cells)(unsafe.Pointer(t.cells)) }

//go:nosplit
func vgaInit() {
	vga.cells = mem.Virt(vgaPhys)
	vga.hw = true
	vga.clear()
	vgaCursor()
}

//go:nosplit
func (t *textScreen) clear() {
	s := t.grid()
	for i := range s {
		s[i] = vgaBlank
	}
	t.row, t.col = 0, 0
}

// put draws c at the cursor. It handles newline, carriage return,
// backspace (move left and erase) and tab, and scrolls by copying rows up.
//
//go:nosplit
func (t *textScreen) put(c byte) {
	s := t.grid()
	switch c {
	case '\n':
		t.col = 0
		t.row++
	case '\r':
		t.col = 0
	case '\b':
		if t.col > 0 {
			t.col--
		} else if t.row > 0 {
			t.row--
			t.col = vgaCols - 1
		}
		if i := uint(t.row*vgaCols + t.col); i < uint(len(s)) {
			s[i] = vgaBlank
		}
	case '\t':
		t.col = (t.col + 8) &^ 7
	default:
		if i := uint(t.row*vgaCols + t.col); i < uint(len(s)) {
			s[i] = vgaAttr<<8 | uint16(c)
		}
		t.col++
	}
	if t.col >= vgaCols {
		t.col = 0
		t.row++
	}
	if t.row >= vgaRows {
		copy(s[:(vgaRows-1)*vgaCols], s[vgaCols:])
		last := s[(vgaRows-1)*vgaCols:]
		for i := range last {
			last[i] = vgaBlank
		}
		t.row = vgaRows - 1
	}
}

//go:nosplit
func vgaCursor() {
	if !vga.hw {
		return
	}
	pos := uint16(vga.row*vgaCols + vga.col)
	arch.Outb(crtcAddr, 0x0F)
	arch.Outb(crtcData, uint8(pos))
	arch.Outb(crtcAddr, 0x0E)
	arch.Outb(crtcData, uint8(pos>>8))
}
