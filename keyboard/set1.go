package keyboard

// Scan code set 1: what a PS/2 keyboard delivers through an 8042 with
// translation on (IBM PC AT Technical Reference; the make codes of keys
// 01-58 are also Linux's KEY_* numbers). A make code is 01-7F; its break
// code is the make code | 0x80. Sources for the E0 codes: Microsoft's
// KBDTOOL tables (aE0VscToVk in Windows-driver-samples
// input/layout/all_kbds/kbdgr/kbdgr.c) and the "Keyboard Scan Code
// Specification" (Microsoft, rev. 1.3a) for the ACPI keys E0 5E/5F/63.

// set1 maps single-byte make codes to keys.
var set1 = [128]Key{
	0x01: Escape, 0x02: Digit1, 0x03: Digit2, 0x04: Digit3, 0x05: Digit4,
	0x06: Digit5, 0x07: Digit6, 0x08: Digit7, 0x09: Digit8, 0x0A: Digit9,
	0x0B: Digit0, 0x0C: Minus, 0x0D: Equal, 0x0E: Backspace, 0x0F: Tab,
	0x10: KeyQ, 0x11: KeyW, 0x12: KeyE, 0x13: KeyR, 0x14: KeyT, 0x15: KeyY,
	0x16: KeyU, 0x17: KeyI, 0x18: KeyO, 0x19: KeyP, 0x1A: BracketLeft,
	0x1B: BracketRight, 0x1C: Enter, 0x1D: LCtrl,
	0x1E: KeyA, 0x1F: KeyS, 0x20: KeyD, 0x21: KeyF, 0x22: KeyG, 0x23: KeyH,
	0x24: KeyJ, 0x25: KeyK, 0x26: KeyL, 0x27: Semicolon, 0x28: Quote,
	0x29: Backquote, 0x2A: LShift, 0x2B: Backslash,
	0x2C: KeyZ, 0x2D: KeyX, 0x2E: KeyC, 0x2F: KeyV, 0x30: KeyB, 0x31: KeyN,
	0x32: KeyM, 0x33: Comma, 0x34: Period, 0x35: Slash, 0x36: RShift,
	0x37: NumpadMultiply, 0x38: LAlt, 0x39: Space, 0x3A: CapsLock,
	0x3B: F1, 0x3C: F2, 0x3D: F3, 0x3E: F4, 0x3F: F5, 0x40: F6, 0x41: F7,
	0x42: F8, 0x43: F9, 0x44: F10, 0x45: NumLock, 0x46: ScrollLock,
	0x47: Numpad7, 0x48: Numpad8, 0x49: Numpad9, 0x4A: NumpadSubtract,
	0x4B: Numpad4, 0x4C: Numpad5, 0x4D: Numpad6, 0x4E: NumpadAdd,
	0x4F: Numpad1, 0x50: Numpad2, 0x51: Numpad3, 0x52: Numpad0,
	0x53: NumpadDecimal, 0x54: SysRq, 0x56: IntlBackslash, 0x57: F11, 0x58: F12,
}

// set1E0 maps the byte after an E0 prefix to keys. E0 2A/36 (and their
// breaks AA/B6) are the fake shifts, handled before this table.
var set1E0 = [128]Key{
	0x10: MediaPrevTrack, 0x19: MediaNextTrack, 0x1C: NumpadEnter, 0x1D: RCtrl,
	0x20: AudioMute, 0x21: LaunchCalculator, 0x22: MediaPlayPause,
	0x24: MediaStop, 0x2E: AudioVolumeDown, 0x30: AudioVolumeUp,
	0x32: BrowserHome, 0x35: NumpadDivide, 0x37: PrintScreen, 0x38: RAlt,
	0x46: Break, 0x47: Home, 0x48: ArrowUp, 0x49: PageUp, 0x4B: ArrowLeft,
	0x4D: ArrowRight, 0x4F: End, 0x50: ArrowDown, 0x51: PageDown,
	0x52: Insert, 0x53: Delete, 0x5B: LWin, 0x5C: RWin, 0x5D: Menu,
	0x5E: Power, 0x5F: Sleep, 0x63: Wake, 0x65: BrowserSearch,
	0x66: BrowserFavorites, 0x67: BrowserRefresh, 0x68: BrowserStop,
	0x69: BrowserForward, 0x6A: BrowserBack, 0x6B: LaunchMyComputer,
	0x6C: LaunchMail, 0x6D: LaunchMediaSelect,
}
