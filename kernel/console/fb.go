package console

import "unsafe"

// The framebuffer text console: text cells of fontWidth x fontHeight
// pixels drawn into a linear framebuffer the loader set up (Multiboot 2
// §3.6.12, framebuffer_type 1 "direct RGB"; Multiboot 1 flags bit 12 is
// the same), light grey on black, with an underline cursor.
//
// Pixels are 15/16, 24 or 32 bits, little-endian, with the red, green and
// blue fields where the loader says. The screen scrolls by moving all
// text lines but the first up with one memmove and clearing the last.
// The cursor is drawn by XOR over the cell's two bottom pixel rows, so it
// can be taken away without knowing what the cell holds: Write takes it
// away before drawing and puts it back at the cursor when done.

// Framebuffer describes a linear framebuffer: the fields of the Multiboot
// framebuffer information, with the address mapped.
type Framebuffer struct {
	Addr                 uintptr // virtual address of the first pixel
	Pitch, Width, Height uint32  // bytes per line; pixels
	BPP, Type            uint8   // bits per pixel; FramebufferRGB
	RedPos, RedSize      uint8   // bit position and width of red
	GreenPos, GreenSize  uint8   // ... of green
	BluePos, BlueSize    uint8   // ... of blue
}

// FramebufferRGB is the framebuffer type the console draws: direct RGB
// (Multiboot framebuffer_type 1; 0 is indexed colour, 2 EGA text).
const FramebufferRGB = 1

// FramebufferError says why UseFramebuffer refused a framebuffer.
type FramebufferError uint8

const (
	ErrFramebufferType   FramebufferError = iota + 1 // not direct RGB
	ErrFramebufferDepth                              // bits per pixel not 15, 16, 24 or 32
	ErrFramebufferSize                               // width, height or size absurd, or not one text cell
	ErrFramebufferPitch                              // pitch shorter than a line, or absurd
	ErrFramebufferColour                             // a colour field empty or outside the pixel
	ErrFramebufferAddr                               // address zero or the buffer wraps around
)

// Error implements error.
//
//go:nosplit
func (e FramebufferError) Error() string {
	switch e {
	case ErrFramebufferType:
		return "framebuffer: not direct RGB"
	case ErrFramebufferDepth:
		return "framebuffer: bits per pixel not 15, 16, 24 or 32"
	case ErrFramebufferSize:
		return "framebuffer: smaller than one text cell, or over 16384 pixels or 1 GiB"
	case ErrFramebufferPitch:
		return "framebuffer: pitch shorter than a line or too long"
	case ErrFramebufferColour:
		return "framebuffer: colour field empty, over 16 bits or outside the pixel"
	case ErrFramebufferAddr:
		return "framebuffer: address zero or the buffer wraps around"
	}
	return "framebuffer: unusable"
}

const (
	fbMaxSide  = 16384   // pixels
	fbMaxPitch = 1 << 18 // bytes
	fbMaxBytes = 1 << 30 // pitch * height

	// The colours, 8 bits a channel: VGA's light grey on black.
	fbFgR, fbFgG, fbFgB = 0xAA, 0xAA, 0xAA

	cursorLines = 2 // pixel rows of the underline cursor
)

// fbMem lets the framebuffer be sliced, for memmove and memclr; span
// keeps every slice inside the buffer.
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
}

var fb fbScreen

// check validates a framebuffer description.
//
//go:nosplit
func (m *Framebuffer) check() FramebufferError {
	if m.Type != FramebufferRGB {
		return ErrFramebufferType
	}
	switch m.BPP {
	case 15, 16, 24, 32:
	default:
		return ErrFramebufferDepth
	}
	if m.Width < fontWidth || m.Height < fontHeight || m.Width > fbMaxSide || m.Height > fbMaxSide {
		return ErrFramebufferSize
	}
	bypp := uint64(m.BPP+7) >> 3
	if uint64(m.Pitch) < uint64(m.Width)*bypp || m.Pitch > fbMaxPitch {
		return ErrFramebufferPitch
	}
	if !colourField(m.RedPos, m.RedSize, m.BPP) || !colourField(m.GreenPos, m.GreenSize, m.BPP) ||
		!colourField(m.BluePos, m.BlueSize, m.BPP) {
		return ErrFramebufferColour
	}
	size := uintptr(m.Pitch) * uintptr(m.Height) // at most 2^18 * 2^14 bytes
	if size > fbMaxBytes {
		return ErrFramebufferSize
	}
	if m.Addr == 0 || m.Addr+size < m.Addr {
		return ErrFramebufferAddr
	}
	return 0
}

//go:nosplit
func colourField(pos, size, bpp uint8) bool {
	return size >= 1 && size <= 16 && uint(pos)+uint(size) <= uint(bpp)
}

// channel scales an 8-bit colour value to a field of size bits at pos.
//
//go:nosplit
func channel(v uint32, pos, size uint8) uint32 {
	if size <= 8 {
		v >>= 8 - size
	} else {
		v <<= size - 8
	}
	return v << pos
}

