package console

// The text screens' input language: UTF-8 text with a small part of
// ECMA-48 (the "ANSI" escape sequences a VT100 understands):
//
//	\n          newline: first column of the next line (scrolls at the bottom)
//	\r          first column
//	\b          one cell left, without erasing; from the first column to
//	            the last cell of the line above (the line editor erases
//	            with "\b \b", also across a wrapped line)
//	\t          next multiple of 8 columns
//	\a          bell: ignored
//	ESC[nC      n cells right (default 1), stopping at the last column
//	ESC[nD      n cells left, stopping at the first column
//	ESC[K       erase from the cursor to the end of the line (also ESC[0K)
//	ESC[2J      erase the screen; the cursor stays
//	ESC[H       home; ESC[row;colH (1-based) puts the cursor there
//
// Every other control character is ignored, and every other escape or
// control sequence is read to its end and dropped, as a terminal drops
// what it does not implement. Invalid UTF-8 shows U+FFFD.
//
// vt is the byte-at-a-time parser both text screens share: feed takes one
// byte and returns what the screen should do. Its state is a few integers
// in the screen, so a character or an escape sequence may be split across
// any number of Write calls.

// Parser states.
const (
	vtGround = iota // text
	vtEsc           // after ESC (and any intermediate bytes)
	vtCSI           // after ESC [
)

// What the screen should do, as feed returns it.
const (
	opNone     = iota
	opPrint    // show rune v.r at the cursor and advance
	opNewline  // \n
	opReturn   // \r
	opBack     // \b
	opTab      // \t
	opRight    // ESC[nC: v.n cells right
	opLeft     // ESC[nD: v.n cells left
	opEraseEOL // ESC[K
	opErase    // ESC[2J
	opMove     // ESC[row;colH: to row v.n, column v.m, 0-based

	// Internal to feed.
	opFinal   // a control sequence is complete
	opReparse // a sequence ended: read this byte again as text
)

// csiMax bounds a numeric parameter: a screen is never that large, and
// bounded arithmetic cannot overflow.
const csiMax = 9999

// vt is the parser's state. The functions are flat (feed calls one level
// down at most) because the fault reporter reaches them at the end of a
// long chain of nosplit calls.
type vt struct {
	state uint8
	// UTF-8: continuation bytes still expected, the bits so far, and the
	// smallest rune the sequence may encode (smaller is an overlong form).
	need uint8
	acc  uint32
	min  uint32
	// CSI: up to two numeric parameters (more are read and dropped), the
	// index of the one being read, and whether the sequence has a private
	// marker or intermediate bytes: then it is not one of ours.
	param  [2]uint16
	nparam uint8
	priv   bool
	// The arguments of the op feed returned last.
	r    rune   // opPrint
	n, m uint16 // opRight, opLeft: count; opMove: row, column
}

const (
	runeError = 0xFFFD
	maxRune   = 0x10FFFF
)

// feed consumes one byte and returns what the screen should do: op, with
// its arguments in v.r, v.n and v.m. bad asks the screen to show U+FFFD
// first: a UTF-8 sequence ended early, and this byte starts something new.
//
//go:nosplit
func (v *vt) feed(c byte) (op uint8, bad bool) {
	if v.need > 0 {
		if c&0xC0 == 0x80 {
			v.acc = v.acc<<6 | uint32(c&0x3F)
			v.need--
			if v.need > 0 {
				return opNone, false
			}
			r := v.acc
			if r < v.min || r > maxRune || r-0xD800 < 0x800 { // overlong, too large, surrogate
				r = runeError
			}
			if r >= 0x80 && r < 0xA0 { // C1 controls: ignored like C0 ones
				return opNone, false
			}
			v.r = rune(r)
			return opPrint, false
		}
		v.need = 0
		bad = true
	}
	switch v.state {
	case vtEsc:
		op = v.escape(c)
	case vtCSI:
		op = v.csi(c)
	default:
		op = v.ground(c)
	}
	switch op {
	case opReparse:
		op = v.ground(c)
	case opFinal:
		op = v.final(c)
	}
	return op, bad
}

// ground handles a byte outside any sequence.
//
//go:nosplit
func (v *vt) ground(c byte) uint8 {
	switch {
	case c == 0x1B:
		v.state = vtEsc
	case c < 0x20 || c == 0x7F:
		return control(c)
	case c < 0x80:
		v.r = rune(c)
		return opPrint
	case c >= 0xC2 && c <= 0xDF:
		v.need, v.acc, v.min = 1, uint32(c&0x1F), 0x80
	case c >= 0xE0 && c <= 0xEF:
		v.need, v.acc, v.min = 2, uint32(c&0x0F), 0x800
	case c >= 0xF0 && c <= 0xF4:
		v.need, v.acc, v.min = 3, uint32(c&0x07), 0x10000
	default: // a stray continuation byte, or one never valid in UTF-8
		v.r = runeError
		return opPrint
	}
	return opNone
}

