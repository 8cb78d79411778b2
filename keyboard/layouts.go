package keyboard

// The layouts are transcribed from the X Keyboard Configuration Database
// (xkeyboard-config 2.35.1, as Debian's xkb-data installs it under
// /usr/share/X11/xkb/symbols): X11 builds a PC keymap from "pc+LAYOUT", so
// each table is symbols/pc(pc105) overlaid with the layout's section and the
// sections it includes (latin, latin(type4), kpdl(comma)). Rows are levels
// 1-4: base, Shift, AltGr, Shift+AltGr; a dead key is the d-constant of the
// Key it yields raw. TestLayoutsMatchXKB re-reads the X11 files, where
// installed, and checks every row; KEYBOARD_DUMP_XKB=1 go test -run
// TestXKBDump prints them in this form.
//
// Compared with Microsoft's KBDTOOL tables for German and French
// (Windows-driver-samples, input/layout/all_kbds/kbdgr/kbdgr.c and
// kbdfr/kbdfr.c), which agree on the base and Shift levels except as noted,
// and with the pc-keyboard crate's us104, uk105, de105, azerty and colemak
// layouts. Where they differ, X11 wins:
//   - X11 gives UK, German and French the full "latin" AltGr level (ł, đ,
//     ŧ, «, », ...); Windows has only a few AltGr characters (German:
//     @ € µ ² ³ { [ ] } \ ~ |, all of which X11 has too).
//   - French AltGr+é and AltGr+è give '~' and '`' (Windows: dead keys);
//     Shift+² gives '~' (Windows: nothing).
//   - Windows lets Caps Lock shift the German and French digit rows
//     (CAPLOK); here Caps Lock only affects letters (see newLayout). Caps+ß
//     stays ß (X11: ẞ, through its FOUR_LEVEL_PLUS_LOCK type; Windows: ?).
// Keys a table leaves out (Space, Enter, Tab, Backspace, Escape and the
// keypad) are the same in every layout and handled by the decoder.

// The built-in layouts.
var (
	// US is the US layout (ANSI, 104 keys), X11 us(basic). It has no AltGr:
	// right Alt is Alt. The ISO key, absent on US keyboards, gives < and >
	// from X11 pc(pc105).
	US = newLayout("us", "English (US), X11 us(basic)", false, '.', usKeys)

	// UK is the United Kingdom layout (ISO, 105 keys), X11 gb(basic): \ and |
	// on the key beside left Shift, # and ~ beside Enter, " on Shift+2, £ on
	// Shift+3, @ on Shift+', € on AltGr+4.
	UK = newLayout("uk", "English (UK), X11 gb(basic)", true, '.', ukKeys)

	// German is the German QWERTZ layout (ISO, 105 keys), X11 de(basic): Y and
	// Z swapped, ü ö ä ß, dead ^ ´ ` keys, AltGr @ € µ ² ³ { [ ] } \ ~ | and
	// more, and a decimal comma on the keypad (X11 kpdl(comma)).
	German = newLayout("de", "German, X11 de(basic)", true, ',', deKeys)

	// French is the French AZERTY layout (ISO, 105 keys), X11 fr(basic): the
	// digits on Shift under & é " ' ( - è _ ç à, the AltGr row ~ # { [ | ` \ ^
	// @ ] }, and a dead ^ ¨ key.
	French = newLayout("fr", "French (AZERTY), X11 fr(basic)", true, '.', frKeys)

	// Dvorak is the US Dvorak layout, X11 us(dvorak). It has no AltGr (X11
	// lists dead keys on levels 3-4 that only an extra option reaches).
	Dvorak = newLayout("dvorak", "English (Dvorak), X11 us(dvorak)", false, '.', dvorakKeys)

	// Colemak is the Colemak layout, X11 us(colemak): Caps Lock is a second
	// Backspace (so Caps Lock cannot be toggled from the keyboard), the ISO key
	// gives - and _, and AltGr gives accented letters and dead keys.
	Colemak = newLayout("colemak", "English (Colemak), X11 us(colemak)", true, '.', colemakKeys)
)

// layouts lists the built-in layouts in LayoutNames order.
var layouts = []*Layout{US, UK, German, French, Dvorak, Colemak}

