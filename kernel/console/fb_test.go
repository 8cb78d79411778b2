package console

import (
	"runtime"
	"strings"
	"testing"
	"unsafe"
)

// fbLayout is a pixel format: bits per pixel and the colour fields.
type fbLayout struct {
	name                   string
	bpp                    uint8
	rPos, rSize            uint8
	gPos, gSize            uint8
	bPos, bSize            uint8
	grey                   uint32 // the expected text colour
	width, height, padding uint32 // a screen that fits 2 text lines, and a bit
}

var fbLayouts = []fbLayout{
	{name: "xrgb8888", bpp: 32, rPos: 16, rSize: 8, gPos: 8, gSize: 8, bPos: 0, bSize: 8, grey: 0x00AAAAAA},
	{name: "xbgr8888", bpp: 32, rPos: 0, rSize: 8, gPos: 8, gSize: 8, bPos: 16, bSize: 8, grey: 0x00AAAAAA},
	{name: "rgb888", bpp: 24, rPos: 16, rSize: 8, gPos: 8, gSize: 8, bPos: 0, bSize: 8, grey: 0xAAAAAA},
	{name: "bgr888", bpp: 24, rPos: 0, rSize: 8, gPos: 8, gSize: 8, bPos: 16, bSize: 8, grey: 0xAAAAAA},
	{name: "rgb565", bpp: 16, rPos: 11, rSize: 5, gPos: 5, gSize: 6, bPos: 0, bSize: 5, grey: 0xAD55},
	{name: "bgr565", bpp: 16, rPos: 0, rSize: 5, gPos: 5, gSize: 6, bPos: 11, bSize: 5, grey: 0xAD55},
	{name: "xrgb1555", bpp: 15, rPos: 10, rSize: 5, gPos: 5, gSize: 5, bPos: 0, bSize: 5, grey: 0x56B5},
	{name: "xrgb2101010", bpp: 32, rPos: 20, rSize: 10, gPos: 10, gSize: 10, bPos: 0, bSize: 10, grey: 0x2A8<<20 | 0x2A8<<10 | 0x2A8},
	{name: "rgb332-in-16", bpp: 16, rPos: 5, rSize: 3, gPos: 2, gSize: 3, bPos: 0, bSize: 2, grey: 5<<5 | 5<<2 | 2},
}

// testFB is a framebuffer console drawing into Go memory: the buffer is
// followed by guard bytes that must never change.
type testFB struct {
	*fbScreen
	buf   []byte
	m     Framebuffer
	bypp  int
	layer fbLayout
}

const fbGuard = 64

func (l fbLayout) framebuffer(cols, rows int, buf []byte) Framebuffer {
	bypp := uint32(l.bpp+7) / 8
	w, h := uint32(cols*fontWidth+3), uint32(rows*fontHeight+5) // spare pixels right and below
	return Framebuffer{
		Addr: uintptr(unsafe.Pointer(unsafe.SliceData(buf))), Pitch: w*bypp + 12, Width: w, Height: h,
		BPP: l.bpp, Type: FramebufferRGB,
		RedPos: l.rPos, RedSize: l.rSize, GreenPos: l.gPos, GreenSize: l.gSize, BluePos: l.bPos, BlueSize: l.bSize,
	}
}

// newTestFB returns a console of cols x rows cells in layout l, its
// memory filled with junk that setup must clear.
func newTestFB(t testing.TB, l fbLayout, cols, rows int) *testFB {
	m := l.framebuffer(cols, rows, nil)
	size := int(m.Pitch * m.Height)
	buf := make([]byte, size+fbGuard)
	for i := range buf {
		buf[i] = 0xA5
	}
	m.Addr = uintptr(unsafe.Pointer(&buf[0]))
	if e := m.check(); e != 0 {
		t.Fatalf("%s: %v", l.name, e)
	}
	f := &testFB{fbScreen: new(fbScreen), buf: buf, m: m, bypp: int(l.bpp+7) / 8, layer: l}
	t.Cleanup(func() { runtime.KeepAlive(buf) })
	f.setup(&m)
	if f.rows != rows || f.cols != cols {
		t.Fatalf("%s: %dx%d cells, want %dx%d", l.name, f.cols, f.rows, cols, rows)
	}
	for i := 0; i < size; i++ {
		if buf[i] != 0 {
			t.Fatalf("%s: byte %d not cleared", l.name, i)
		}
	}
	return f
}

