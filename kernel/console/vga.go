package console

import (
	"gokernel/arch"
	"gokernel/kernel/dev/vga"
	"gokernel/kernel/mem"
)

// The text console on the VGA text screen (kernel/dev/vga). The
// characters are code page 437: runes outside it show as '?'.
const (
	vgaCols  = vga.Cols
	vgaRows  = vga.Rows
	vgaBlank = vga.Blank
)

type cells = vga.Cells

// textScreen is the text console's state. cells is an address, not a Go
// pointer, because the ring-0 core must not store pointers in globals.
type textScreen struct {
	grid
	cells uintptr
	hw    bool // drives the real CRT controller's cursor
}

var text textScreen

//go:nosplit
func (t *textScreen) text() *cells { return (*cells)(arch.Ptr(t.cells)) }

//go:nosplit
func vgaInit() {
	text.cells = mem.Virt(vga.Phys)
	text.hw = true
	text.clear()
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
		s[i] = vga.Cell(ch)
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
	if text.hw {
		vga.SetCursor(uint16(text.row*vgaCols + text.col))
	}
}