var usKeys = []keyDef{
	{Backquote, '`', '~', 0, 0},
	{Digit1, '1', '!', 0, 0},
	{Digit2, '2', '@', 0, 0},
	{Digit3, '3', '#', 0, 0},
	{Digit4, '4', '$', 0, 0},
	{Digit5, '5', '%', 0, 0},
	{Digit6, '6', '^', 0, 0},
	{Digit7, '7', '&', 0, 0},
	{Digit8, '8', '*', 0, 0},
	{Digit9, '9', '(', 0, 0},
	{Digit0, '0', ')', 0, 0},
	{Minus, '-', '_', 0, 0},
	{Equal, '=', '+', 0, 0},
	{KeyQ, 'q', 'Q', 0, 0},
	{KeyW, 'w', 'W', 0, 0},
	{KeyE, 'e', 'E', 0, 0},
	{KeyR, 'r', 'R', 0, 0},
	{KeyT, 't', 'T', 0, 0},
	{KeyY, 'y', 'Y', 0, 0},
	{KeyU, 'u', 'U', 0, 0},
	{KeyI, 'i', 'I', 0, 0},
	{KeyO, 'o', 'O', 0, 0},
	{KeyP, 'p', 'P', 0, 0},
	{BracketLeft, '[', '{', 0, 0},
	{BracketRight, ']', '}', 0, 0},
	{Backslash, '\\', '|', 0, 0},
	{KeyA, 'a', 'A', 0, 0},
	{KeyS, 's', 'S', 0, 0},
	{KeyD, 'd', 'D', 0, 0},
	{KeyF, 'f', 'F', 0, 0},
	{KeyG, 'g', 'G', 0, 0},
	{KeyH, 'h', 'H', 0, 0},
	{KeyJ, 'j', 'J', 0, 0},
	{KeyK, 'k', 'K', 0, 0},
	{KeyL, 'l', 'L', 0, 0},
	{Semicolon, ';', ':', 0, 0},
	{Quote, '\'', '"', 0, 0},
	{IntlBackslash, '<', '>', 0, 0},
	{KeyZ, 'z', 'Z', 0, 0},
	{KeyX, 'x', 'X', 0, 0},
	{KeyC, 'c', 'C', 0, 0},
	{KeyV, 'v', 'V', 0, 0},
	{KeyB, 'b', 'B', 0, 0},
	{KeyN, 'n', 'N', 0, 0},
	{KeyM, 'm', 'M', 0, 0},
	{Comma, ',', '<', 0, 0},
	{Period, '.', '>', 0, 0},
	{Slash, '/', '?', 0, 0},
}

var ukKeys = []keyDef{
	{Backquote, '`', '¬', '|', '|'},
	{Digit1, '1', '!', '¹', '¡'},
	{Digit2, '2', '"', '²', '⅛'},
	{Digit3, '3', '£', '³', '£'},
	{Digit4, '4', '$', '€', '¼'},
	{Digit5, '5', '%', '½', '⅜'},
	{Digit6, '6', '^', '¾', '⅝'},
	{Digit7, '7', '&', '{', '⅞'},
	{Digit8, '8', '*', '[', '™'},
	{Digit9, '9', '(', ']', '±'},
	{Digit0, '0', ')', '}', '°'},
	{Minus, '-', '_', '\\', '¿'},
	{Equal, '=', '+', dCedilla, dOgonek},
	{KeyQ, 'q', 'Q', '@', 'Ω'},
	{KeyW, 'w', 'W', 'ſ', '§'},
	{KeyE, 'e', 'E', 'e', 'E'},
	{KeyR, 'r', 'R', '¶', '®'},
	{KeyT, 't', 'T', 'ŧ', 'Ŧ'},
	{KeyY, 'y', 'Y', '←', '¥'},
	{KeyU, 'u', 'U', '↓', '↑'},
	{KeyI, 'i', 'I', '→', 'ı'},
	{KeyO, 'o', 'O', 'ø', 'Ø'},
	{KeyP, 'p', 'P', 'þ', 'Þ'},
	{BracketLeft, '[', '{', dDiaeresis, dAboveRing},
	{BracketRight, ']', '}', dTilde, dMacron},
	{Backslash, '#', '~', dGrave, dBreve},
	{KeyA, 'a', 'A', 'æ', 'Æ'},
	{KeyS, 's', 'S', 'ß', 'ẞ'},
	{KeyD, 'd', 'D', 'ð', 'Ð'},
	{KeyF, 'f', 'F', 'đ', 'ª'},
	{KeyG, 'g', 'G', 'ŋ', 'Ŋ'},
	{KeyH, 'h', 'H', 'ħ', 'Ħ'},
	{KeyJ, 'j', 'J', dHook, dHorn},
	{KeyK, 'k', 'K', 'ĸ', '&'},
	{KeyL, 'l', 'L', 'ł', 'Ł'},
	{Semicolon, ';', ':', dAcute, dDoubleAcute},
	{Quote, '\'', '@', dCircumflex, dCaron},
	{IntlBackslash, '\\', '|', '|', '¦'},
	{KeyZ, 'z', 'Z', '«', '<'},
	{KeyX, 'x', 'X', '»', '>'},
	{KeyC, 'c', 'C', '¢', '©'},
	{KeyV, 'v', 'V', '„', '‚'},
	{KeyB, 'b', 'B', '“', '‘'},
	{KeyN, 'n', 'N', '”', '’'},
	{KeyM, 'm', 'M', 'µ', 'º'},
	{Comma, ',', '<', '•', '×'},
	{Period, '.', '>', '·', '÷'},
	{Slash, '/', '?', dBelowDot, dAboveDot},
}

