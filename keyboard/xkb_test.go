package keyboard

// Cross-check of the layout tables against the X Keyboard Configuration
// Database (xkeyboard-config), the source they were transcribed from. The
// test reads the installed X11 files (Debian: xkb-data for
// /usr/share/X11/xkb/symbols, x11proto-dev for X11/keysymdef.h) and is
// skipped where they are missing, so it needs nothing beyond the host.
//
// KEYBOARD_DUMP_XKB=1 go test -run TestXKBDump ./keyboard/ prints the
// tables in the form layouts.go uses, to regenerate or review them.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const (
	xkbSymbolsDir = "/usr/share/X11/xkb/symbols"
	keysymdefPath = "/usr/include/X11/keysymdef.h"
)

// xkbKeys maps XKB key names to our keys: the main block, Caps Lock (which
// Colemak remaps) and the keypad decimal key.
var xkbKeys = map[string]Key{
	"TLDE": Backquote, "AE01": Digit1, "AE02": Digit2, "AE03": Digit3,
	"AE04": Digit4, "AE05": Digit5, "AE06": Digit6, "AE07": Digit7,
	"AE08": Digit8, "AE09": Digit9, "AE10": Digit0, "AE11": Minus, "AE12": Equal,
	"AD01": KeyQ, "AD02": KeyW, "AD03": KeyE, "AD04": KeyR, "AD05": KeyT,
	"AD06": KeyY, "AD07": KeyU, "AD08": KeyI, "AD09": KeyO, "AD10": KeyP,
	"AD11": BracketLeft, "AD12": BracketRight, "BKSL": Backslash,
	"AC01": KeyA, "AC02": KeyS, "AC03": KeyD, "AC04": KeyF, "AC05": KeyG,
	"AC06": KeyH, "AC07": KeyJ, "AC08": KeyK, "AC09": KeyL, "AC10": Semicolon,
	"AC11": Quote, "LSGT": IntlBackslash,
	"AB01": KeyZ, "AB02": KeyX, "AB03": KeyC, "AB04": KeyV, "AB05": KeyB,
	"AB06": KeyN, "AB07": KeyM, "AB08": Comma, "AB09": Period, "AB10": Slash,
	"SPCE": Space, "CAPS": CapsLock, "KPDL": NumpadDecimal,
}

// xkbSources names the X11 symbols each layout was taken from; X11 builds
// a PC keymap as "pc+LAYOUT" (rules/evdev), so pc(pc105) comes first.
var xkbSources = map[string][]string{
	"us":      {"pc(pc105)", "us(basic)"},
	"uk":      {"pc(pc105)", "gb(basic)"},
	"de":      {"pc(pc105)", "de(basic)"},
	"fr":      {"pc(pc105)", "fr(basic)"},
	"dvorak":  {"pc(pc105)", "us(dvorak)"},
	"colemak": {"pc(pc105)", "us(colemak)"},
}

var deadKeysyms = map[string]Key{
	"dead_grave": DeadGrave, "dead_acute": DeadAcute, "dead_circumflex": DeadCircumflex,
	"dead_tilde": DeadTilde, "dead_macron": DeadMacron, "dead_breve": DeadBreve,
	"dead_abovedot": DeadAboveDot, "dead_diaeresis": DeadDiaeresis,
	"dead_abovering": DeadAboveRing, "dead_doubleacute": DeadDoubleAcute,
	"dead_caron": DeadCaron, "dead_cedilla": DeadCedilla, "dead_ogonek": DeadOgonek,
	"dead_belowdot": DeadBelowDot, "dead_hook": DeadHook, "dead_horn": DeadHorn,
	"dead_belowmacron": DeadBelowMacron,
}

type xkbDB struct {
	keysyms map[string]rune              // keysym name -> Unicode
	files   map[string]map[string]string // file -> section -> body
	deflt   map[string]string            // file -> default section
}

func openXKB(t *testing.T) *xkbDB {
	t.Helper()
	for _, p := range []string{xkbSymbolsDir, keysymdefPath} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("X11 keyboard data not installed (%v); install xkb-data and x11proto-dev", err)
		}
	}
	db := &xkbDB{keysyms: map[string]rune{}, files: map[string]map[string]string{}, deflt: map[string]string{}}
	src, err := os.ReadFile(keysymdefPath)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^#define XK_(\w+)\s+0x[0-9a-fA-F]+\s*/\*\s*\(?U\+([0-9A-Fa-f]+)`)
	for _, m := range re.FindAllStringSubmatch(string(src), -1) {
		v, _ := strconv.ParseUint(m[2], 16, 32)
		db.keysyms[m[1]] = rune(v)
	}
	return db
}

