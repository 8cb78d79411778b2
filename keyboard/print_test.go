package keyboard

import (
	"bytes"
	"testing"

	"gokernel/task"
)

// TestPrintRules: what the printer echoes for each kind of key.
func TestPrintRules(t *testing.T) {
	for _, c := range []struct {
		name   string
		layout *Layout
		codes  []byte
		want   string
	}{
		{"letters", US, []byte{0x23, 0xA3, 0x17, 0x97}, "hi"},
		{"shift is silent", US, []byte{0x2A, 0x23, 0xA3, 0xAA, 0x36, 0x17, 0x97, 0xB6}, "HI"},
		{"ctrl alt win locks are silent", US, []byte{0x1D, 0x9D, 0x38, 0xB8, 0xE0, 0x5B, 0xE0, 0xDB, 0x3A, 0xBA, 0x45, 0xC5, 0x46, 0xC6}, ""},
		{"named keys", US, []byte{0xE0, 0x48, 0xE0, 0xC8, 0x3B, 0xBB, 0xE0, 0x53, 0xE0, 0xD3}, "<ArrowUp><F1><Delete>"},
		{"backspace", US, []byte{0x23, 0xA3, 0x17, 0x97, 0x0E, 0x8E}, "hi\b \b"},
		{"backspace at line start", US, []byte{0x0E, 0x8E, 0x23, 0xA3, 0x1C, 0x9C, 0x0E, 0x8E}, "h\n"},
		{"backspace after a name", US, []byte{0x3B, 0xBB, 0x0E, 0x8E}, "<F1>\b \b"},
		{"enter", US, []byte{0x1E, 0x9E, 0x1C, 0x9C, 0x1E, 0x9E}, "a\na"},
		{"tab", US, []byte{0x1E, 0x9E, 0x30, 0xB0, 0x0F, 0x8F, 0x2E, 0xAE}, "ab      c"},
		{"control characters", US, []byte{0x1D, 0x2E, 0xAE, 0x9D, 0x01, 0x81}, "^C^["},
		{"caret then backspace", US, []byte{0x1D, 0x2E, 0xAE, 0x9D, 0x0E, 0x8E, 0x0E, 0x8E, 0x0E, 0x8E}, "^C\b \b\b \b"},
		{"layout", German, []byte{0x15, 0x95, 0x27, 0xA7}, "zö"},
		{"nil layout is US", nil, []byte{0x15, 0x95}, "y"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := openStream(t)
			for _, b := range c.codes {
				AddScancode(b)
			}
			s.Close()
			var out bytes.Buffer
			p := PrintKeypresses(s, c.layout, &out)
			if _, done := p.Poll(task.NewContext(task.Waker{})); !done {
				t.Fatal("printer not done after the stream ended")
			}
			if got := out.String(); got != c.want {
				t.Errorf("printed %q, want %q", got, c.want)
			}
		})
	}
}

// TestPrintDropLineBreak: a drop report that comes in the middle of a line
// goes on a line of its own, and the echo goes on after it on a new line.
func TestPrintDropLineBreak(t *testing.T) {
	s := openStream(t)
	for range ScancodeQueueSize + 1 {
		AddScancode(0x1E)
	}
	var out bytes.Buffer
	p := PrintKeypresses(s, US, &out)
	cx := task.NewContext(task.Waker{})
	for range ScancodeQueueSize / task.ForEachBudget {
		p.Poll(cx)
	}
	AddScancode(0x0E)
	p.Poll(cx)
	want := ""
	for range task.ForEachBudget {
		want += "a"
	}
	want += "\nkeyboard: scancode queue full; dropped 1\n" + want + "\b \b"
	if got := out.String(); got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
}

func TestPrinterLEDs(t *testing.T) {
	s := openStream(t)
	var buf bytes.Buffer
	p := PrintKeypresses(s, US, &buf)
	var got []uint8
	p.OnLEDs = func(l uint8) { got = append(got, l) }
	// Caps Lock press+release, twice; Scroll Lock once; a letter.
	for _, b := range []byte{0x3A, 0xBA, 0x3A, 0xBA, 0x46, 0xC6, 0x1E, 0x9E} {
		p.key(b)
	}
	// Num Lock starts on (bit 1): Caps on, Caps off, Scroll on.
	if want := []uint8{0x06, 0x02, 0x03}; !bytes.Equal(got, want) {
		t.Errorf("LED updates % x, want % x", got, want)
	}
}
