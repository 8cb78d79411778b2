package usb

import (
	"slices"
	"testing"

	"gokernel/keyboard"
)

// usageKeys is what package keyboard must decode each usage's set 1 make
// code as: the HID Usage Tables' name for the usage, in the keyboard
// package's spelling.
var usageKeys = map[uint8]keyboard.Key{
	0x04: keyboard.KeyA, 0x05: keyboard.KeyB, 0x06: keyboard.KeyC, 0x07: keyboard.KeyD,
	0x08: keyboard.KeyE, 0x09: keyboard.KeyF, 0x0A: keyboard.KeyG, 0x0B: keyboard.KeyH,
	0x0C: keyboard.KeyI, 0x0D: keyboard.KeyJ, 0x0E: keyboard.KeyK, 0x0F: keyboard.KeyL,
	0x10: keyboard.KeyM, 0x11: keyboard.KeyN, 0x12: keyboard.KeyO, 0x13: keyboard.KeyP,
	0x14: keyboard.KeyQ, 0x15: keyboard.KeyR, 0x16: keyboard.KeyS, 0x17: keyboard.KeyT,
	0x18: keyboard.KeyU, 0x19: keyboard.KeyV, 0x1A: keyboard.KeyW, 0x1B: keyboard.KeyX,
	0x1C: keyboard.KeyY, 0x1D: keyboard.KeyZ,
	0x1E: keyboard.Digit1, 0x1F: keyboard.Digit2, 0x20: keyboard.Digit3, 0x21: keyboard.Digit4,
	0x22: keyboard.Digit5, 0x23: keyboard.Digit6, 0x24: keyboard.Digit7, 0x25: keyboard.Digit8,
	0x26: keyboard.Digit9, 0x27: keyboard.Digit0,
	0x28: keyboard.Enter, 0x29: keyboard.Escape, 0x2A: keyboard.Backspace, 0x2B: keyboard.Tab,
	0x2C: keyboard.Space, 0x2D: keyboard.Minus, 0x2E: keyboard.Equal, 0x2F: keyboard.BracketLeft,
	0x30: keyboard.BracketRight, 0x31: keyboard.Backslash, 0x32: keyboard.Backslash,
	0x33: keyboard.Semicolon, 0x34: keyboard.Quote, 0x35: keyboard.Backquote, 0x36: keyboard.Comma,
	0x37: keyboard.Period, 0x38: keyboard.Slash, 0x39: keyboard.CapsLock,
	0x3A: keyboard.F1, 0x3B: keyboard.F2, 0x3C: keyboard.F3, 0x3D: keyboard.F4, 0x3E: keyboard.F5,
	0x3F: keyboard.F6, 0x40: keyboard.F7, 0x41: keyboard.F8, 0x42: keyboard.F9, 0x43: keyboard.F10,
	0x44: keyboard.F11, 0x45: keyboard.F12, 0x46: keyboard.PrintScreen, 0x47: keyboard.ScrollLock,
	0x49: keyboard.Insert, 0x4A: keyboard.Home, 0x4B: keyboard.PageUp, 0x4C: keyboard.Delete,
	0x4D: keyboard.End, 0x4E: keyboard.PageDown, 0x4F: keyboard.ArrowRight, 0x50: keyboard.ArrowLeft,
	0x51: keyboard.ArrowDown, 0x52: keyboard.ArrowUp, 0x53: keyboard.NumLock,
	0x54: keyboard.NumpadDivide, 0x55: keyboard.NumpadMultiply, 0x56: keyboard.NumpadSubtract,
	0x57: keyboard.NumpadAdd, 0x58: keyboard.NumpadEnter, 0x59: keyboard.Numpad1, 0x5A: keyboard.Numpad2,
	0x5B: keyboard.Numpad3, 0x5C: keyboard.Numpad4, 0x5D: keyboard.Numpad5, 0x5E: keyboard.Numpad6,
	0x5F: keyboard.Numpad7, 0x60: keyboard.Numpad8, 0x61: keyboard.Numpad9, 0x62: keyboard.Numpad0,
	0x63: keyboard.NumpadDecimal, 0x64: keyboard.IntlBackslash, 0x65: keyboard.Menu, 0x66: keyboard.Power,
	0x7F: keyboard.AudioMute, 0x80: keyboard.AudioVolumeUp, 0x81: keyboard.AudioVolumeDown,
	0xE0: keyboard.LCtrl, 0xE1: keyboard.LShift, 0xE2: keyboard.LAlt, 0xE3: keyboard.LWin,
	0xE4: keyboard.RCtrl, 0xE5: keyboard.RShift, 0xE6: keyboard.RAlt, 0xE7: keyboard.RWin,
}

