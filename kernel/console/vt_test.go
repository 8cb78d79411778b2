package console

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// actions feeds s to a new parser one byte at a time and describes what
// it asks for, one word per action: the printed text is gathered into
// quoted strings.
func actions(v *vt, s string) string {
	var out []string
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			out = append(out, fmt.Sprintf("%q", text.String()))
			text.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		op, bad := v.feed(s[i])
		if bad {
			text.WriteRune('\uFFFD')
		}
		if op == opPrint {
			text.WriteRune(v.r)
			continue
		}
		if op == opNone {
			continue
		}
		flush()
		switch op {
		case opNewline:
			out = append(out, "NL")
		case opReturn:
			out = append(out, "CR")
		case opBack:
			out = append(out, "BS")
		case opTab:
			out = append(out, "TAB")
		case opRight:
			out = append(out, fmt.Sprintf("RIGHT%d", v.n))
		case opLeft:
			out = append(out, fmt.Sprintf("LEFT%d", v.n))
		case opEraseEOL:
			out = append(out, "EL")
		case opErase:
			out = append(out, "ED")
		case opMove:
			out = append(out, fmt.Sprintf("MOVE%d,%d", v.n, v.m))
		default:
			out = append(out, fmt.Sprintf("op%d", op))
		}
	}
	flush()
	return strings.Join(out, " ")
}

func TestVT(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"hello", `"hello"`},
		{"a\nb\r\b\tc", `"a" NL "b" CR BS TAB "c"`},
		{"bell\a\x00\x01\x7fend", `"bellend"`},
		{"\x1b[C\x1b[1C\x1b[12C\x1b[0C", "RIGHT1 RIGHT1 RIGHT12 RIGHT1"},
		{"\x1b[D\x1b[7D", "LEFT1 LEFT7"},
		{"\x1b[K\x1b[0K\x1b[1K\x1b[2K", "EL EL"},
		{"\x1b[2J\x1b[J\x1b[0J\x1b[3J", "ED"},
		{"\x1b[H\x1b[;H\x1b[1;1H\x1b[5;10H\x1b[7H\x1b[;3f", "MOVE0,0 MOVE0,0 MOVE0,0 MOVE4,9 MOVE6,0 MOVE0,2"},
		{"\x1b[99999999999C", fmt.Sprintf("RIGHT%d", csiMax)},
		// Unknown sequences vanish whole, private and intermediate ones too.
		{"a\x1b[1;31mb\x1b[0mc\x1b[?25ld\x1b[?1049he\x1b[1 qf\x1b[38:5:1mg", `"abcdefg"`},
		{"\x1b7\x1b8\x1b(B\x1b)0\x1bcx", `"x"`},
		{"\x1b[1;2;3;4Hx", `MOVE0,1 "x"`},
		// Controls inside a sequence are carried out; ESC restarts it;
		// CAN and SUB cancel it.
		{"\x1b[1\n2C", "NL RIGHT12"},
		{"\x1b[5\x1b[3D", "LEFT3"},
		{"\x1b[5\x18C\x1b\x1aD", `"CD"`},
		// A byte of text ends a broken sequence and is shown.
		{"\x1b[3é", `"é"`},
		{"\x1bä", `"ä"`},
		// UTF-8.
		{"grüße €5 中文 😀", `"grüße €5 中文 😀"`},
		{"\xc3", ``},
		{"\xc3\n", "\"\uFFFD\" NL"},
		{"\xc3\x1b[C", "\"\uFFFD\" RIGHT1"},
		{"\xe2\x82x", "\"\uFFFDx\""},
		{"\x80\xbf\xc0\xaf\xc1\xbf\xf5\xff", `"` + strings.Repeat("\uFFFD", 8) + `"`},
		{"\xe0\x80\xaf\xed\xa0\x80\xf4\x90\x80\x80", `"` + strings.Repeat("\uFFFD", 3) + `"`}, // overlong, surrogate, too large
		{"\xc2\x85\xc2\x9b\xc2\xa0", `"\u00a0"`},                                              // C1 controls ignored
	} {
		var v vt
		if got := actions(&v, tc.in); got != tc.want {
			t.Errorf("%q: got %s, want %s", tc.in, got, tc.want)
		}
	}
}

// checkOp fails if what feed returned is out of its range.
func checkOp(t *testing.T, v *vt, op uint8) {
	t.Helper()
	switch op {
	case opPrint:
		if !utf8.ValidRune(v.r) || v.r < 0x20 || (v.r >= 0x7F && v.r < 0xA0) {
			t.Fatalf("printed %U", v.r)
		}
	case opRight, opLeft:
		if v.n < 1 || v.n > csiMax {
			t.Fatalf("move by %d", v.n)
		}
	case opMove:
		if v.n >= csiMax || v.m >= csiMax {
			t.Fatalf("move to %d,%d", v.n, v.m)
		}
	case opNone, opNewline, opReturn, opBack, opTab, opEraseEOL, opErase:
	default:
		t.Fatalf("op %d", op)
	}
	if v.state > vtCSI || v.need > 3 {
		t.Fatalf("state %d, need %d", v.state, v.need)
	}
}

func FuzzVT(f *testing.F) {
	for _, s := range []string{"hello\n", "\x1b[12;40H\x1b[2J", "ü€😀", "\xc3\x1b[", "\x1b[?25h\x1b[1;31m", "\b \b\t\a"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var v vt
		var runes []rune
		for _, c := range in {
			op, bad := v.feed(c)
			checkOp(t, &v, op)
			if bad {
				runes = append(runes, runeError)
			}
			if op == opPrint {
				runes = append(runes, v.r)
			}
		}
		// Text without controls decodes as Go decodes it.
		if utf8.Valid(in) {
			var want []rune
			for _, r := range string(in) {
				if r >= 0x20 && (r < 0x7F || r >= 0xA0) {
					want = append(want, r)
				}
			}
			if !strings.ContainsAny(string(in), "\x1b") && string(runes) != string(want) {
				t.Fatalf("decoded %q, want %q", string(runes), string(want))
			}
		}
		// Screens fed the same bytes keep their cursor on the screen and
		// write only inside their memory.
		ts, _ := screen(t)
		fbs := newTestFB(t, fbLayouts[len(in)%len(fbLayouts)], 7, 3)
		for _, c := range in {
			ts.put(c)
			fbs.put(c)
			if _, ok := ts.at(); !ok {
				t.Fatalf("VGA cursor %d,%d", ts.row, ts.col)
			}
			if _, ok := fbs.at(); !ok {
				t.Fatalf("framebuffer cursor %d,%d", fbs.grid.row, fbs.col)
			}
		}
		fbs.showCursor()
		fbs.checkGuard(t)
	})
}
