package console

import (
	"gokernel/arch"
	"gokernel/kernel/dev/fb"
)

// The framebuffer text console: text cells of fontWidth x fontHeight
// pixels drawn into a linear framebuffer the loader set up (its pixel
// layout is kernel/dev/fb's), light grey on black, with an underline
// cursor.
//
// The console never reads the framebuffer, only writes it: on a PC it is
// mapped uncached or write-combining (by the MTRRs or the PAT), where a
// read costs about a bus round trip, and a scroll that moved the pixels
// (3 MiB at 1024x768x32) would take tens of milliseconds a line. Instead
// the console keeps a shadow of the screen in RAM, the glyph each text
// cell shows (fbScreen.cells), and changes a cell by writing only the
// pixel rows in which the old and the new glyph differ (set). Scrolling
// shifts the shadow, so it writes only where a line differs from the one
// below it: for text of lines shorter than the screen, most cells are
// blank before and after. The underline cursor is part of a cell's image
// too: showing and hiding it writes the cell's two bottom pixel rows.
// Write takes the cursor away before drawing and puts it back when done.

// Framebuffer describes the framebuffer to draw into (kernel/dev/fb).
type Framebuffer = fb.Mode

// FramebufferError says why UseFramebuffer refused a framebuffer.
type FramebufferError = fb.Error

// FramebufferRGB is the framebuffer type the console draws: direct RGB.
const FramebufferRGB = fb.RGB

const (
	ErrFramebufferType   = fb.ErrType
	ErrFramebufferDepth  = fb.ErrDepth
	ErrFramebufferSize   = fb.ErrSize
	ErrFramebufferPitch  = fb.ErrPitch
	ErrFramebufferColour = fb.ErrColour
	ErrFramebufferAddr   = fb.ErrAddr
)

const (
	fbMaxBytes = fb.MaxBytes

	// The colours, 8 bits a channel: VGA's light grey on black.
	fbFgR, fbFgG, fbFgB = 0xAA, 0xAA, 0xAA

	cursorLines = 2 // pixel rows of the underline cursor

	// The shadow's bounds, in text cells: 256 x 128 cells are 2048 x 2048
	// pixels, and the shadow takes 64 KiB of bss. A larger framebuffer
	// shows that many cells in its top-left corner (TextSize says so),
	// and the rest of it stays black.
	fbMaxCols = 256
	fbMaxRows = 128

	// A cell's image in the shadow: a glyph (below fontGlyphs), plus
	// fbCursor if the underline cursor is drawn over it. fbBlank is the
	// glyph of ' ', which lights no pixel (a test checks): what setup
	// leaves in every cell.
	fbCursor = 1 << 15
	fbBlank  = 32
)

// set draws glyph rows one byte wide: it needs the font's fontRowBytes to
// be 1 (this does not compile otherwise).
const _, _ = uint(fontRowBytes - 1), uint(1 - fontRowBytes)

// fbMem lets the framebuffer be sliced, for memclr; span keeps every
// slice inside the buffer.
type fbMem [fbMaxBytes]byte

type fbScreen struct {
	grid
	addr  uintptr
	pitch uintptr // bytes per pixel line
	size  uintptr // pitch * height
	bypp  uintptr // bytes per pixel: 2, 3 or 4
	fg    uint32  // the text colour as a pixel value; the background is 0
	// The cursor, when drawn, and where.
	cursor         bool
	curRow, curCol int
	mode           Framebuffer
	// cells is the shadow: the image each text cell shows (a glyph, plus
	// fbCursor), row-major, cols cells a row. The framebuffer's text
	// cells show exactly this: setup makes it so, and after that only
	// set changes either.
	cells [fbMaxCols * fbMaxRows]uint16
}

var fbs fbScreen

// fbCheck validates a framebuffer for text cells of the font's size.
//
//go:nosplit
func fbCheck(m *Framebuffer) FramebufferError { return m.Check(fontWidth, fontHeight) }

// setup starts drawing into m, which check accepted: it clears the
// buffer (its only writes outside the text cells), blanks the shadow to
// match and homes the cursor.
//
//go:nosplit
func (f *fbScreen) setup(m *Framebuffer) {
	f.mode = *m
	f.addr = m.Addr
	f.pitch = uintptr(m.Pitch)
	f.size = m.Size()
	f.bypp = m.BytesPerPixel()
	f.fg = m.Colour(fbFgR, fbFgG, fbFgB)
	f.grid = grid{rows: min(int(m.Height/fontHeight), fbMaxRows), cols: min(int(m.Width/fontWidth), fbMaxCols)}
	f.cursor = false
	clear(f.span(0, f.size))
	for i := range f.cells {
		f.cells[i] = fbBlank
	}
}

// span returns n bytes of the framebuffer from offset off, or nil if they
// are not all inside it.
//
//go:nosplit
func (f *fbScreen) span(off, n uintptr) []byte {
	end := off + n
	if end < off || end > f.size || end > fbMaxBytes {
		return nil
	}
	return (*fbMem)(arch.Ptr(f.addr))[off:end:end]
}

