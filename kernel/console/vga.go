package console

import (
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/mem"
)

// The VGA text screen: 80x25 cells at physical 0xB8000, each a character
// byte and an attribute byte (IBM VGA Technical Reference, text modes). The
// hardware cursor is set through CRT controller registers 0x0E/0x0F. The
// characters are code page 437: runes outside it show as '?'.
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
	grid
	cells uintptr
	hw    bool // drives the real CRT controller's cursor
}

var vga textScreen

//go:nosplit
func (t *textScreen) text() *cells { return (*cells)(unsafe.Pointer(t.cells)) }

//go:nosplit
func vgaInit() {
	vga.cells = mem.Virt(vgaPhys)
	vga.hw = true
	vga.clear()
	vgaCursor()
}

// clear blanks the screen, homes the cursor and resets the parser.
//
//go:nosplit
func (t *textScreen) clear() {
	t.grid = grid{rows: vgaRows, cols: vgaCols}
	t.eraseAll()
}

//go:nosplit
func (t *textScreen) eraseAll() {
	s := t.text()
	for i := range s {
		s[i] = vgaBlank
	}
}

// put interprets one byte of output (see vt.go).
//
//go:nosplit
func (t *textScreen) put(c byte) {
	op, bad := t.vt.feed(c)
	if bad {
		t.print('?')
		t.scroll()
	}
	switch op {
	case opNone:
	case opPrint:
		t.print(toCP437(t.vt.r))
	case opEraseEOL:
		s := t.text()
		if i, ok := t.at(); ok {
			for end := i - t.col + vgaCols; uint(i) < uint(len(s)) && i < end; i++ {
				s[i] = vgaBlank
			}
		}
	case opErase:
		t.eraseAll()
	default:
		t.move(op)
	}
	t.scroll()
}

// print shows code page 437 character ch at the cursor and advances.
//
//go:nosplit
func (t *textScreen) print(ch byte) {
	s := t.text()
	if i, ok := t.at(); ok && uint(i) < uint(len(s)) {
		s[i] = vgaAttr<<8 | uint16(ch)
	}
	t.advance()
}

// scroll moves the lines up if the cursor is below the last one (never
// by more than one line: put scrolls after each step).
//
//go:nosplit
//go:noinline
func (t *textScreen) scroll() {
	if t.row < vgaRows {
		return
	}
	t.row = vgaRows - 1
	s := t.text()
	copy(s[:(vgaRows-1)*vgaCols], s[vgaCols:])
	last := s[(vgaRows-1)*vgaCols:]
	for i := range last {
		last[i] = vgaBlank
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
