package keyboard

import (
	"strings"
	"unicode"
)

// Layout maps the keys of the main block (and the keypad's decimal key) to
// characters. It has up to four levels per key: base, Shift, AltGr and
// Shift+AltGr. The built-in layouts are US, UK, German, French, Dvorak and
// Colemak; see layouts.go for their sources.
type Layout struct {
	name    string
	desc    string
	altGr   bool // right Alt is AltGr, and Ctrl+Alt acts as AltGr
	decimal rune // the keypad decimal key with Num Lock on
	keys    [numPhysical]keyLevels
}

// keyLevels is one key of a layout, ready for lookup: lv holds the four
// levels, caps what they give with Caps Lock on. A zero lv[0] means the
// layout does not map the key.
type keyLevels struct {
	lv, caps [4]sym
}

// sym is one level of a key: a rune, or a dead key stored as -Key.
type sym int32

// event turns a non-zero sym into an Event.
func (s sym) event() Event {
	if s < 0 {
		return Event{Key: Key(-s)}
	}
	return Event{Rune: rune(s)}
}

// Short names for dead keys in the layout tables.
const (
	dGrave       = -sym(DeadGrave)
	dAcute       = -sym(DeadAcute)
	dCircumflex  = -sym(DeadCircumflex)
	dTilde       = -sym(DeadTilde)
	dMacron      = -sym(DeadMacron)
	dBreve       = -sym(DeadBreve)
	dAboveDot    = -sym(DeadAboveDot)
	dDiaeresis   = -sym(DeadDiaeresis)
	dAboveRing   = -sym(DeadAboveRing)
	dDoubleAcute = -sym(DeadDoubleAcute)
	dCaron       = -sym(DeadCaron)
	dCedilla     = -sym(DeadCedilla)
	dOgonek      = -sym(DeadOgonek)
	dBelowDot    = -sym(DeadBelowDot)
	dHook        = -sym(DeadHook)
	dHorn        = -sym(DeadHorn)
	dBelowMacron = -sym(DeadBelowMacron)
)

// keyDef is one row of a layout table: levels 1-4 as X11 numbers them
// (base, Shift, AltGr, Shift+AltGr). A zero shift repeats base; a zero
// altGr means AltGr does not change the key; a zero shiftAltGr means
// Shift+AltGr gives the AltGr level.
type keyDef struct {
	key                            Key
	base, shift, altGr, shiftAltGr sym
}

// newLayout builds a layout and derives what Caps Lock does:
//
//   - On a letter key (base a lower-case letter, Shift its upper-case form)
//     Caps Lock swaps the base and Shift levels, so Caps+Shift gives the
//     lower-case letter, as on a PC. The same holds for levels 3 and 4
//     where they are such a pair (Colemak AltGr+a = á, Caps+AltGr+a = Á).
//   - On any other key Caps Lock capitalises a lower-case letter and leaves
//     everything else alone: the French é è ç à ù keys give É È Ç À Ù, and
//     digits and punctuation do not change. This is X11's Caps Lock
//     transformation (xkbcommon applies it when the key's type does not
//     consume Lock).
func newLayout(name, desc string, altGr bool, decimal rune, defs []keyDef) *Layout {
	l := &Layout{name: name, desc: desc, altGr: altGr, decimal: decimal}
	for _, d := range defs {
		if d.shift == 0 {
			d.shift = d.base
		}
		kl := &l.keys[d.key]
		kl.lv = [4]sym{d.base, d.shift, d.altGr, d.shiftAltGr}
		for i := 0; i < 4; i += 2 {
			if up, ok := upper(kl.lv[i]); ok && up == kl.lv[i+1] {
				kl.caps[i], kl.caps[i+1] = kl.lv[i+1], kl.lv[i]
			} else {
				kl.caps[i], kl.caps[i+1] = capitalise(kl.lv[i]), capitalise(kl.lv[i+1])
			}
		}
	}
	return l
}

// upper returns the upper-case form of a lower-case letter that has one
// which maps back to it (so µ, whose upper case is Greek Μ, has none).
func upper(s sym) (sym, bool) {
	r := rune(s)
	if s <= 0 || !unicode.IsLower(r) {
		return 0, false
	}
	u := unicode.ToUpper(r)
	if u == r || unicode.ToLower(u) != r {
		return 0, false
	}
	return sym(u), true
}

func capitalise(s sym) sym {
	if u, ok := upper(s); ok {
		return u
	}
	return s
}

// lookup returns what key k gives; ok is false where the layout does not
// map k. altGr must already account for whether the layout has AltGr. With
// AltGr held on a key that has no AltGr level, the key acts as without
// AltGr (as in X11).
func (l *Layout) lookup(k Key, shift, caps, altGr bool) (s sym, ok bool) {
	if k >= numPhysical {
		return 0, false
	}
	kl := &l.keys[k]
	if kl.lv[0] == 0 {
		return 0, false
	}
	t := &kl.lv
	if caps {
		t = &kl.caps
	}
	i := 0
	if altGr && t[2] != 0 {
		i = 2
	}
	if shift && t[i+1] != 0 {
		i++
	}
	return t[i], true
}

// Name returns the layout's short name, as LayoutByName takes it.
func (l *Layout) Name() string { return l.name }

// Description returns a one-line description with the layout's source.
func (l *Layout) Description() string { return l.desc }

// HasAltGr reports whether right Alt is AltGr (and Ctrl+Alt acts as AltGr).
func (l *Layout) HasAltGr() bool { return l.altGr }

// LayoutNames returns the names of the built-in layouts.
func LayoutNames() []string {
	names := make([]string, len(layouts))
	for i, l := range layouts {
		names[i] = l.name
	}
	return names
}

// LayoutByName returns the built-in layout with the given name (see
// LayoutNames; case is ignored).
func LayoutByName(name string) (*Layout, bool) {
	for _, l := range layouts {
		if strings.EqualFold(l.name, name) {
			return l, true
		}
	}
	return nil, false
}
