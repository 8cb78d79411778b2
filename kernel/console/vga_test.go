package console

import (
	"runtime"
	"strings"
	"testing"
	"unsafe"
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
			if v>>8 != vgaAttr {
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
	write(ts, "abc\b\bX")
	if row(0) != "aX" {
		t.Errorf("row 0 = %q, want %q", row(0), "aX")
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
	saved := vga
	vga = *ts
	defer func() { vga = saved }()
	serialOK = false
	Hex(0)
	WriteString(" ")
	Hex(0xdeadbeef)
	WriteString(" ")
	Dec(-1234567890123)
	WriteString(" ")
	Dec(0)
	*ts = vga
	if got, want := row(0), "0x0 0xdeadbeef -1234567890123 0"; got != want {
		t.Errorf("formatted %q, want %q", got, want)
	}
}
