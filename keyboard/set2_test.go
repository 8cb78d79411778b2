package keyboard

import (
	"strings"
	"testing"
)

func feed2(d *Set2Decoder, bs ...byte) string {
	var out []string
	for _, b := range bs {
		if e, ok := d.Feed(b); ok {
			out = append(out, e.String())
		}
	}
	return strings.Join(out, " ")
}

// Set 2 make codes of well-known keys (IBM PS/2 technical reference; the
// OSDev wiki's "Scan Code Set 2" table), written independently of the
// 8042 table: each is pressed and released (F0 xx, or E0 F0 xx).
func TestSet2Keys(t *testing.T) {
	for _, c := range []struct {
		code []byte
		want string
	}{
		{[]byte{0x76}, `\x1b`}, {[]byte{0x05}, "<F1>"}, {[]byte{0x83}, "<F7>"},
		{[]byte{0x78}, "<F11>"}, {[]byte{0x07}, "<F12>"},
		{[]byte{0x0E}, "`"}, {[]byte{0x16}, "1"}, {[]byte{0x45}, "0"}, {[]byte{0x55}, "="},
		{[]byte{0x66}, `\b`}, {[]byte{0x0D}, `\t`}, {[]byte{0x15}, "q"}, {[]byte{0x5D}, `\`},
		{[]byte{0x1C}, "a"}, {[]byte{0x52}, "'"}, {[]byte{0x5A}, `\n`},
		{[]byte{0x61}, "<"}, {[]byte{0x1A}, "z"}, {[]byte{0x4A}, "/"}, {[]byte{0x29}, " "},
		{[]byte{0x12}, "<LShift>"}, {[]byte{0x59}, "<RShift>"}, {[]byte{0x14}, "<LCtrl>"},
		{[]byte{0x11}, "<LAlt>"}, {[]byte{0x58}, "<CapsLock>"}, {[]byte{0x58}, "<CapsLock>"},
		{[]byte{0x77}, "<NumLock>"}, {[]byte{0x77}, "<NumLock>"}, {[]byte{0x7E}, "<ScrollLock>"},
		{[]byte{0x7E}, "<ScrollLock>"},
		{[]byte{0x6C}, "7"}, {[]byte{0x75}, "8"}, {[]byte{0x7D}, "9"}, {[]byte{0x6B}, "4"},
		{[]byte{0x73}, "5"}, {[]byte{0x74}, "6"}, {[]byte{0x69}, "1"}, {[]byte{0x72}, "2"},
		{[]byte{0x7A}, "3"}, {[]byte{0x70}, "0"}, {[]byte{0x71}, "."},
		{[]byte{0x7C}, "*"}, {[]byte{0x7B}, "-"}, {[]byte{0x79}, "+"},
		{[]byte{0xE0, 0x4A}, "/"}, {[]byte{0xE0, 0x5A}, `\n`},
		{[]byte{0xE0, 0x14}, "<RCtrl>"}, {[]byte{0xE0, 0x11}, "<RAlt>"},
		{[]byte{0xE0, 0x1F}, "<LWin>"}, {[]byte{0xE0, 0x27}, "<RWin>"}, {[]byte{0xE0, 0x2F}, "<Menu>"},
		{[]byte{0xE0, 0x70}, "<Insert>"}, {[]byte{0xE0, 0x71}, "<Delete>"},
		{[]byte{0xE0, 0x6C}, "<Home>"}, {[]byte{0xE0, 0x69}, "<End>"},
		{[]byte{0xE0, 0x7D}, "<PageUp>"}, {[]byte{0xE0, 0x7A}, "<PageDown>"},
		{[]byte{0xE0, 0x75}, "<ArrowUp>"}, {[]byte{0xE0, 0x72}, "<ArrowDown>"},
		{[]byte{0xE0, 0x6B}, "<ArrowLeft>"}, {[]byte{0xE0, 0x74}, "<ArrowRight>"},
	} {
		d := NewSet2Decoder(US, CtrlMapsToControlChars)
		rel := append(append([]byte{}, c.code[:len(c.code)-1]...), 0xF0, c.code[len(c.code)-1])
		if got := feed2(d, append(append([]byte{}, c.code...), rel...)...); got != c.want {
			t.Errorf("set 2 % X: %q, want %q", c.code, got, c.want)
		}
		if d.Modifiers() != 0 {
			t.Errorf("set 2 % X left %v held", c.code, d.Modifiers())
		}
		if s := d.Stats(); s != (Stats{Bytes: s.Bytes, Events: 1}) {
			t.Errorf("set 2 % X: stats %+v", c.code, s)
		}
	}
}

func TestSet2Sequences(t *testing.T) {
	d := NewSet2Decoder(German, CtrlMapsToControlChars)
	for _, c := range []struct {
		codes []byte
		want  string
	}{
		{[]byte{0x12, 0x1A, 0xF0, 0x1A, 0xF0, 0x12}, "<LShift> Y"},
		{[]byte{0xE0, 0x12, 0xE0, 0x7C, 0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12}, "<PrintScreen>"},
		{[]byte{0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77}, "<Pause>"},
		{[]byte{0xE0, 0x11, 0x15, 0xF0, 0x15, 0xE0, 0xF0, 0x11}, "<RAlt> @"},
		{[]byte{0x14, 0x35, 0xF0, 0x35, 0xF0, 0x14}, `<LCtrl> \x1a`},
		// The self-test code is never left Shift's release in set 2.
		{[]byte{0x12, 0xAA, 0x1C, 0xF0, 0x1C, 0xF0, 0x12}, "<LShift> A"},
		{[]byte{0xFA, 0xE0, 0xFA, 0x75, 0xE0, 0xF0, 0x75}, "<ArrowUp>"},
		{[]byte{0x00, 0x1C, 0xF0, 0x1C}, "a"},
	} {
		if got := feed2(d, c.codes...); got != c.want {
			t.Errorf("set 2 % X: %q, want %q", c.codes, got, c.want)
		}
	}
	if d.Modifiers() != 0 || d.Held(LCtrl) || d.Held(Pause) {
		t.Errorf("keys left held: %v", d.Modifiers())
	}
	s := d.Stats()
	if s.Ignored != 3 || s.Errors != 1 || s.FakeShifts != 2 || s.StrayReleases+s.UnknownKeys+s.BrokenSequences != 0 {
		t.Errorf("stats %+v", s)
	}
	d.Feed(0xF0)
	d.Reset()
	if got := feed2(d, 0x1C, 0xF0, 0x1C); got != "a" {
		t.Errorf("Reset kept F0: %q", got)
	}
}

// TestXlat8042 checks the table is the bijection the 8042 implements:
// every set 1 code 01-7F comes from exactly one set 2 code 01-7F.
func TestXlat8042(t *testing.T) {
	var from [128]int
	for s2 := 1; s2 < 0x80; s2++ {
		s1 := xlat8042[s2]
		if s1 == 0 || s1 >= 0x80 {
			t.Fatalf("set 2 %02X -> %02X", s2, s1)
		}
		from[s1]++
	}
	for s1 := 1; s1 < 0x80; s1++ {
		if from[s1] != 1 {
			t.Errorf("set 1 %02X has %d set 2 sources", s1, from[s1])
		}
	}
	if set2To1(0x00) != 0xFF || set2To1(0x83) != 0x41 || set2To1(0xFA) != 0xFA || set2To1(0xE0) != 0xE0 {
		t.Error("set2To1 special cases")
	}
}