var (
	xkbCommentRE = regexp.MustCompile(`//[^\n]*`)
	xkbSectionRE = regexp.MustCompile(`((?:\w+\s+)*)xkb_symbols\s+"([^"]+)"\s*\{`)
)

// section returns the body of file(section), "" for the file's default.
func (db *xkbDB) section(t *testing.T, file, sect string) string {
	t.Helper()
	secs, ok := db.files[file]
	if !ok {
		raw, err := os.ReadFile(filepath.Join(xkbSymbolsDir, file))
		if err != nil {
			t.Fatal(err)
		}
		src := xkbCommentRE.ReplaceAllString(string(raw), "")
		secs = map[string]string{}
		for _, m := range xkbSectionRE.FindAllStringSubmatchIndex(src, -1) {
			name := src[m[4]:m[5]]
			depth, j := 1, m[1]
			for ; j < len(src) && depth > 0; j++ {
				switch src[j] {
				case '{':
					depth++
				case '}':
					depth--
				}
			}
			secs[name] = src[m[1] : j-1]
			if db.deflt[file] == "" || strings.Contains(src[m[2]:m[3]], "default") {
				db.deflt[file] = name
			}
		}
		db.files[file] = secs
	}
	if sect == "" {
		sect = db.deflt[file]
	}
	body, ok := secs[sect]
	if !ok {
		t.Fatalf("xkb: no section %s(%s)", file, sect)
	}
	return body
}

var (
	xkbIncludeRE = regexp.MustCompile(`^include\s+"([^"(]+)(?:\(([^)]+)\))?"`)
	xkbKeyRE     = regexp.MustCompile(`^(?:(?:replace|override)\s+)?key\s+<(\w+)>\s*\{(.*)\}$`)
	xkbTypeRE    = regexp.MustCompile(`type(?:\[\w+\])?\s*=\s*"[^"]*"\s*,?`)
	xkbSymsRE    = regexp.MustCompile(`\[([^\]]*)\]`)
)

// load applies file(section) to km the way xkbcomp's default "override"
// merge does: each level a later definition names replaces the earlier one.
func (db *xkbDB) load(t *testing.T, spec string, km map[string][]string) {
	t.Helper()
	file, sect, _ := strings.Cut(strings.TrimSuffix(spec, ")"), "(")
	body := db.section(t, file, sect)
	// Split into statements at depth-0 semicolons.
	var stmts []string
	depth, start := 0, 0
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		case ';':
			if depth == 0 {
				stmts = append(stmts, strings.Join(strings.Fields(body[start:i]), " "))
				start = i + 1
			}
		case '\n':
			// include statements have no semicolon
			line := strings.TrimSpace(body[start:i])
			if depth == 0 && strings.HasPrefix(line, "include") {
				stmts = append(stmts, line)
				start = i + 1
			}
		}
	}
	for _, s := range stmts {
		if m := xkbIncludeRE.FindStringSubmatch(s); m != nil {
			inc := m[1]
			if m[2] != "" {
				inc += "(" + m[2] + ")"
			}
			db.load(t, inc, km)
			continue
		}
		m := xkbKeyRE.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		inner := xkbTypeRE.ReplaceAllString(m[2], "")
		inner = strings.Replace(inner, "symbols[Group1]", "", 1)
		sm := xkbSymsRE.FindStringSubmatch(inner)
		if sm == nil {
			continue
		}
		levels := strings.Split(sm[1], ",")
		old := km[m[1]]
		for i, l := range levels {
			l = strings.TrimSpace(l)
			if l == "" || l == "NoSymbol" {
				continue
			}
			for len(old) <= i {
				old = append(old, "")
			}
			old[i] = l
		}
		km[m[1]] = old
	}
}

func deadSym(k Key) sym { return -sym(k) }

var xkbUnicodeRE = regexp.MustCompile(`^U([0-9A-Fa-f]{4,6})$`)

// sym converts a keysym name to what our tables hold.
func (db *xkbDB) sym(t *testing.T, name string) sym {
	t.Helper()
	switch {
	case name == "":
		return 0
	case name == "BackSpace":
		return '\b'
	case name == "KP_Decimal":
		return '.'
	case name == "KP_Separator":
		return ','
	case name == "KP_Delete", name == "Caps_Lock":
		return 0 // no character
	}
	if k, ok := deadKeysyms[name]; ok {
		return deadSym(k)
	}
	if m := xkbUnicodeRE.FindStringSubmatch(name); m != nil {
		v, _ := strconv.ParseUint(m[1], 16, 32)
		return sym(v)
	}
	if strings.HasPrefix(name, "0x") {
		v, _ := strconv.ParseUint(name[2:], 16, 32)
		if v >= 0x1000000 {
			return sym(v - 0x1000000)
		}
		if v >= 0x20 && v <= 0xff {
			return sym(v)
		}
	}
	if r, ok := db.keysyms[name]; ok {
		return sym(r)
	}
	if strings.HasPrefix(name, "dead_") {
		t.Fatalf("xkb: dead keysym %s has no Key", name)
	}
	t.Fatalf("xkb: unknown keysym %q", name)
	return 0
}