// notDecoded are usages with a set 1 code that package keyboard does not
// name (F13-F24, the international and keypad extras): their bytes reach
// the decoder, which counts them as unknown keys.
var notDecoded = []uint8{0x67, 0x68, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x70, 0x71, 0x72, 0x73,
	0x85, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8C}

// TestSet1Decodes feeds each usage's make and break bytes to a keyboard
// decoder and checks that the key it holds in between is the usage's.
func TestSet1Decodes(t *testing.T) {
	for u := 0; u < 256; u++ {
		make_, ok := Set1(KeyEvent{uint8(u), true}, 0, nil)
		brk, ok2 := Set1(KeyEvent{uint8(u), false}, 0, nil)
		want, named := usageKeys[uint8(u)]
		switch {
		case u == usagePause:
			if !slices.Equal(make_, []byte{0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5}) || len(brk) != 0 || !ok || !ok2 {
				t.Errorf("Pause: % x / % x", make_, brk)
			}
			continue
		case !named && !slices.Contains(notDecoded, uint8(u)):
			if ok || ok2 || len(make_)+len(brk) != 0 {
				t.Errorf("usage %#x: unexpected bytes % x / % x", u, make_, brk)
			}
			continue
		}
		d := keyboard.NewDecoder(keyboard.US, keyboard.CtrlRaw)
		for _, b := range make_ {
			d.Feed(b)
		}
		if named && !d.Held(want) {
			t.Errorf("usage %#x: make % x does not hold %v", u, make_, want)
		}
		if !named && d.Stats().UnknownKeys != 1 {
			t.Errorf("usage %#x: make % x: %+v", u, make_, d.Stats())
		}
		for _, b := range brk {
			d.Feed(b)
		}
		if named && d.Held(want) {
			t.Errorf("usage %#x: break % x leaves %v held", u, brk, want)
		}
		if s := d.Stats(); named && (s.UnknownKeys != 0 || s.StrayReleases != 0 || s.BrokenSequences != 0) {
			t.Errorf("usage %#x: % x / % x: %+v", u, make_, brk, s)
		}
	}
}

func TestSet1Specials(t *testing.T) {
	for _, c := range []struct {
		e    KeyEvent
		mods uint8
		want []byte
	}{
		{KeyEvent{usagePrintScreen, true}, 0, []byte{0xE0, 0x2A, 0xE0, 0x37}},
		{KeyEvent{usagePrintScreen, false}, 0, []byte{0xE0, 0xB7, 0xE0, 0xAA}},
		{KeyEvent{usagePrintScreen, true}, 0x04, []byte{0x54}}, // Alt: SysRq
		{KeyEvent{usagePrintScreen, false}, 0x40, []byte{0xD4}},
		{KeyEvent{usagePause, true}, 0x10, []byte{0xE0, 0x46, 0xE0, 0xC6}}, // Ctrl: Break
		{KeyEvent{0x4F, false}, 0, []byte{0xE0, 0xCD}},
	} {
		got, ok := Set1(c.e, c.mods, []byte{0x99})
		if !ok || !slices.Equal(got, append([]byte{0x99}, c.want...)) {
			t.Errorf("%v mods %#x: % x, want 99 % x", c.e, c.mods, got, c.want)
		}
	}
	d := keyboard.NewDecoder(keyboard.US, keyboard.CtrlRaw)
	var evs []keyboard.Event
	for _, b := range []byte{0x38, 0x54, 0xD4, 0xB8, 0x1D, 0xE0, 0x46, 0xE0, 0xC6, 0x9D} {
		if e, ok := d.Feed(b); ok {
			evs = append(evs, e)
		}
	}
	if len(evs) != 4 || evs[1].Key != keyboard.SysRq || evs[3].Key != keyboard.Break {
		t.Errorf("SysRq and Break: %v", evs)
	}
}

// TestSet1Aliases: only the ANSI and ISO backslash usages share a set 1
// code (Scancodes counts them as one key).
func TestSet1Aliases(t *testing.T) {
	seen := map[uint16]int{}
	for u, c := range usageSet1 {
		if c == 0 {
			continue
		}
		if o, dup := seen[c]; dup && !(o == usageBackslash && u == usageNonUSHash) {
			t.Errorf("usages %#x and %#x both make %#x", o, u, c)
		}
		seen[c] = u
	}
	sc := NewScancodes(0, 0)
	var b []byte
	for _, r := range [][]byte{rep(0, 0x31), rep(0, 0x31, 0x32), rep(0, 0x32), rep(0)} {
		b, _ = sc.Report(r, 0, b)
	}
	if !slices.Equal(b, []byte{0x2B, 0xAB}) {
		t.Errorf("both backslashes: % x", b)
	}
}