var deKeys = []keyDef{
	{Backquote, dCircumflex, '°', '′', '″'},
	{Digit1, '1', '!', '¹', '¡'},
	{Digit2, '2', '"', '²', '⅛'},
	{Digit3, '3', '§', '³', '£'},
	{Digit4, '4', '$', '¼', '¤'},
	{Digit5, '5', '%', '½', '⅜'},
	{Digit6, '6', '&', '¬', '⅝'},
	{Digit7, '7', '/', '{', '⅞'},
	{Digit8, '8', '(', '[', '™'},
	{Digit9, '9', ')', ']', '±'},
	{Digit0, '0', '=', '}', '°'},
	{Minus, 'ß', '?', '\\', '¿'},
	{Equal, dAcute, dGrave, dCedilla, dOgonek},
	{KeyQ, 'q', 'Q', '@', 'Ω'},
	{KeyW, 'w', 'W', 'ſ', '§'},
	{KeyE, 'e', 'E', '€', '€'},
	{KeyR, 'r', 'R', '¶', '®'},
	{KeyT, 't', 'T', 'ŧ', 'Ŧ'},
	{KeyY, 'z', 'Z', '←', '¥'},
	{KeyU, 'u', 'U', '↓', '↑'},
	{KeyI, 'i', 'I', '→', 'ı'},
	{KeyO, 'o', 'O', 'ø', 'Ø'},
	{KeyP, 'p', 'P', 'þ', 'Þ'},
	{BracketLeft, 'ü', 'Ü', dDiaeresis, dAboveRing},
	{BracketRight, '+', '*', '~', '¯'},
	{Backslash, '#', '\'', '’', dBreve},
	{KeyA, 'a', 'A', 'æ', 'Æ'},
	{KeyS, 's', 'S', 'ſ', 'ẞ'},
	{KeyD, 'd', 'D', 'ð', 'Ð'},
	{KeyF, 'f', 'F', 'đ', 'ª'},
	{KeyG, 'g', 'G', 'ŋ', 'Ŋ'},
	{KeyH, 'h', 'H', 'ħ', 'Ħ'},
	{KeyJ, 'j', 'J', dBelowDot, dAboveDot},
	{KeyK, 'k', 'K', 'ĸ', '&'},
	{KeyL, 'l', 'L', 'ł', 'Ł'},
	{Semicolon, 'ö', 'Ö', dDoubleAcute, dBelowDot},
	{Quote, 'ä', 'Ä', dCircumflex, dCaron},
	{IntlBackslash, '<', '>', '|', dBelowMacron},
	{KeyZ, 'y', 'Y', '»', '›'},
	{KeyX, 'x', 'X', '«', '‹'},
	{KeyC, 'c', 'C', '¢', '©'},
	{KeyV, 'v', 'V', '„', '‚'},
	{KeyB, 'b', 'B', '“', '‘'},
	{KeyN, 'n', 'N', '”', '’'},
	{KeyM, 'm', 'M', 'µ', 'º'},
	{Comma, ',', ';', '·', '×'},
	{Period, '.', ':', '…', '÷'},
	{Slash, '-', '_', '–', '—'},
}