// write feeds s to the console as Write does: cursor away, bytes, cursor
// back.
func (f *testFB) write(s string) {
	f.hideCursor()
	for i := 0; i < len(s); i++ {
		f.put(s[i])
	}
	f.showCursor()
}

func (f *testFB) checkGuard(t testing.TB) {
	t.Helper()
	for i, b := range f.buf[len(f.buf)-fbGuard:] {
		if b != 0xA5 {
			t.Fatalf("%s: wrote past the framebuffer, guard byte %d", f.layer.name, i)
		}
	}
}

// px reads the pixel at (x, y).
func (f *testFB) px(x, y int) uint32 {
	off := y*int(f.m.Pitch) + x*f.bypp
	var v uint32
	for i := f.bypp - 1; i >= 0; i-- {
		v = v<<8 | uint32(f.buf[off+i])
	}
	return v
}

// cellBits reads cell (row, col) back as a glyph bitmap; ok is false if a
// pixel is neither the text colour nor black.
func (f *testFB) cellBits(row, col int) (bits [fontGlyphBytes]byte, ok bool) {
	for y := 0; y < fontHeight; y++ {
		for x := 0; x < fontWidth; x++ {
			switch f.px(col*fontWidth+x, row*fontHeight+y) {
			case f.layer.grey:
				bits[y*fontRowBytes+x/8] |= 0x80 >> (x % 8)
			case 0:
			default:
				return bits, false
			}
		}
	}
	return bits, true
}

// reader maps glyph bitmaps back to runes, for the runes the tests write.
var reader = func() map[[fontGlyphBytes]byte]rune {
	m := map[[fontGlyphBytes]byte]rune{}
	for _, r := range []rune("\uFFFD !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~äöüÄÖÜßéèàç£€") {
		if _, dup := m[fontBitmap[glyphOf(r)]]; !dup {
			m[fontBitmap[glyphOf(r)]] = r
		}
	}
	return m
}()

// row reads text row r back, trailing blanks trimmed; a cell that is not
// a known glyph reads as '#'. The cursor reads as what is under it.
func (f *testFB) row(r int) string {
	var b strings.Builder
	for c := 0; c < f.cols; c++ {
		bits, ok := f.cellBits(r, c)
		if f.cursor && r == f.curRow && c == f.curCol {
			for y := fontHeight - cursorLines; y < fontHeight; y++ {
				for i := 0; i < fontRowBytes; i++ {
					bits[y*fontRowBytes+i] ^= 0xFF
				}
			}
		}
		ch, known := reader[bits]
		if !ok || !known {
			ch = '#'
		}
		b.WriteRune(ch)
	}
	return strings.TrimRight(b.String(), " ")
}

func TestFramebufferGlyphs(t *testing.T) {
	for _, l := range fbLayouts {
		t.Run(l.name, func(t *testing.T) {
			f := newTestFB(t, l, 10, 2)
			f.write("Ag€ß")
			for i, r := range []rune("Ag€ß") {
				want := fontBitmap[glyphOf(r)]
				if want == ([fontGlyphBytes]byte{}) {
					t.Fatalf("glyph of %q is empty", r)
				}
				// Pixel by pixel against the font's bitmap.
				for y := 0; y < fontHeight; y++ {
					for x := 0; x < fontWidth; x++ {
						exp := uint32(0)
						if want[y*fontRowBytes+x/8]&(0x80>>(x%8)) != 0 {
							exp = l.grey
						}
						if got := f.px(i*fontWidth+x, y); got != exp {
							t.Fatalf("%q pixel %d,%d = %#x, want %#x", r, x, y, got, exp)
						}
					}
				}
			}
			if f.row(0) != "Ag€ß" {
				t.Errorf("row 0 reads %q", f.row(0))
			}
			// Only the text cells and the cursor are lit.
			lit := 0
			for y := 0; y < int(f.m.Height); y++ {
				for x := 0; x < int(f.m.Width); x++ {
					if f.px(x, y) != 0 {
						lit++
					}
				}
			}
			want := fontWidth * cursorLines
			for _, r := range "Ag€ß" {
				for _, b := range fontBitmap[glyphOf(r)] {
					for ; b != 0; b &= b - 1 {
						want++
					}
				}
			}
			if lit != want {
				t.Errorf("%d pixels lit, want %d", lit, want)
			}
			f.checkGuard(t)
		})
	}
}

