package console

import (
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"gokernel/kernel/dev/vga"
)

// screen returns a text screen over a Go array, and a function reading
// row r back as a string with trailing blanks trimmed.
func screen(t *testing.T) (*textScreen, func(r int) string) {
	var g cells
	ts := &textScreen{cells: uintptr(unsafe.Pointer(&g))}
	t.Cleanup(func() { runtime.KeepAlive(&g) })
	ts.clear()
	return ts, func(r int) string {
		var b strings.Builder
		for c := 0; c < vgaCols; c++ {
			v := g[r*vgaCols+c]
			if v>>8 != vga.Attr {
				t.Fatalf("cell %d,%d has attribute %#x", r, c, v>>8)
			}
			b.WriteByte(byte(v))
		}
		return strings.TrimRight(b.String(), " ")
	}
}

func write(ts *textScreen, s string) {
	for i := 0; i < len(s); i++ {
		ts.put(s[i])
	}
}

func TestTextScreenLines(t *testing.T) {
	ts, row := screen(t)
	write(ts, "boot: multiboot1\ngo: runtime up\r\n")
	if row(0) != "boot: multiboot1" || row(1) != "go: runtime up" || ts.row != 2 || ts.col != 0 {
		t.Fatalf("rows %q %q, cursor %d,%d", row(0), row(1), ts.row, ts.col)
	}
}

func TestTextScreenBackspace(t *testing.T) {
	ts, row := screen(t)
	// Backspace moves left without erasing; the line editor's "\b \b"
	// erases.
	write(ts, "abc\b\bX")
	if row(0) != "aXc" || ts.col != 2 {
		t.Errorf("row 0 = %q, cursor column %d; want %q, 2", row(0), ts.col, "aXc")
	}
	write(ts, "\b \b")
	if row(0) != "a c" || ts.col != 1 {
		t.Errorf("after \\b \\b: row 0 = %q, cursor column %d", row(0), ts.col)
	}
	// Backspace at column 0 goes to the end of the previous line.
	write(ts, "\n\b")
	if ts.row != 0 || ts.col != vgaCols-1 {
		t.Errorf("cursor %d,%d after backspace at line start", ts.row, ts.col)
	}
	// And at the top-left corner it stays put.
	ts.row, ts.col = 0, 0
	write(ts, "\b")
	if ts.row != 0 || ts.col != 0 {
		t.Errorf("cursor moved to %d,%d", ts.row, ts.col)
	}
}

// The line editor erases across a wrapped line: "\b \b" at the start of
// the second line erases the last cell of the first.
func TestTextScreenEraseAcrossWrap(t *testing.T) {
	ts, row := screen(t)
	write(ts, strings.Repeat("y", vgaCols+1))
	write(ts, "\b \b\b \b")
	if row(1) != "" || row(0) != strings.Repeat("y", vgaCols-1) || ts.row != 0 || ts.col != vgaCols-1 {
		t.Errorf("rows %q / %q, cursor %d,%d", row(0), row(1), ts.row, ts.col)
	}
}

func TestTextScreenCSI(t *testing.T) {
	ts, row := screen(t)
	write(ts, "hello world\x1b[5D\x1b[K!")
	if row(0) != "hello !" {
		t.Errorf("ESC[5D ESC[K: %q", row(0))
	}
	write(ts, "\r\x1b[C\x1b[3CX")
	if row(0) != "hellX !" {
		t.Errorf("ESC[C ESC[3C: %q", row(0))
	}
	write(ts, "\x1b[999C")
	if ts.col != vgaCols-1 {
		t.Errorf("ESC[999C: column %d", ts.col)
	}
	write(ts, "\x1b[999D")
	if ts.col != 0 {
		t.Errorf("ESC[999D: column %d", ts.col)
	}
	write(ts, "\n\nline 2\x1b[H")
	if ts.row != 0 || ts.col != 0 || row(2) != "line 2" {
		t.Errorf("ESC[H: cursor %d,%d, row 2 %q", ts.row, ts.col, row(2))
	}
	write(ts, "\x1b[3;5H*")
	if row(2) != "line*2" {
		t.Errorf("ESC[3;5H: %q", row(2))
	}
	write(ts, "\x1b[2J")
	for r := 0; r < vgaRows; r++ {
		if row(r) != "" {
			t.Fatalf("ESC[2J left row %d = %q", r, row(r))
		}
	}
	if ts.row != 2 || ts.col != 5 {
		t.Errorf("ESC[2J moved the cursor to %d,%d", ts.row, ts.col)
	}
	// Sequences it does not know are dropped whole; the bell is ignored.
	write(ts, "\x1b[H\x1b[1;31mred\x1b[0m \x1b[?25l\x1b(B\x1b7\aok")
	if row(0) != "red ok" {
		t.Errorf("unknown sequences: %q", row(0))
	}
}