// xkbLevels returns levels 1-4 of each of our keys for a layout.
func xkbLevels(t *testing.T, db *xkbDB, layout string) map[Key][4]sym {
	t.Helper()
	km := map[string][]string{}
	for _, spec := range xkbSources[layout] {
		db.load(t, spec, km)
	}
	out := map[Key][4]sym{}
	for name, k := range xkbKeys {
		var l [4]sym
		for i, s := range km[name] {
			if i < 4 {
				l[i] = db.sym(t, s)
			}
		}
		out[k] = l
	}
	return out
}

// TestLayoutsMatchXKB compares the four levels (base, Shift, AltGr,
// Shift+AltGr) of every main-block key, and the keypad decimal, with X11.
// Deliberate differences:
//   - Space is always ' ' (X11 colemak has a no-break space on level 4);
//   - layouts without an AltGr key (us, dvorak) ignore X11's levels 3-4
//     (X11 dvorak lists dead keys there that no modifier reaches);
//   - Caps Lock must be unmapped (a lock) except where X11 remaps it.
func TestLayoutsMatchXKB(t *testing.T) {
	db := openXKB(t)
	for _, name := range LayoutNames() {
		l, _ := LayoutByName(name)
		want := xkbLevels(t, db, name)
		for k, w := range want {
			if k == Space {
				continue
			}
			if k == NumpadDecimal {
				if got := l.decimal; got != rune(w[1]) {
					t.Errorf("%s: keypad decimal %q, X11 %q", name, got, rune(w[1]))
				}
				continue
			}
			got := l.keys[k].lv
			n := 4
			if !l.altGr {
				n = 2
			}
			for i := 0; i < n; i++ {
				if got[i] != w[i] {
					t.Errorf("%s: %v level %d = %v, X11 has %v", name, k, i+1, got[i], w[i])
				}
			}
		}
	}
}

// TestXKBDump prints the X11 tables in layouts.go's form.
func TestXKBDump(t *testing.T) {
	if os.Getenv("KEYBOARD_DUMP_XKB") == "" {
		t.Skip("set KEYBOARD_DUMP_XKB=1 to print the X11 tables")
	}
	db := openXKB(t)
	order := []Key{Backquote, Digit1, Digit2, Digit3, Digit4, Digit5, Digit6, Digit7,
		Digit8, Digit9, Digit0, Minus, Equal, KeyQ, KeyW, KeyE, KeyR, KeyT, KeyY,
		KeyU, KeyI, KeyO, KeyP, BracketLeft, BracketRight, Backslash, KeyA, KeyS,
		KeyD, KeyF, KeyG, KeyH, KeyJ, KeyK, KeyL, Semicolon, Quote, IntlBackslash,
		KeyZ, KeyX, KeyC, KeyV, KeyB, KeyN, KeyM, Comma, Period, Slash, CapsLock}
	for _, name := range LayoutNames() {
		l, _ := LayoutByName(name)
		lv := xkbLevels(t, db, name)
		fmt.Printf("// %s: %v; keypad decimal %s\n", name, xkbSources[name], symLit(lv[NumpadDecimal][1]))
		for _, k := range order {
			v := lv[k]
			if k == CapsLock && v[0] == 0 {
				continue
			}
			if !l.altGr {
				fmt.Printf("\t{%v, %s, %s, 0, 0},\n", k, symLit(v[0]), symLit(v[1]))
				continue
			}
			fmt.Printf("\t{%v, %s, %s, %s, %s},\n", k, symLit(v[0]), symLit(v[1]), symLit(v[2]), symLit(v[3]))
		}
	}
}

func symLit(s sym) string {
	switch {
	case s == 0:
		return "0"
	case s < 0:
		return "d" + strings.TrimPrefix(Key(-s).String(), "Dead")
	case s == '\'':
		return `'\''`
	case s == '\\':
		return `'\\'`
	case s < 0x20 || s == 0x7f:
		return strconv.QuoteRune(rune(s))
	}
	return "'" + string(rune(s)) + "'"
}