func TestFramebufferFallbackGlyph(t *testing.T) {
	f := newTestFB(t, fbLayouts[0], 10, 2)
	f.write("a\U0001F600b\xffc") // not in the font; invalid UTF-8
	if got := f.row(0); got != "a\uFFFDb\uFFFDc" {
		t.Errorf("row 0 = %q", got)
	}
}

func TestFramebufferCursor(t *testing.T) {
	for _, l := range fbLayouts {
		t.Run(l.name, func(t *testing.T) {
			f := newTestFB(t, l, 10, 3)
			// setup draws nothing: the cursor appears with the first write.
			underline := func(row, col int) bool {
				bits, ok := f.cellBits(row, col)
				if !ok {
					t.Fatalf("cell %d,%d has other colours", row, col)
				}
				return bits[fontGlyphBytes-1] == 0xFF && bits[fontGlyphBytes-2] == 0xFF
			}
			f.write("")
			if !underline(0, 0) {
				t.Fatal("no cursor at 0,0")
			}
			f.write("ab")
			if underline(0, 0) || underline(0, 1) || !underline(0, 2) {
				t.Fatalf("cursor not moved to 0,2")
			}
			// Over a character, the cursor flips its bottom rows; moving
			// away restores the character exactly.
			before, _ := f.cellBits(0, 0)
			f.write("\b\b")
			if !underline(0, 0) || underline(0, 2) {
				t.Fatal("cursor not at 0,0 after \\b\\b")
			}
			over, _ := f.cellBits(0, 0)
			for y := 0; y < fontGlyphBytes; y++ {
				want := before[y]
				if y >= fontGlyphBytes-cursorLines {
					want ^= 0xFF
				}
				if over[y] != want {
					t.Fatalf("cursor over 'a': row %d = %#x, want %#x", y, over[y], want)
				}
			}
			f.write("\n")
			if after, _ := f.cellBits(0, 0); after != before || !underline(1, 0) || f.row(0) != "ab" {
				t.Fatalf("cell 0,0 not restored, or no cursor at 1,0: row 0 %q", f.row(0))
			}
			f.checkGuard(t)
		})
	}
}

func TestFramebufferScroll(t *testing.T) {
	for _, l := range fbLayouts {
		t.Run(l.name, func(t *testing.T) {
			const rows = 4
			f := newTestFB(t, l, 12, rows)
			f.write("line 1\nline 2\nline 3\nline 4")
			// Mark the spare pixels to the right of the text.
			spare := f.cols * fontWidth
			for y := 0; y < rows*fontHeight; y++ {
				f.buf[y*int(f.m.Pitch)+spare*f.bypp] = 0x11
			}
			f.write("\nline 5\nline 6")
			for r, want := range []string{"line 3", "line 4", "line 5", "line 6"} {
				if got := f.row(r); got != want {
					t.Errorf("row %d = %q, want %q", r, got, want)
				}
			}
			// Whole pixel lines moved, spare pixels included; the new
			// lines were cleared first.
			for y := 0; y < rows*fontHeight; y++ {
				want := byte(0x11)
				if y >= (rows-2)*fontHeight {
					want = 0
				}
				if got := f.buf[y*int(f.m.Pitch)+spare*f.bypp]; got != want {
					t.Fatalf("spare pixel of line %d = %#x, want %#x", y, got, want)
				}
			}
			// A newline on the last line leaves it empty, cursor on it.
			f.write("\n")
			if f.row(rows-1) != "" || f.row(rows-2) != "line 6" || f.row(0) != "line 4" || f.grid.row != rows-1 {
				t.Errorf("after the last newline: %q %q, cursor row %d", f.row(rows-2), f.row(rows-1), f.grid.row)
			}
			for y := (rows - 1) * fontHeight; y < rows*fontHeight-cursorLines; y++ {
				for x := 0; x < int(f.m.Pitch); x++ {
					if f.buf[y*int(f.m.Pitch)+x] != 0 {
						t.Fatalf("last line not cleared at pixel line %d byte %d", y, x)
					}
				}
			}
			// Wrapping at the end of the last line scrolls too.
			f.write(strings.Repeat("w", f.cols+2))
			if f.row(rows-2) != strings.Repeat("w", f.cols) || f.row(rows-1) != "ww" {
				t.Errorf("wrap: %q / %q", f.row(rows-2), f.row(rows-1))
			}
			f.checkGuard(t)
		})
	}
}