func TestTextScreenUTF8(t *testing.T) {
	ts, row := screen(t)
	// "ü" as two bytes in two calls, like two Write calls would send it.
	ts.put(0xC3)
	ts.put(0xBC)
	write(ts, "ber Straße, 3€ £5 é è à ç ä ö Ä Ö Ü ┌─┐ ☺ 中")
	want := "\x81ber Stra\xe1e, 3? \x9c5 \x82 \x8a \x85 \x87 \x84 \x94 \x8e \x99 \x9a \xda\xc4\xbf \x01 ?"
	if row(0) != want {
		t.Errorf("CP437 row = %q\nwant        %q", row(0), want)
	}
}

func TestTextScreenBadUTF8(t *testing.T) {
	ts, row := screen(t)
	// A lead byte without its continuation, a stray continuation, an
	// overlong '/', a surrogate: each shows '?' (U+FFFD is not in CP437).
	write(ts, "a\xc3b\x80c\xc0\xafd\xed\xa0\x80e\xe2\x82")
	write(ts, "\n")
	if got := row(0); got != "a?b?c??d?e?" {
		t.Errorf("bad UTF-8: %q", got)
	}
}

func TestCP437(t *testing.T) {
	for i := 1; i < 256; i++ {
		if i == 0x20 {
			continue
		}
		r := rune(cp437[i])
		if got := toCP437(r); got != byte(i) {
			t.Errorf("toCP437(%U) = %#x, want %#x", r, got, i)
		}
	}
	for _, r := range []rune{0, -1, '\uFFFD', '€', 0x10FFFF, 0x110000} {
		if got := toCP437(r); got != '?' {
			t.Errorf("toCP437(%U) = %#x, want '?'", r, got)
		}
	}
}

func TestTextScreenWrapAndScroll(t *testing.T) {
	ts, row := screen(t)
	long := strings.Repeat("x", vgaCols+5)
	write(ts, long)
	if row(0) != strings.Repeat("x", vgaCols) || row(1) != "xxxxx" {
		t.Fatalf("wrap: %q / %q", row(0), row(1))
	}
	ts.clear()
	for i := 0; i < vgaRows+3; i++ {
		write(ts, "line "+string(rune('A'+i))+"\n")
	}
	// 28 lines written: the first four scrolled away (the last newline
	// scrolled once more), the bottom row is blank.
	if got := row(0); got != "line E" {
		t.Errorf("top row after scrolling = %q, want %q", got, "line E")
	}
	if got := row(vgaRows - 2); got != "line "+string(rune('A'+vgaRows+2)) {
		t.Errorf("second-to-last row = %q", got)
	}
	if row(vgaRows-1) != "" || ts.row != vgaRows-1 {
		t.Errorf("bottom row %q, cursor row %d", row(vgaRows-1), ts.row)
	}
}

func TestTextScreenTab(t *testing.T) {
	ts, row := screen(t)
	write(ts, "a\tb")
	if row(0) != "a       b" {
		t.Errorf("tab: %q", row(0))
	}
}

func TestFormat(t *testing.T) {
	// Hex and Dec write through Write; check their digit logic by
	// capturing the VGA text.
	ts, row := screen(t)
	saved, savedActive := text, active
	text, active = *ts, VGAScreen
	defer func() { text, active = saved, savedActive }()
	Hex(0)
	WriteString(" ")
	Hex(0xdeadbeef)
	WriteString(" ")
	Dec(-1234567890123)
	WriteString(" ")
	Dec(0)
	*ts = text
	if got, want := row(0), "0x0 0xdeadbeef -1234567890123 0"; got != want {
		t.Errorf("formatted %q, want %q", got, want)
	}
}
