package keyboard

import (
	"strconv"
	"unicode"
)

// Key names a key that produced no character: a physical key (named after
// its position or function on a US keyboard, like the W3C UI Events "code"
// values), a keypad key's navigation function when Num Lock is off, or a
// dead key of a layout.
type Key uint16

// Physical keys. Every key the set 1 tables know is here; a Key below
// numPhysical can be held down.
const (
	None Key = iota

	Escape
	F1
	F2
	F3
	F4
	F5
	F6
	F7
	F8
	F9
	F10
	F11
	F12
	PrintScreen // E0 37 (with the fake shifts E0 2A / E0 AA around it)
	SysRq       // 54: Alt+PrintScreen
	ScrollLock
	Pause // E1 1D 45 E1 9D C5
	Break // E0 46: Ctrl+Pause

	// The main block, named after the US labels (W3C UI Events codes).
	Backquote
	Digit1
	Digit2
	Digit3
	Digit4
	Digit5
	Digit6
	Digit7
	Digit8
	Digit9
	Digit0
	Minus
	Equal
	Backspace
	Tab
	KeyQ
	KeyW
	KeyE
	KeyR
	KeyT
	KeyY
	KeyU
	KeyI
	KeyO
	KeyP
	BracketLeft
	BracketRight
	Backslash // above Enter (ANSI) or left of it (ISO: the # ~ key of UK/DE)
	CapsLock
	KeyA
	KeyS
	KeyD
	KeyF
	KeyG
	KeyH
	KeyJ
	KeyK
	KeyL
	Semicolon
	Quote
	Enter
	LShift
	IntlBackslash // the 105th key, right of left Shift on ISO keyboards
	KeyZ
	KeyX
	KeyC
	KeyV
	KeyB
	KeyN
	KeyM
	Comma
	Period
	Slash
	RShift
	LCtrl
	LWin
	LAlt
	Space
	RAlt // AltGr on layouts that have it
	RWin
	Menu
	RCtrl

	Insert
	Home
	PageUp
	Delete
	End
	PageDown
	ArrowUp
	ArrowLeft
	ArrowDown
	ArrowRight

	NumLock
	NumpadDivide
	NumpadMultiply
	NumpadSubtract
	Numpad7
	Numpad8
	Numpad9
	NumpadAdd
	Numpad4
	Numpad5
	Numpad6
	Numpad1
	Numpad2
	Numpad3
	NumpadEnter
	Numpad0
	NumpadDecimal

	// E0 multimedia and ACPI keys (the codes Windows' KBD tables list).
	MediaPrevTrack
	MediaNextTrack
	AudioMute
	LaunchCalculator
	MediaPlayPause
	MediaStop
	AudioVolumeDown
	AudioVolumeUp
	BrowserHome
	Power
	Sleep
	Wake
	BrowserSearch
	BrowserFavorites
	BrowserRefresh
	BrowserStop
	BrowserForward
	BrowserBack
	LaunchMyComputer
	LaunchMail
	LaunchMediaSelect

	numPhysical // keys below this are physical and can be held
)

// Dead keys: the layouts leave them raw instead of composing accents.
const (
	DeadGrave Key = iota + 256
	DeadAcute
	DeadCircumflex
	DeadTilde
	DeadMacron
	DeadBreve
	DeadAboveDot
	DeadDiaeresis
	DeadAboveRing
	DeadDoubleAcute
	DeadCaron
	DeadCedilla
	DeadOgonek
	DeadBelowDot
	DeadHook
	DeadHorn
	DeadBelowMacron
	deadEnd
)

