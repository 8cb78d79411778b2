package vm

import (
	"fmt"
	"time"
)

// usKeys maps the characters TypeText can type to QEMU qcodes on a US
// keyboard layout; shift marks those typed with Shift.
var usKeys = func() map[rune]string {
	m := map[rune]string{' ': "spc", '\n': "ret", '\t': "tab", '\b': "backspace"}
	for c := 'a'; c <= 'z'; c++ {
		m[c] = string(c)
		m[c-'a'+'A'] = "shift-" + string(c)
	}
	for c := '0'; c <= '9'; c++ {
		m[c] = string(c)
	}
	plain := map[rune]string{'-': "minus", '=': "equal", '[': "bracket_left", ']': "bracket_right",
		';': "semicolon", '\'': "apostrophe", '`': "grave_accent", '\\': "backslash",
		',': "comma", '.': "dot", '/': "slash"}
	shifted := map[rune]string{'_': "minus", '+': "equal", '{': "bracket_left", '}': "bracket_right",
		':': "semicolon", '"': "apostrophe", '~': "grave_accent", '|': "backslash",
		'<': "comma", '>': "dot", '?': "slash", '!': "1", '@': "2", '#': "3", '$': "4",
		'%': "5", '^': "6", '&': "7", '*': "8", '(': "9", ')': "0"}
	for c, k := range plain {
		m[c] = k
	}
	for c, k := range shifted {
		m[c] = "shift-" + k
	}
	return m
}()

// KeysFor returns the qcode chords that type s on a US layout, for
// SendKeys; "\n" is Enter.
func KeysFor(s string) ([]string, error) {
	keys := make([]string, 0, len(s))
	for _, c := range s {
		k, ok := usKeys[c]
		if !ok {
			return nil, fmt.Errorf("vm: no US key types %q", c)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// TypeText types s on the PS/2 keyboard through QMP, each key held for
// hold (0: QEMU's default of 100 ms).
func (v *VM) TypeText(hold time.Duration, s string) error {
	keys, err := KeysFor(s)
	if err != nil {
		return err
	}
	return v.SendKeysHold(hold, keys...)
}