// cell returns the offset of cell (row, col)'s top-left pixel, and whether
// the cell is on the screen.
//
//go:nosplit
func (f *fbScreen) cell(row, col int) (uintptr, bool) {
	if uint(row) >= uint(f.rows) || uint(col) >= uint(f.cols) {
		return 0, false
	}
	return uintptr(row)*fontHeight*f.pitch + uintptr(col)*fontWidth*f.bypp, true
}

// put interprets one byte of output (see vt.go). The cursor must not be
// drawn: Write takes it away first. put calls at most two levels deep, as
// do the text screen's: the fault reporter reaches them at the end of a
// long chain of nosplit calls, which the linker bounds.
//
//go:nosplit
func (f *fbScreen) put(c byte) {
	op, bad := f.vt.feed(c)
	if bad {
		f.print(fontFallback)
		f.scroll()
	}
	switch op {
	case opNone:
	case opPrint:
		f.print(glyphOf(f.vt.r))
	case opEraseEOL, opErase:
		f.erase(op == opErase)
	default:
		f.move(op)
	}
	f.scroll()
}

// print draws glyph g (from glyphOf) at the cursor and advances; the
// caller scrolls.
//
//go:nosplit
func (f *fbScreen) print(g uint) {
	if i, ok := f.at(); ok {
		f.set(uint(i), uint16(g))
	}
	f.advance()
}

// erase blanks the screen (ESC[2J), or the cursor's line from the cursor
// on (ESC[K).
//
//go:nosplit
//go:noinline
func (f *fbScreen) erase(screen bool) {
	from, end := uint(0), uint(f.rows*f.cols)
	if !screen {
		i, ok := f.at()
		if !ok {
			return
		}
		from, end = uint(i), uint(i-f.col+f.cols)
	}
	for i := from; i < end; i++ {
		f.set(i, fbBlank)
	}
}

// set makes cell i (row-major) show image img, a glyph plus fbCursor: it
// writes the pixel rows in which img differs from what the shadow says
// the cell shows, each whole (a short run of stores, which write
// combining merges), and nothing else. It never reads the framebuffer.
//
//go:nosplit
func (f *fbScreen) set(i uint, img uint16) {
	if i >= uint(len(f.cells)) || f.cols <= 0 {
		return
	}
	old := f.cells[i]
	og, ng := uint(old&^fbCursor), uint(img&^fbCursor)
	if old == img || og >= uint(len(fontBitmap)) || ng >= uint(len(fontBitmap)) {
		return
	}
	off, ok := f.cell(int(i/uint(f.cols)), int(i%uint(f.cols)))
	if !ok || f.span(off, uintptr(fontHeight-1)*f.pitch+fontWidth*f.bypp) == nil {
		return
	}
	f.cells[i] = img
	was, now := &fontBitmap[og], &fontBitmap[ng]
	p := f.addr + off
	for y := 0; y < fontHeight; y++ {
		a, b := was[y], now[y]
		if y >= fontHeight-cursorLines {
			if old&fbCursor != 0 {
				a ^= 0xFF
			}
			if img&fbCursor != 0 {
				b ^= 0xFF
			}
		}
		if a != b {
			q := p
			for x := 0; x < fontWidth; x++ {
				var v uint32
				if b&(0x80>>x) != 0 {
					v = f.fg
				}
				fb.Store(q, f.bypp, v)
				q += f.bypp
			}
		}
		p += f.pitch
	}
}

// scroll moves the text up one line if the cursor is below the last. (The
// cursor is never more than one line below: put scrolls after each step.)
// It shifts the shadow up a line and blanks the last, in place, drawing
// each cell that changes as it goes: a cell takes the image of the one
// below it before that one changes.
//
//go:nosplit
//go:noinline
func (f *fbScreen) scroll() {
	if f.row < f.rows || f.rows < 1 {
		return
	}
	f.row = f.rows - 1
	n := uint(f.rows * f.cols)
	if n > uint(len(f.cells)) {
		return
	}
	for i := uint(0); i < n; i++ {
		img := uint16(fbBlank)
		if j := i + uint(f.cols); j < n {
			img = f.cells[j]
		}
		if f.cells[i] != img {
			f.set(i, img)
		}
	}
}

// hideCursor and showCursor take the underline cursor away and draw it
// at the cursor.
//
//go:nosplit
func (f *fbScreen) hideCursor() {
	if f.cursor {
		if i := uint(f.curRow*f.cols + f.curCol); i < uint(len(f.cells)) {
			f.set(i, f.cells[i]&^fbCursor)
		}
		f.cursor = false
	}
}

//go:nosplit
func (f *fbScreen) showCursor() {
	if !f.cursor {
		f.curRow, f.curCol = f.row, f.col
		if i, ok := f.at(); ok && uint(i) < uint(len(f.cells)) {
			f.set(uint(i), f.cells[i]|fbCursor)
		}
		f.cursor = true
	}
}