func TestFramebufferEditing(t *testing.T) {
	f := newTestFB(t, fbLayouts[0], 20, 4)
	f.write("abc\b\bX")
	if f.row(0) != "aXc" {
		t.Errorf("\\b does not erase: %q", f.row(0))
	}
	f.write("\b \b")
	if f.row(0) != "a c" || f.col != 1 {
		t.Errorf("\\b \\b: %q, column %d", f.row(0), f.col)
	}
	f.write("\rhello world\x1b[5D\x1b[K!")
	if f.row(0) != "hello !" {
		t.Errorf("ESC[5D ESC[K: %q", f.row(0))
	}
	f.write("\r\x1b[C\x1b[3CX")
	if f.row(0) != "hellX !" {
		t.Errorf("ESC[C ESC[3C: %q", f.row(0))
	}
	f.write("\x1b[99C")
	if f.col != f.cols-1 {
		t.Errorf("ESC[99C: column %d", f.col)
	}
	f.write("\n\tx\x1b[H")
	if f.row(1) != "        x" || f.grid.row != 0 || f.col != 0 {
		t.Errorf("tab, ESC[H: %q, cursor %d,%d", f.row(1), f.grid.row, f.col)
	}
	f.write("\x1b[2;3H*\x1b[1;31m\a")
	if f.row(1) != "  *     x" {
		t.Errorf("ESC[2;3H: %q", f.row(1))
	}
	f.write("\x1b[2J")
	for r := 0; r < f.rows; r++ {
		if f.row(r) != "" {
			t.Errorf("ESC[2J left row %d: %q", r, f.row(r))
		}
	}
	f.write("\x1b[4;19Hz")
	if f.row(3) != strings.Repeat(" ", 18)+"z" {
		t.Errorf("ESC[4;19H: %q", f.row(3))
	}
	// The line wraps as soon as its last cell is written: at the bottom,
	// that scrolls.
	f.write("\x1b[99;99Hz")
	if f.row(2) != strings.Repeat(" ", 18)+"zz" || f.row(3) != "" || f.grid.row != 3 || f.col != 0 {
		t.Errorf("last cell: %q / %q, cursor %d,%d", f.row(2), f.row(3), f.grid.row, f.col)
	}
	// Backspace across a wrapped line erases its last cell.
	f.write("\x1b[H" + strings.Repeat("y", f.cols+1) + "\b \b\b \b")
	if f.row(0) != strings.Repeat("y", f.cols-1) || f.row(1) != "" {
		t.Errorf("erase across the wrap: %q / %q", f.row(0), f.row(1))
	}
	f.checkGuard(t)
}

// The global console with a framebuffer screen: UseFramebuffer, Write
// with a character split across calls, the screen queries.
func TestUseFramebuffer(t *testing.T) {
	savedFB, savedActive, savedSerial := fb, active, serialOK
	t.Cleanup(func() { fb, active, serialOK = savedFB, savedActive, savedSerial })
	serialOK = false

	l := fbLayouts[0]
	m := l.framebuffer(30, 3, nil)
	buf := make([]byte, m.Pitch*m.Height)
	m.Addr = uintptr(unsafe.Pointer(&buf[0]))
	t.Cleanup(func() { runtime.KeepAlive(buf) })
	if err := UseFramebuffer(m); err != nil {
		t.Fatal(err)
	}
	if Active() != FramebufferScreen || Active().String() != "framebuffer" {
		t.Fatalf("Active() = %v", Active())
	}
	if got, ok := ActiveFramebuffer(); !ok || got != m {
		t.Errorf("ActiveFramebuffer() = %+v, %v", got, ok)
	}
	if c, r := TextSize(); c != 30 || r != 3 {
		t.Errorf("TextSize() = %d, %d", c, r)
	}
	f := &testFB{fbScreen: &fb, buf: buf, m: m, bypp: 4, layer: l}
	Write([]byte("gr\xc3"))
	Write([]byte("\xbc"))
	WriteString("\xc3")
	WriteString("\x9fe\n")
	if f.row(0) != "grüße" {
		t.Errorf("split UTF-8: %q", f.row(0))
	}
	// The boot line the kernel prints.
	WriteString("console: ")
	WriteString(Active().String())
	WriteString(" ")
	got, _ := ActiveFramebuffer()
	Dec(int64(got.Width))
	WriteString("x")
	Dec(int64(got.Height))
	WriteString("x")
	Dec(int64(got.BPP))
	if want := "console: framebuffer 243x53x32"; f.row(1) != want {
		t.Errorf("boot line %q, want %q", f.row(1), want)
	}

	// A refused framebuffer changes nothing.
	bad := m
	bad.BPP = 8
	if err := UseFramebuffer(bad); err != ErrFramebufferDepth {
		t.Errorf("8 bpp: %v", err)
	}
	if Active() != FramebufferScreen {
		t.Errorf("Active() = %v after a refusal", Active())
	}

	UseSerialOnly()
	if Active() != NoScreen || Active().String() != "serial" {
		t.Errorf("Active() = %v", Active())
	}
	if _, ok := ActiveFramebuffer(); ok {
		t.Error("ActiveFramebuffer after UseSerialOnly")
	}
	if c, r := TextSize(); c != 0 || r != 0 {
		t.Errorf("TextSize() = %d, %d", c, r)
	}
	WriteString("not drawn")
	if f.row(2) != "" {
		t.Errorf("drawn without a screen: %q", f.row(2))
	}
}