var frKeys = []keyDef{
	{Backquote, '²', '~', '¬', '¬'},
	{Digit1, '&', '1', '¹', '¡'},
	{Digit2, 'é', '2', '~', '⅛'},
	{Digit3, '"', '3', '#', '£'},
	{Digit4, '\'', '4', '{', '$'},
	{Digit5, '(', '5', '[', '⅜'},
	{Digit6, '-', '6', '|', '⅝'},
	{Digit7, 'è', '7', '`', '⅞'},
	{Digit8, '_', '8', '\\', '™'},
	{Digit9, 'ç', '9', '^', '±'},
	{Digit0, 'à', '0', '@', '°'},
	{Minus, ')', '°', ']', '¿'},
	{Equal, '=', '+', '}', dOgonek},
	{KeyQ, 'a', 'A', 'æ', 'Æ'},
	{KeyW, 'z', 'Z', '«', '<'},
	{KeyE, 'e', 'E', '€', '¢'},
	{KeyR, 'r', 'R', '¶', '®'},
	{KeyT, 't', 'T', 'ŧ', 'Ŧ'},
	{KeyY, 'y', 'Y', '←', '¥'},
	{KeyU, 'u', 'U', '↓', '↑'},
	{KeyI, 'i', 'I', '→', 'ı'},
	{KeyO, 'o', 'O', 'ø', 'Ø'},
	{KeyP, 'p', 'P', 'þ', 'Þ'},
	{BracketLeft, dCircumflex, dDiaeresis, dDiaeresis, dAboveRing},
	{BracketRight, '$', '£', '¤', dMacron},
	{Backslash, '*', 'µ', dGrave, dBreve},
	{KeyA, 'q', 'Q', '@', 'Ω'},
	{KeyS, 's', 'S', 'ß', 'ẞ'},
	{KeyD, 'd', 'D', 'ð', 'Ð'},
	{KeyF, 'f', 'F', 'đ', 'ª'},
	{KeyG, 'g', 'G', 'ŋ', 'Ŋ'},
	{KeyH, 'h', 'H', 'ħ', 'Ħ'},
	{KeyJ, 'j', 'J', dHook, dHorn},
	{KeyK, 'k', 'K', 'ĸ', '&'},
	{KeyL, 'l', 'L', 'ł', 'Ł'},
	{Semicolon, 'm', 'M', 'µ', 'º'},
	{Quote, 'ù', '%', dCircumflex, dCaron},
	{IntlBackslash, '<', '>', '|', '¦'},
	{KeyZ, 'w', 'W', 'ł', 'Ł'},
	{KeyX, 'x', 'X', '»', '>'},
	{KeyC, 'c', 'C', '¢', '©'},
	{KeyV, 'v', 'V', '„', '‚'},
	{KeyB, 'b', 'B', '“', '‘'},
	{KeyN, 'n', 'N', '”', '’'},
	{KeyM, ',', '?', dAcute, dDoubleAcute},
	{Comma, ';', '.', '•', '×'},
	{Period, ':', '/', '·', '÷'},
	{Slash, '!', '§', dBelowDot, dAboveDot},
}

var dvorakKeys = []keyDef{
	{Backquote, '`', '~', 0, 0},
	{Digit1, '1', '!', 0, 0},
	{Digit2, '2', '@', 0, 0},
	{Digit3, '3', '#', 0, 0},
	{Digit4, '4', '$', 0, 0},
	{Digit5, '5', '%', 0, 0},
	{Digit6, '6', '^', 0, 0},
	{Digit7, '7', '&', 0, 0},
	{Digit8, '8', '*', 0, 0},
	{Digit9, '9', '(', 0, 0},
	{Digit0, '0', ')', 0, 0},
	{Minus, '[', '{', 0, 0},
	{Equal, ']', '}', 0, 0},
	{KeyQ, '\'', '"', 0, 0},
	{KeyW, ',', '<', 0, 0},
	{KeyE, '.', '>', 0, 0},
	{KeyR, 'p', 'P', 0, 0},
	{KeyT, 'y', 'Y', 0, 0},
	{KeyY, 'f', 'F', 0, 0},
	{KeyU, 'g', 'G', 0, 0},
	{KeyI, 'c', 'C', 0, 0},
	{KeyO, 'r', 'R', 0, 0},
	{KeyP, 'l', 'L', 0, 0},
	{BracketLeft, '/', '?', 0, 0},
	{BracketRight, '=', '+', 0, 0},
	{Backslash, '\\', '|', 0, 0},
	{KeyA, 'a', 'A', 0, 0},
	{KeyS, 'o', 'O', 0, 0},
	{KeyD, 'e', 'E', 0, 0},
	{KeyF, 'u', 'U', 0, 0},
	{KeyG, 'i', 'I', 0, 0},
	{KeyH, 'd', 'D', 0, 0},
	{KeyJ, 'h', 'H', 0, 0},
	{KeyK, 't', 'T', 0, 0},
	{KeyL, 'n', 'N', 0, 0},
	{Semicolon, 's', 'S', 0, 0},
	{Quote, '-', '_', 0, 0},
	{IntlBackslash, '<', '>', 0, 0},
	{KeyZ, ';', ':', 0, 0},
	{KeyX, 'q', 'Q', 0, 0},
	{KeyC, 'j', 'J', 0, 0},
	{KeyV, 'k', 'K', 0, 0},
	{KeyB, 'x', 'X', 0, 0},
	{KeyN, 'b', 'B', 0, 0},
	{KeyM, 'm', 'M', 0, 0},
	{Comma, 'w', 'W', 0, 0},
	{Period, 'v', 'V', 0, 0},
	{Slash, 'z', 'Z', 0, 0},
}