// setup starts drawing into m, which check accepted: it clears the
// buffer and homes the cursor.
//
//go:nosplit
func (f *fbScreen) setup(m *Framebuffer) {
	f.mode = *m
	f.addr = m.Addr
	f.pitch = uintptr(m.Pitch)
	f.size = uintptr(m.Pitch) * uintptr(m.Height)
	f.bypp = uintptr(m.BPP+7) >> 3
	f.fg = channel(fbFgR, m.RedPos, m.RedSize) | channel(fbFgG, m.GreenPos, m.GreenSize) |
		channel(fbFgB, m.BluePos, m.BlueSize)
	f.grid = grid{rows: int(m.Height / fontHeight), cols: int(m.Width / fontWidth)}
	f.cursor = false
	clear(f.span(0, f.size))
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
	return (*fbMem)(unsafe.Pointer(f.addr))[off:end:end]
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
	case opEraseEOL:
		f.eraseEOL()
	case opErase:
		clear(f.span(0, f.size))
	default:
		f.move(op)
	}
	f.scroll()
}

// print draws glyph g at the cursor and advances; the caller scrolls.
//
//go:nosplit
func (f *fbScreen) print(g uint) {
	f.glyph(f.row, f.col, g)
	f.advance()
}

// eraseEOL clears the cursor's line from the cursor on.
//
//go:nosplit
func (f *fbScreen) eraseEOL() {
	if off, ok := f.cell(f.row, f.col); ok {
		n := uintptr(f.cols-f.col) * fontWidth * f.bypp
		for y := 0; y < fontHeight; y++ {
			clear(f.span(off, n))
			off += f.pitch
		}
	}
}

// glyph draws glyph g (from glyphOf) into cell (row, col), background
// included.
//
//go:nosplit
func (f *fbScreen) glyph(row, col int, g uint) {
	off, ok := f.cell(row, col)
	if !ok || g >= uint(len(fontBitmap)) || f.span(off, uintptr(fontHeight-1)*f.pitch+fontWidth*f.bypp) == nil {
		return
	}
	bits := &fontBitmap[g]
	p := f.addr + off
	for y := 0; y < fontHeight; y++ {
		q := p
		for x := 0; x < fontWidth; x++ {
			var v uint32
			if i := uint(y*fontRowBytes + x>>3); i < uint(len(bits)) && bits[i]&(0x80>>(x&7)) != 0 {
				v = f.fg
			}
			f.pixel(q, v)
			q += f.bypp
		}
		p += f.pitch
	}
}

// pixel stores v at address p; xor flips v's bits there instead.
//
//go:nosplit
func (f *fbScreen) pixel(p uintptr, v uint32) {
	switch f.bypp {
	case 4:
		*(*uint32)(unsafe.Pointer(p)) = v
	case 3:
		*(*uint16)(unsafe.Pointer(p)) = uint16(v)
		*(*uint8)(unsafe.Pointer(p + 2)) = uint8(v >> 16)
	default:
		*(*uint16)(unsafe.Pointer(p)) = uint16(v)
	}
}

//go:nosplit
func (f *fbScreen) xor(p uintptr, v uint32) {
	switch f.bypp {
	case 4:
		*(*uint32)(unsafe.Pointer(p)) ^= v
	case 3:
		*(*uint16)(unsafe.Pointer(p)) ^= uint16(v)
		*(*uint8)(unsafe.Pointer(p + 2)) ^= uint8(v >> 16)
	default:
		*(*uint16)(unsafe.Pointer(p)) ^= uint16(v)
	}
}

// scroll moves the text up one line if the cursor is below the last: one
// memmove of every text line but the first, then the last cleared. (The
// cursor is never more than one line below: put scrolls after each step.)
//
//go:nosplit
//go:noinline
func (f *fbScreen) scroll() {
	if f.row < f.rows || f.rows < 1 {
		return
	}
	f.row = f.rows - 1
	band := f.pitch * fontHeight
	keep := band * uintptr(f.rows-1)
	if end := band + keep; keep <= end && band <= end && end <= f.size && end <= fbMaxBytes {
		m := (*fbMem)(unsafe.Pointer(f.addr))
		copy(m[:keep], m[band:end])
		clear(m[keep:end])
	}
}

// flipCursor draws or takes away the underline at (row, col).
//
//go:nosplit
func (f *fbScreen) flipCursor(row, col int) {
	off, ok := f.cell(row, col)
	if !ok || f.span(off, uintptr(fontHeight-1)*f.pitch+fontWidth*f.bypp) == nil {
		return
	}
	p := f.addr + off + (fontHeight-cursorLines)*f.pitch
	for y := 0; y < cursorLines; y++ {
		q := p
		for x := 0; x < fontWidth; x++ {
			f.xor(q, f.fg)
			q += f.bypp
		}
		p += f.pitch
	}
}

//go:nosplit
func (f *fbScreen) hideCursor() {
	if f.cursor {
		f.flipCursor(f.curRow, f.curCol)
		f.cursor = false
	}
}

//go:nosplit
func (f *fbScreen) showCursor() {
	if !f.cursor {
		f.curRow, f.curCol = f.row, f.col
		f.flipCursor(f.curRow, f.curCol)
		f.cursor = true
	}
}
