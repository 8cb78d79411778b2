// Package keyboard decodes PS/2 keyboard scan codes into key events, in the
// manner of the pc-keyboard crate that "Writing an OS in Rust" uses: bytes
// arrive one at a time from the keyboard interrupt, Decoder.Feed turns
// each into at most one Event, a Unicode rune or a named Key. It is pure
// Go, imports no hardware package and is tested on the host.
//
//	d := keyboard.NewDecoder(keyboard.German, keyboard.CtrlMapsToControlChars)
//	for b := range scancodes {
//		if e, ok := d.Feed(b); !ok {
//			// a release, a prefix, or nothing
//		} else if e.Rune != 0 {
//			fmt.Printf("%c", e.Rune)
//		} else {
//			fmt.Print(e) // "<ArrowUp>"
//		}
//		if leds, changed := d.LEDs(); changed {
//			setLEDs(leds) // the driver sends ED leds
//		}
//	}
//
// # Events
//
// A press of a key that produces a character yields the rune: Enter and
// keypad Enter '\n', Backspace '\b', Tab '\t', Escape U+001B, Space ' '.
// Every other press yields its Key: arrows, F1-F12, Insert, Home, Page Up,
// modifiers, locks, Windows keys, Menu, Print Screen, Pause, multimedia
// keys, and dead keys (DeadCircumflex and so on: dead keys are not
// composed). Delete yields the Key Delete, not U+007F, since consoles use
// DEL for Backspace. Releases yield nothing but update the modifiers. A
// key held down repeats (the keyboard's typematic repeat re-sends the make
// code): every repeated make code yields the event again, except that a
// lock key toggles only on its first make code.
//
// # Modifiers and locks
//
// Shift, Ctrl, Alt and the Windows keys are tracked per side; Modifiers
// reports them. On a layout with AltGr (UK, German, French, Colemak) right
// Alt is AltGr, and so is Ctrl with left Alt; on US and Dvorak right Alt is
// Alt. Alt and the Windows keys do not change the rune; the consumer reads
// Modifiers for Alt+F1 and the like. With AltGr, a key the layout gives no
// AltGr level acts as without AltGr. Ctrl+letter gives U+0001-U+001A in
// CtrlMapsToControlChars mode (the layout's letter: German Ctrl+Z is the
// key labelled Z) and the plain letter in CtrlRaw mode; Ctrl with AltGr
// never makes a control character, and Ctrl with other keys changes
// nothing.
//
// Caps Lock, Num Lock and Scroll Lock toggle on press; Num Lock starts on.
// Caps Lock affects letters only: it inverts Shift on letter keys (Caps
// and Shift give lower case) and capitalises the lower-case letters other
// keys give (French é è ç à ù become É È Ç À Ù, as in X11; Windows shifts
// the whole French digit row instead); digits and punctuation do not
// change. Locks and LEDs report the states for the keyboard LEDs.
//
// The keypad gives digits and the layout's decimal separator ('.', or ','
// for German) with Num Lock on, and Insert, End, ArrowDown, PageDown,
// ArrowLeft, Numpad5 (no function), ArrowRight, Home, ArrowUp, PageUp and
// Delete with Num Lock off. Shift turns Num Lock off while held, as on a
// PC; with Num Lock off Shift changes nothing. Keypad / * - + and Enter
// always give '/', '*', '-', '+' and '\n'.
//
// # Scan code set 1
//
// A make code is 01-7F, its break code has bit 7 set. E0 prefixes the keys
// added by the 101-key keyboard (right Ctrl and Alt, the grey navigation
// keys, keypad / and Enter, Windows keys, Menu, multimedia keys). The
// keyboard wraps grey keys and Print Screen in fake shifts (E0 2A, E0 AA,
// E0 36, E0 B6) depending on Shift and Num Lock; they are counted and
// ignored. Print Screen is E0 2A E0 37, released E0 B7 E0 AA; with Alt it
// is SysRq (54). Pause is E1 1D 45 E1 9D C5 and yields one Pause press at
// the 45 (its release follows at once and yields nothing); Ctrl+Pause is
// E0 46 E0 C6, the Key Break.
//
// # Robustness and resynchronisation
//
// No byte sequence makes Feed panic or allocate. Bytes that are not key
// codes are counted in Stats and otherwise ignored: keyboard replies (ACK
// FA, resend FE, echo EE, self-test failure FC/FD), errors and overruns (00,
// FF), unknown make or break codes (with or without E0), releases of keys
// not held, and broken sequences.
//
// 0xAA is both the self-test-passed code, sent after a reset or hot plug,
// and the break code of left Shift. It is left Shift's release while the
// decoder thinks left Shift is held, and an ignored reply otherwise (Linux
// decides the same way). Either reading leaves left Shift up, which is
// right after a reset too.
//
// Replies (FA FE EE FC FD) may come between the bytes of a sequence while
// the driver talks to the keyboard, so they are passed over without
// disturbing a pending E0 or E1 sequence. Every other byte either
// continues the pending sequence or, if it cannot (E0 E0, E0 E1, E0 00, E1
// followed by anything but 1D or 9D, E1 1D followed by anything but 45,
// ...), aborts it (Stats.BrokenSequences) and is then decoded afresh as if
// no prefix had come. So a truncated E1 sequence followed by a normal key
// decodes that key. The bytes of the aborted sequence are dropped, not
// replayed: the 1D of E1 1D is part of Pause, not a left Ctrl press, and a
// phantom press would leave Ctrl stuck, which is worse than a lost one.
// After E0 every byte but E0, E1, 00, FF and the replies completes the
// sequence (as an extended key, a fake shift or an unknown code), so a
// stray E0 eats the next key's make code. The decoder is thus back in step
// at the second non-reply byte after any garbage, and at the first unless
// the garbage ended in E0; a key pressed after garbage decodes correctly,
// except that its make code may be taken by a dangling E0 (counted as
// unknown, or as an extended key: E0 1E is unknown, but E0 10, the Q
// position, is MediaPrevTrack). The keys held and locks toggled by garbage
// are what the garbage said: a stray press holds its key until released.
// FuzzDecoder checks this property.
//
// # Layouts
//
// US, UK, German, French, Dvorak and Colemak, transcribed from X11's
// xkeyboard-config; layouts.go has the sources and the differences from
// Windows. Set2Decoder decodes scan code set 2 for controllers with
// translation off.
package keyboard
