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
	f := newTestFBMode(t, l, l.framebuffer(cols, rows, nil))
	if f.rows != rows || f.cols != cols {
		t.Fatalf("%s: %dx%d cells, want %dx%d", l.name, f.cols, f.rows, cols, rows)
	}
	return f
}

// newTestFBMode is newTestFB for the framebuffer m, without its address.
func newTestFBMode(t testing.TB, l fbLayout, m Framebuffer) *testFB {
	size := int(m.Pitch * m.Height)
	buf := make([]byte, size+fbGuard)
	for i := range buf {
		buf[i] = 0xA5
	}
	m.Addr = uintptr(unsafe.Pointer(&buf[0]))
	if e := fbCheck(&m); e != 0 {
		t.Fatalf("%s: %v", l.name, e)
	}
	f := &testFB{fbScreen: new(fbScreen), buf: buf, m: m, bypp: int(l.bpp+7) / 8, layer: l}
	t.Cleanup(func() { runtime.KeepAlive(buf) })
	f.setup(&m)
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
			// Only the text cells are drawn: the spare pixels, which
			// setup cleared and nothing else draws, are never written.
			for y := 0; y < rows*fontHeight; y++ {
				if got := f.buf[y*int(f.m.Pitch)+spare*f.bypp]; got != 0x11 {
					t.Fatalf("spare pixel of line %d = %#x, was written", y, got)
				}
			}
			// A newline on the last line leaves it empty, cursor on it.
			f.write("\n")
			if f.row(rows-1) != "" || f.row(rows-2) != "line 6" || f.row(0) != "line 4" || f.grid.row != rows-1 {
				t.Errorf("after the last newline: %q %q, cursor row %d", f.row(rows-2), f.row(rows-1), f.grid.row)
			}
			for y := (rows - 1) * fontHeight; y < rows*fontHeight-cursorLines; y++ {
				for x := 0; x < spare*f.bypp; x++ {
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
	// The serial port stays off on the host: uart.Init never ran.
	savedFB, savedActive := fbs, active
	t.Cleanup(func() { fbs, active = savedFB, savedActive })

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
	f := &testFB{fbScreen: &fbs, buf: buf, m: m, bypp: 4, layer: l}
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
	if e := fbCheck(&good); e != 0 {
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
		if got := fbCheck(&m); got != tc.want {
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

// The console never reads the framebuffer (video memory is uncached or
// write-combining on real machines, where reads are very slow): each
// write runs on the console and on two copies of its state whose buffers
// hold poison, 0x5A in one and 0xC3 in the other. A byte both copies left
// alone was not written, and must not have changed on the console; a byte
// written must hold the same value in all three, whatever it held before.
// A memmove scroll or an XOR cursor fails this.
func TestFramebufferWriteOnly(t *testing.T) {
	for _, l := range fbLayouts {
		t.Run(l.name, func(t *testing.T) {
			f := newTestFB(t, l, 12, 4)
			for _, s := range []string{
				"", "hello", "\nworld", "\b\bX", "\n1\n2\n3", "\n4 scrolled\n5",
				strings.Repeat("w", 30), "\x1b[2;3Habc", "\x1b[3D\x1b[K", "\r\x1b[2J",
				"\x1b[4;12Hz", "é€\U0001F600\n", "\x1b[H\ttab\n\n\n\n\n",
			} {
				f.writeOnly(t, s)
			}
			f.checkGuard(t)
		})
	}
}

// clone returns a console in f's state drawing into a buffer of f's size
// filled with fill.
func (f *testFB) clone(fill byte) *testFB {
	buf := make([]byte, len(f.buf))
	for i := range buf {
		buf[i] = fill
	}
	s := new(fbScreen)
	*s = *f.fbScreen
	s.addr = uintptr(unsafe.Pointer(&buf[0]))
	m := f.m
	m.Addr = s.addr
	s.mode = m
	return &testFB{fbScreen: s, buf: buf, m: m, bypp: f.bypp, layer: f.layer}
}

// writeOnly writes s to f and checks that the console only wrote to the
// framebuffer (see TestFramebufferWriteOnly). It returns the number of
// bytes written.
func (f *testFB) writeOnly(t testing.TB, s string) (written int) {
	t.Helper()
	const p, q = 0x5A, 0xC3
	before := append([]byte(nil), f.buf...)
	fp, fq := f.clone(p), f.clone(q)
	f.write(s)
	fp.write(s)
	fq.write(s)
	for i, b := range f.buf {
		if fp.buf[i] == p && fq.buf[i] == q {
			if b != before[i] {
				t.Fatalf("%s: after %q, byte %d changed from %#x to %#x, but not over poison: it was copied from the framebuffer",
					f.layer.name, s, i, before[i], b)
			}
			continue
		}
		written++
		if fp.buf[i] != b || fq.buf[i] != b {
			t.Fatalf("%s: after %q, byte %d is %#x, but %#x and %#x over poison: it depends on what the framebuffer held",
				f.layer.name, s, i, b, fp.buf[i], fq.buf[i])
		}
	}
	runtime.KeepAlive(fp.buf)
	runtime.KeepAlive(fq.buf)
	return written
}

// The shadow's blank is the glyph of ' ', which lights no pixel, and a
// glyph number leaves room for the cursor bit.
func TestFramebufferBlank(t *testing.T) {
	if g := glyphOf(' '); g != fbBlank {
		t.Errorf("glyph of ' ' is %d, fbBlank %d", g, fbBlank)
	}
	if fontBitmap[fbBlank] != ([fontGlyphBytes]byte{}) {
		t.Errorf("glyph %d (fbBlank) lights pixels", fbBlank)
	}
	if fontGlyphs > fbCursor {
		t.Errorf("%d glyphs: numbers reach the cursor bit %#x", fontGlyphs, fbCursor)
	}
}

// A scroll writes only what changes: over identical lines, the last line
// (blanked) and the cursor.
func TestFramebufferScrollWrites(t *testing.T) {
	l := fbLayouts[0]
	f := newTestFB(t, l, 20, 6)
	line := "the same line"
	f.write(strings.Repeat(line+"\n", f.rows-1) + line)
	cell := fontWidth * fontHeight * f.bypp
	if n := f.writeOnly(t, "\n"); n == 0 || n > len(line)*cell+fontWidth*cursorLines*f.bypp {
		t.Errorf("scrolling identical lines wrote %d bytes, one line is %d", n, len(line)*cell)
	}
	for r := 0; r < f.rows-1; r++ {
		if f.row(r) != line {
			t.Errorf("row %d = %q", r, f.row(r))
		}
	}
	if f.row(f.rows-1) != "" {
		t.Errorf("last row = %q", f.row(f.rows-1))
	}
}

// A framebuffer larger than the shadow shows fbMaxCols x fbMaxRows cells
// in its top-left corner; the pixels beyond are never written.
func TestFramebufferLarge(t *testing.T) {
	// The serial port stays off on the host: uart.Init never ran.
	savedFB, savedActive := fbs, active
	t.Cleanup(func() { fbs, active = savedFB, savedActive })

	l := fbLayouts[4] // 16 bpp: a smaller buffer
	m := l.framebuffer(fbMaxCols+10, fbMaxRows+3, nil)
	buf := make([]byte, m.Pitch*m.Height)
	m.Addr = uintptr(unsafe.Pointer(&buf[0]))
	t.Cleanup(func() { runtime.KeepAlive(buf) })
	if err := UseFramebuffer(m); err != nil {
		t.Fatal(err)
	}
	if c, r := TextSize(); c != fbMaxCols || r != fbMaxRows {
		t.Fatalf("TextSize() = %d, %d; want %d, %d", c, r, fbMaxCols, fbMaxRows)
	}
	f := &testFB{fbScreen: &fbs, buf: buf, m: m, bypp: 2, layer: l}
	mark := func(x, y int) bool { return x >= fbMaxCols*fontWidth || y >= fbMaxRows*fontHeight }
	for y := 0; y < int(m.Height); y++ {
		for x := 0; x < int(m.Width); x++ {
			if mark(x, y) {
				buf[y*int(m.Pitch)+x*2] = 0x11
			}
		}
	}
	WriteString(strings.Repeat("x", fbMaxCols+5) + "\x1b[999;999H" + strings.Repeat("y", fbMaxCols+5) + "\x1b[K\n\x1b[2J\x1b[Hend")
	for y := 0; y < int(m.Height); y++ {
		for x := 0; x < int(m.Width); x++ {
			if mark(x, y) && buf[y*int(m.Pitch)+x*2] != 0x11 {
				t.Fatalf("pixel %d,%d outside the text was written", x, y)
			}
		}
	}
	if f.row(0) != "end" || f.grid.row != 0 || f.col != 3 {
		t.Errorf("row 0 = %q, cursor %d,%d", f.row(0), f.grid.row, f.col)
	}
}

// BenchmarkScroll measures what scrolling costs the framebuffer on a
// typical screen: 1024x768x32 (128x48 cells) full of lines of about 40
// characters, each new line scrolling the screen. It reports the bytes
// written to the framebuffer per line (B/line: its text, the scroll and
// the cursor) and per scroll alone (B/scroll), against a redraw of the
// whole screen (redraw-B, which a memmove scroll writes too, having read
// as much), and the ratio redraw-B / B/line. The time is the host's, over
// RAM: on a PC's uncached or write-combining framebuffer the bytes are
// what counts.
func BenchmarkScroll(b *testing.B) {
	l := fbLayouts[0]
	f := newTestFBMode(b, l, Framebuffer{Pitch: 4096, Width: 1024, Height: 768, BPP: 32, Type: FramebufferRGB,
		RedPos: l.rPos, RedSize: l.rSize, GreenPos: l.gPos, GreenSize: l.gSize, BluePos: l.bPos, BlueSize: l.bSize})
	if f.cols != 128 || f.rows != 48 {
		b.Fatalf("%dx%d cells", f.cols, f.rows)
	}
	words := strings.Fields("mem: free pages in regions the kernel task timer tick irq " +
		"console framebuffer 1024x768x32 ok at 0x00fd000000 sys: read write mmap futex " +
		"pid 42 exited with status 0 [ 12.345678] ps2: keyboard ready shell $ ls -l")
	rng := uint32(1)
	next := func() string { // about 40 characters of words
		var sb strings.Builder
		for sb.Len() < 38 {
			rng = rng*1664525 + 1013904223
			sb.WriteString(words[rng>>16%uint32(len(words))])
			sb.WriteByte(' ')
		}
		return strings.TrimSpace(sb.String())
	}
	for r := 0; r < f.rows; r++ {
		f.write(next() + "\n")
	}
	const sample = 48
	var line, scroll, chars int
	for i := 0; i < sample; i++ {
		s := next()
		chars += len(s)
		line += f.writeOnly(b, s)
		n := f.writeOnly(b, "\n")
		line += n
		scroll += n
	}
	lines := make([]string, 64)
	for i := range lines {
		lines[i] = next() + "\n"
	}
	i := 0
	for b.Loop() {
		f.write(lines[i%len(lines)])
		i++
	}
	// After the loop: b.Loop's start deletes reported metrics.
	redraw := f.rows * f.cols * fontWidth * fontHeight * f.bypp
	b.ReportMetric(float64(chars)/sample, "chars/line")
	b.ReportMetric(float64(line)/sample, "B/line")
	b.ReportMetric(float64(scroll)/sample, "B/scroll")
	b.ReportMetric(float64(redraw), "redraw-B")
	b.ReportMetric(float64(redraw)/(float64(line)/sample), "redraw/line")
}