// control maps the C0 control characters the screens implement.
//
//go:nosplit
func control(c byte) uint8 {
	switch c {
	case '\n':
		return opNewline
	case '\r':
		return opReturn
	case '\b':
		return opBack
	case '\t':
		return opTab
	}
	return opNone // \a and the rest
}

// escape handles a byte after ESC. ESC [ starts a control sequence; any
// other final byte ends the escape sequence, which is dropped.
//
//go:nosplit
func (v *vt) escape(c byte) uint8 {
	switch {
	case c == '[':
		v.state = vtCSI
		v.param[0], v.param[1] = 0, 0
		v.nparam = 0
		v.priv = false
	case c == 0x1B:
		// a new escape sequence
	case c == 0x18 || c == 0x1A: // CAN, SUB: cancel
		v.state = vtGround
	case c < 0x20:
		return control(c) // carried out in the middle of a sequence, as a VT100 does
	case c < 0x30: // intermediate bytes: the final byte is still to come
	case c < 0x7F: // the final byte
		v.state = vtGround
	case c == 0x7F:
	default: // not part of a sequence: text again
		v.state = vtGround
		return opReparse
	}
	return opNone
}

// csi handles a byte of a control sequence: parameter bytes 0x30-0x3F,
// intermediate bytes 0x20-0x2F, then one final byte 0x40-0x7E.
//
//go:nosplit
func (v *vt) csi(c byte) uint8 {
	switch {
	case c >= '0' && c <= '9':
		if i := uint(v.nparam); i < uint(len(v.param)) {
			p := uint(v.param[i])*10 + uint(c-'0')
			if p > csiMax {
				p = csiMax
			}
			v.param[i] = uint16(p)
		}
	case c == ';':
		if v.nparam < 255 {
			v.nparam++
		}
	case c >= 0x3A && c <= 0x3F: // ':' sub-parameters, '<' '=' '>' '?' private
		v.priv = true
	case c >= 0x20 && c <= 0x2F:
		v.priv = true
	case c >= 0x40 && c <= 0x7E:
		v.state = vtGround
		if !v.priv {
			return opFinal
		}
	case c == 0x1B:
		v.state = vtEsc
	case c == 0x18 || c == 0x1A:
		v.state = vtGround
	case c < 0x20:
		return control(c)
	case c == 0x7F:
	default:
		v.state = vtGround
		return opReparse
	}
	return opNone
}

// final returns what a complete control sequence asks for, if it is one
// of ours.
//
//go:nosplit
func (v *vt) final(c byte) uint8 {
	p0, p1 := v.param[0], v.param[1]
	switch c {
	case 'C', 'D':
		if p0 == 0 {
			p0 = 1
		}
		v.n = p0
		if c == 'D' {
			return opLeft
		}
		return opRight
	case 'K':
		if p0 == 0 {
			return opEraseEOL
		}
	case 'J':
		if p0 == 2 {
			return opErase
		}
	case 'H', 'f':
		if p0 > 0 {
			p0--
		}
		if p1 > 0 {
			p1--
		}
		v.n, v.m = p0, p1
		return opMove
	}
	return opNone
}

// grid is the cursor both text screens keep, and the moves they share.
// row and col stay within rows x cols, except that row == rows briefly
// after a line feed at the bottom, until the screen scrolls.
type grid struct {
	vt         vt
	row, col   int
	rows, cols int
}

// move carries out the ops that only move the cursor.
//
//go:nosplit
func (g *grid) move(op uint8) {
	switch op {
	case opNewline:
		g.col = 0
		g.row++
	case opReturn:
		g.col = 0
	case opBack:
		if g.col > 0 {
			g.col--
		} else if g.row > 0 {
			g.row--
			g.col = g.cols - 1
		}
	case opTab:
		g.col = (g.col + 8) &^ 7
		if g.col >= g.cols {
			g.col = 0
			g.row++
		}
	case opRight:
		g.col += int(g.vt.n)
		if g.col >= g.cols {
			g.col = g.cols - 1
		}
	case opLeft:
		g.col -= int(g.vt.n)
		if g.col < 0 {
			g.col = 0
		}
	case opMove:
		g.row, g.col = int(g.vt.n), int(g.vt.m)
		if g.row >= g.rows {
			g.row = g.rows - 1
		}
		if g.col >= g.cols {
			g.col = g.cols - 1
		}
	}
}

// advance moves past a printed cell, wrapping at the end of the line.
//
//go:nosplit
func (g *grid) advance() {
	g.col++
	if g.col >= g.cols {
		g.col = 0
		g.row++
	}
}

// at returns the cursor cell's index in a row-major grid and whether the
// cursor is on the screen.
//
//go:nosplit
func (g *grid) at() (int, bool) {
	if uint(g.row) >= uint(g.rows) || uint(g.col) >= uint(g.cols) {
		return 0, false
	}
	return g.row*g.cols + g.col, true
}