var colemakKeys = []keyDef{
	{Backquote, '`', '~', dTilde, '~'},
	{Digit1, '1', '!', '¡', '¹'},
	{Digit2, '2', '@', 'º', '²'},
	{Digit3, '3', '#', 'ª', '³'},
	{Digit4, '4', '$', '¢', '£'},
	{Digit5, '5', '%', '€', '¥'},
	{Digit6, '6', '^', 'ħ', 'Ħ'},
	{Digit7, '7', '&', 'ð', 'Ð'},
	{Digit8, '8', '*', 'þ', 'Þ'},
	{Digit9, '9', '(', '‘', '“'},
	{Digit0, '0', ')', '’', '”'},
	{Minus, '-', '_', '–', '—'},
	{Equal, '=', '+', '×', '÷'},
	{KeyQ, 'q', 'Q', 'ä', 'Ä'},
	{KeyW, 'w', 'W', 'å', 'Å'},
	{KeyE, 'f', 'F', 'ã', 'Ã'},
	{KeyR, 'p', 'P', 'ø', 'Ø'},
	{KeyT, 'g', 'G', dOgonek, '~'},
	{KeyY, 'j', 'J', 'đ', 'Đ'},
	{KeyU, 'l', 'L', 'ł', 'Ł'},
	{KeyI, 'u', 'U', 'ú', 'Ú'},
	{KeyO, 'y', 'Y', 'ü', 'Ü'},
	{KeyP, ';', ':', 'ö', 'Ö'},
	{BracketLeft, '[', '{', '«', '‹'},
	{BracketRight, ']', '}', '»', '›'},
	{Backslash, '\\', '|', '~', '~'},
	{KeyA, 'a', 'A', 'á', 'Á'},
	{KeyS, 'r', 'R', dGrave, '~'},
	{KeyD, 's', 'S', 'ß', 'ẞ'},
	{KeyF, 't', 'T', dAcute, dDoubleAcute},
	{KeyG, 'd', 'D', dDiaeresis, '~'},
	{KeyH, 'h', 'H', dCaron, '~'},
	{KeyJ, 'n', 'N', 'ñ', 'Ñ'},
	{KeyK, 'e', 'E', 'é', 'É'},
	{KeyL, 'i', 'I', 'í', 'Í'},
	{Semicolon, 'o', 'O', 'ó', 'Ó'},
	{Quote, '\'', '"', 'õ', 'Õ'},
	{IntlBackslash, '-', '_', '–', '—'},
	{KeyZ, 'z', 'Z', 'æ', 'Æ'},
	{KeyX, 'x', 'X', dCircumflex, '~'},
	{KeyC, 'c', 'C', 'ç', 'Ç'},
	{KeyV, 'v', 'V', 'œ', 'Œ'},
	{KeyB, 'b', 'B', dBreve, '~'},
	{KeyN, 'k', 'K', dAboveRing, '~'},
	{KeyM, 'm', 'M', dMacron, '~'},
	{Comma, ',', '<', dCedilla, '~'},
	{Period, '.', '>', dAboveDot, '~'},
	{Slash, '/', '?', '¿', '~'},
	{CapsLock, '\b', '\b', '\b', '\b'},
}