var keyNames = [numPhysical]string{
	None: "None", Escape: "Escape",
	F1: "F1", F2: "F2", F3: "F3", F4: "F4", F5: "F5", F6: "F6",
	F7: "F7", F8: "F8", F9: "F9", F10: "F10", F11: "F11", F12: "F12",
	PrintScreen: "PrintScreen", SysRq: "SysRq", ScrollLock: "ScrollLock",
	Pause: "Pause", Break: "Break",
	Backquote: "Backquote", Digit1: "Digit1", Digit2: "Digit2", Digit3: "Digit3",
	Digit4: "Digit4", Digit5: "Digit5", Digit6: "Digit6", Digit7: "Digit7",
	Digit8: "Digit8", Digit9: "Digit9", Digit0: "Digit0", Minus: "Minus",
	Equal: "Equal", Backspace: "Backspace", Tab: "Tab",
	KeyQ: "KeyQ", KeyW: "KeyW", KeyE: "KeyE", KeyR: "KeyR", KeyT: "KeyT",
	KeyY: "KeyY", KeyU: "KeyU", KeyI: "KeyI", KeyO: "KeyO", KeyP: "KeyP",
	BracketLeft: "BracketLeft", BracketRight: "BracketRight", Backslash: "Backslash",
	CapsLock: "CapsLock", KeyA: "KeyA", KeyS: "KeyS", KeyD: "KeyD", KeyF: "KeyF",
	KeyG: "KeyG", KeyH: "KeyH", KeyJ: "KeyJ", KeyK: "KeyK", KeyL: "KeyL",
	Semicolon: "Semicolon", Quote: "Quote", Enter: "Enter",
	LShift: "LShift", IntlBackslash: "IntlBackslash", KeyZ: "KeyZ", KeyX: "KeyX",
	KeyC: "KeyC", KeyV: "KeyV", KeyB: "KeyB", KeyN: "KeyN", KeyM: "KeyM",
	Comma: "Comma", Period: "Period", Slash: "Slash", RShift: "RShift",
	LCtrl: "LCtrl", LWin: "LWin", LAlt: "LAlt", Space: "Space", RAlt: "RAlt",
	RWin: "RWin", Menu: "Menu", RCtrl: "RCtrl",
	Insert: "Insert", Home: "Home", PageUp: "PageUp", Delete: "Delete",
	End: "End", PageDown: "PageDown", ArrowUp: "ArrowUp", ArrowLeft: "ArrowLeft",
	ArrowDown: "ArrowDown", ArrowRight: "ArrowRight",
	NumLock: "NumLock", NumpadDivide: "NumpadDivide", NumpadMultiply: "NumpadMultiply",
	NumpadSubtract: "NumpadSubtract", Numpad7: "Numpad7", Numpad8: "Numpad8",
	Numpad9: "Numpad9", NumpadAdd: "NumpadAdd", Numpad4: "Numpad4", Numpad5: "Numpad5",
	Numpad6: "Numpad6", Numpad1: "Numpad1", Numpad2: "Numpad2", Numpad3: "Numpad3",
	NumpadEnter: "NumpadEnter", Numpad0: "Numpad0", NumpadDecimal: "NumpadDecimal",
	MediaPrevTrack: "MediaPrevTrack", MediaNextTrack: "MediaNextTrack",
	AudioMute: "AudioMute", LaunchCalculator: "LaunchCalculator",
	MediaPlayPause: "MediaPlayPause", MediaStop: "MediaStop",
	AudioVolumeDown: "AudioVolumeDown", AudioVolumeUp: "AudioVolumeUp",
	BrowserHome: "BrowserHome", Power: "Power", Sleep: "Sleep", Wake: "Wake",
	BrowserSearch: "BrowserSearch", BrowserFavorites: "BrowserFavorites",
	BrowserRefresh: "BrowserRefresh", BrowserStop: "BrowserStop",
	BrowserForward: "BrowserForward", BrowserBack: "BrowserBack",
	LaunchMyComputer: "LaunchMyComputer", LaunchMail: "LaunchMail",
	LaunchMediaSelect: "LaunchMediaSelect",
}

var deadNames = [deadEnd - DeadGrave]string{
	"DeadGrave", "DeadAcute", "DeadCircumflex", "DeadTilde", "DeadMacron",
	"DeadBreve", "DeadAboveDot", "DeadDiaeresis", "DeadAboveRing",
	"DeadDoubleAcute", "DeadCaron", "DeadCedilla", "DeadOgonek",
	"DeadBelowDot", "DeadHook", "DeadHorn", "DeadBelowMacron",
}

// String returns the key's name, like "LShift", "ArrowUp", "F1", "Numpad7"
// or "DeadCircumflex".
func (k Key) String() string {
	switch {
	case k < numPhysical:
		return keyNames[k]
	case k >= DeadGrave && k < deadEnd:
		return deadNames[k-DeadGrave]
	}
	return "Key(" + strconv.Itoa(int(k)) + ")"
}

// IsDead reports whether k is a dead key.
func (k Key) IsDead() bool { return k >= DeadGrave && k < deadEnd }

// Event is one decoded key press: exactly one of Rune and Key is set. Rune
// is non-zero for a key that produced a character (control characters
// included: '\n', '\b', '\t', U+001B, and Ctrl+letter in
// CtrlMapsToControlChars mode); otherwise Key names the key.
type Event struct {
	Rune rune
	Key  Key
}

// String returns the character itself for a printable rune, a Go escape
// such as `\n` or `\x01` for other runes, and "<Name>" for a key.
func (e Event) String() string {
	if e.Rune == 0 {
		return "<" + e.Key.String() + ">"
	}
	if unicode.IsPrint(e.Rune) {
		return string(e.Rune)
	}
	q := strconv.QuoteRune(e.Rune)
	return q[1 : len(q)-1]
}
