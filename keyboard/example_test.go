package keyboard_test

import (
	"fmt"

	"gokernel/keyboard"
)

func ExampleDecoder() {
	d := keyboard.NewDecoder(keyboard.German, keyboard.CtrlMapsToControlChars)
	// Shift+H a l l o, AltGr+Q, ArrowUp, on a German keyboard.
	for _, b := range []byte{
		0x2A, 0x23, 0xA3, 0xAA, 0x1E, 0x9E, 0x26, 0xA6, 0x26, 0xA6, 0x18, 0x98,
		0xE0, 0x38, 0x10, 0x90, 0xE0, 0xB8,
		0xE0, 0x48, 0xE0, 0xC8,
	} {
		if e, ok := d.Feed(b); ok {
			fmt.Print(e, " ")
		}
	}
	fmt.Println()
	// Output: <LShift> H a l l o <RAlt> @ <ArrowUp>
}

func ExampleDecoder_LEDs() {
	d := keyboard.NewDecoder(nil, keyboard.CtrlRaw) // US
	for _, b := range []byte{0x3A, 0xBA} {          // Caps Lock press, release
		d.Feed(b)
		if leds, changed := d.LEDs(); changed {
			fmt.Printf("send ED %02X\n", leds)
		}
	}
	caps, num, scroll := d.Locks()
	fmt.Println(caps, num, scroll)
	// Output:
	// send ED 06
	// true true false
}

func ExampleLayoutByName() {
	for _, name := range keyboard.LayoutNames() {
		l, _ := keyboard.LayoutByName(name)
		fmt.Printf("%s: %s\n", name, l.Description())
	}
	// Output:
	// us: English (US), X11 us(basic)
	// uk: English (UK), X11 gb(basic)
	// de: German, X11 de(basic)
	// fr: French (AZERTY), X11 fr(basic)
	// dvorak: English (Dvorak), X11 us(dvorak)
	// colemak: English (Colemak), X11 us(colemak)
}