func TestFramebufferRejected(t *testing.T) {
	good := fbLayouts[0].framebuffer(80, 25, nil)
	good.Addr = 0x1000
	if e := good.check(); e != 0 {
		t.Fatalf("good framebuffer refused: %v", e)
	}
	for _, tc := range []struct {
		name string
		edit func(m *Framebuffer)
		want FramebufferError
	}{
		{"indexed", func(m *Framebuffer) { m.Type = 0 }, ErrFramebufferType},
		{"EGA text", func(m *Framebuffer) { m.Type = 2 }, ErrFramebufferType},
		{"8 bpp", func(m *Framebuffer) { m.BPP = 8 }, ErrFramebufferDepth},
		{"0 bpp", func(m *Framebuffer) { m.BPP = 0 }, ErrFramebufferDepth},
		{"30 bpp", func(m *Framebuffer) { m.BPP = 30 }, ErrFramebufferDepth},
		{"zero width", func(m *Framebuffer) { m.Width = 0 }, ErrFramebufferSize},
		{"narrower than a cell", func(m *Framebuffer) { m.Width = fontWidth - 1 }, ErrFramebufferSize},
		{"lower than a cell", func(m *Framebuffer) { m.Height = fontHeight - 1 }, ErrFramebufferSize},
		{"absurd width", func(m *Framebuffer) { m.Width, m.Pitch = 1<<20, 4<<20 }, ErrFramebufferSize},
		{"absurd height", func(m *Framebuffer) { m.Height = 1 << 31 }, ErrFramebufferSize},
		{"over 1 GiB", func(m *Framebuffer) { m.Width, m.Height, m.Pitch = 16384, 16384, 16384*4*2 }, ErrFramebufferSize},
		{"short pitch", func(m *Framebuffer) { m.Pitch = m.Width*4 - 1 }, ErrFramebufferPitch},
		{"absurd pitch", func(m *Framebuffer) { m.Pitch = 1 << 30 }, ErrFramebufferPitch},
		{"empty red", func(m *Framebuffer) { m.RedSize = 0 }, ErrFramebufferColour},
		{"blue outside", func(m *Framebuffer) { m.BluePos = 30 }, ErrFramebufferColour},
		{"green too wide", func(m *Framebuffer) { m.GreenPos, m.GreenSize = 0, 17 }, ErrFramebufferColour},
		{"16 bpp, 8-bit fields at 16", func(m *Framebuffer) { m.BPP = 16 }, ErrFramebufferColour},
		{"no address", func(m *Framebuffer) { m.Addr = 0 }, ErrFramebufferAddr},
		{"wraps around", func(m *Framebuffer) { m.Addr = ^uintptr(0) - 4096 }, ErrFramebufferAddr},
	} {
		m := good
		tc.edit(&m)
		if got := m.check(); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
		if err := UseFramebuffer(m); err != error(tc.want) || err.Error() == "" ||
			!strings.HasPrefix(err.Error(), "framebuffer: ") {
			t.Errorf("%s: UseFramebuffer = %v", tc.name, err)
		}
	}
}

func BenchmarkFramebufferScroll(b *testing.B) {
	f := newTestFB(b, fbLayouts[0], 160, 50) // 1283x805x32
	line := strings.Repeat("x", 79) + "\n"
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		f.write(line)
	}
}
