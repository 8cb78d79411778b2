package usb

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func rep(mods byte, keys ...byte) []byte {
	r := make([]byte, 8)
	r[0] = mods
	copy(r[2:], keys)
	return r
}

func TestBootKeyboard(t *testing.T) {
	var k BootKeyboard
	type ev = KeyEvent
	for _, c := range []struct {
		name   string
		report []byte
		want   []KeyEvent
		err    bool
	}{
		{"a down", rep(0, 0x04), []ev{{0x04, true}}, false},
		{"same report again", rep(0, 0x04), nil, false},
		{"shift and b with a", rep(0x02, 0x04, 0x05), []ev{{0xE1, true}, {0x05, true}}, false},
		{"a up, order moved", rep(0x02, 0, 0, 0x05), []ev{{0x04, false}}, false},
		{"phantom", rep(0x02, 1, 1, 1, 1, 1, 1), nil, true},
		{"phantom in one place", rep(0x02, 0x05, 1), nil, true},
		{"POSTFail", rep(0, 2), nil, true},
		{"short", []byte{0, 0, 4}, nil, true},
		{"shift up and c down", rep(0, 0x06), []ev{{0xE1, false}, {0x05, false}, {0x06, true}}, false},
		{"duplicate usage", rep(0x11, 0x06, 0x06, 0x07), []ev{{0xE0, true}, {0xE4, true}, {0x07, true}}, false},
		{"longer report", append(rep(0x11, 0x06, 0x07), 9, 9), nil, false},
		{"modifier in the array", rep(0x11, 0x06, 0xE2, 0x07), nil, false},
		{"all up", rep(0), []ev{{0xE0, false}, {0xE4, false}, {0x06, false}, {0x07, false}}, false},
		{"six keys", rep(0xFF, 4, 5, 6, 7, 8, 9), []ev{
			{0xE0, true}, {0xE1, true}, {0xE2, true}, {0xE3, true}, {0xE4, true}, {0xE5, true}, {0xE6, true}, {0xE7, true},
			{4, true}, {5, true}, {6, true}, {7, true}, {8, true}, {9, true}}, false},
	} {
		ev, err := k.Feed(c.report)
		var re *ReportError
		if c.err != errors.As(err, &re) {
			t.Errorf("%s: err %v", c.name, err)
		}
		if got := ev.Slice(); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	if !k.Held(0xE7) || !k.Held(9) || k.Held(10) || k.Held(0xF0) {
		t.Error("Held")
	}
	all := k.ReleaseAll()
	if all.N != 14 || all.E[0] != (KeyEvent{0xE0, false}) || all.E[13] != (KeyEvent{9, false}) {
		t.Errorf("ReleaseAll: %v", all.Slice())
	}
	_, err := k.Feed([]byte{1, 2, 3})
	if err == nil || err.Error() != "usb: keyboard report 01 02 03 ignored: 3 bytes, want 8" {
		t.Errorf("error text: %v", err)
	}
}

func TestRepeat(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	r := Repeat{}
	if _, ok := r.Next(); ok {
		t.Error("zero Repeat has a deadline")
	}
	r.Press(0xE1, 0) // modifiers do not repeat
	r.Press(0x48, 0) // nor Pause
	if _, ok := r.Next(); ok {
		t.Error("modifier or Pause repeats")
	}
	r.Press(0x04, ms(100))
	if next, ok := r.Next(); !ok || next != ms(600) {
		t.Errorf("next %v", next)
	}
	if _, ok := r.Due(ms(599)); ok {
		t.Error("due early")
	}
	var got []time.Duration
	for now := ms(600); now <= ms(700); now += ms(1) {
		if u, ok := r.Due(now); ok && u == 0x04 {
			got = append(got, now)
		}
	}
	// 600, then every 33.33 ms: 634 (633.3 rounded up to the next ms), 667, 700.
	if want := []time.Duration{ms(600), ms(634), ms(667), ms(700)}; !slices.Equal(got, want) {
		t.Errorf("repeats at %v, want %v", got, want)
	}
	// A late caller gets one repeat, not a burst.
	if _, ok := r.Due(ms(5000)); !ok {
		t.Error("no repeat after a gap")
	}
	if _, ok := r.Due(ms(5001)); ok {
		t.Error("burst after a gap")
	}
	r.Press(0x05, ms(6000)) // a new key takes over
	r.Release(0x04)         // releasing the old one changes nothing
	if u, ok := r.Due(ms(6500)); !ok || u != 0x05 {
		t.Errorf("new key: %#x %v", u, ok)
	}
	r.Release(0x05)
	if _, ok := r.Next(); ok {
		t.Error("still repeating after release")
	}
	custom := Repeat{Delay: 250 * time.Millisecond, Interval: 100 * time.Millisecond}
	custom.Press(0x04, 0)
	if _, ok := custom.Due(ms(250)); !ok {
		t.Error("custom delay")
	}
	if n, _ := custom.Next(); n != ms(350) {
		t.Errorf("custom interval: %v", n)
	}
}

func TestLEDReport(t *testing.T) {
	for ps2, want := range map[uint8]uint8{0: 0, 1: LEDScroll, 2: LEDNum, 4: LEDCaps, 7: 7, 6: LEDNum | LEDCaps} {
		if got := LEDReport(ps2); got != want {
			t.Errorf("LEDReport(%#x) = %#x, want %#x", ps2, got, want)
		}
	}
}
