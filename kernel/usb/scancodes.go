package usb

import "time"

// Scancodes turns a boot keyboard's reports into the scan code set 1
// bytes a PS/2 keyboard would have sent for the same keys, typematic
// repeat included: BootKeyboard, then Set1, with Repeat. It is pure: the
// caller gives the time of each report and asks for repeats when
// NextRepeat is due (ScancodeStream does both on the executor's timers).
type Scancodes struct {
	kbd       BootKeyboard
	rep       Repeat
	st        ScancodeStats
	sysRqHeld bool // Print Screen went down with Alt, as SysRq
	backslash int  // usages 0x31 and 0x32 held: both are set 1's 2B
}

// ScancodeStats counts what Scancodes could not pass on.
type ScancodeStats struct {
	Reports  uint64 // reports accepted
	Ignored  uint64 // reports refused (short, phantom)
	Unmapped uint64 // key events whose usage has no set 1 code
	Repeats  uint64 // repeated make codes sent
}

// NewScancodes returns a converter with the given repeat delay and
// interval (0 for the defaults, DefaultDelay and DefaultInterval).
func NewScancodes(delay, interval time.Duration) *Scancodes {
	return &Scancodes{rep: Repeat{Delay: delay, Interval: interval}}
}

// Report appends the bytes for report, received at now, to out. A
// refused report appends nothing and returns its error; the keys stay as
// they were.
func (s *Scancodes) Report(report []byte, now time.Duration, out []byte) ([]byte, error) {
	ev, err := s.kbd.Feed(report)
	if err != nil {
		s.st.Ignored++
		return out, err
	}
	s.st.Reports++
	mods := report[0]
	for _, e := range ev.Slice() {
		out = s.event(e, mods, false, out)
		if e.Down {
			s.rep.Press(e.Usage, now)
		} else {
			s.rep.Release(e.Usage)
		}
	}
	return out, nil
}

// event appends e's bytes. A repeat sends the make code of the press it
// repeats.
func (s *Scancodes) event(e KeyEvent, mods uint8, repeat bool, out []byte) []byte {
	if e.Usage == usagePrintScreen {
		// Repeated and released as it was pressed, SysRq or Print
		// Screen, whatever Alt does in between: the decoder holds the
		// key it saw go down.
		if e.Down && !repeat {
			s.sysRqHeld = mods&modAlt != 0
		}
		mods = 0
		if s.sysRqHeld {
			mods = modAlt
		}
	}
	if (e.Usage == usageBackslash || e.Usage == usageNonUSHash) && !repeat {
		// Two usages, one set 1 key: its make goes out with the first
		// usage down and its break with the last one up, so that the
		// decoder never sees it pressed twice or released while held.
		if e.Down {
			if s.backslash++; s.backslash > 1 {
				return out
			}
		} else if s.backslash--; s.backslash > 0 {
			return out
		}
	}
	out, ok := Set1(e, mods, out)
	if !ok {
		s.st.Unmapped++
	}
	return out
}

// NextRepeat returns when the next repeat is due, and false if no key
// repeats.
func (s *Scancodes) NextRepeat() (time.Duration, bool) { return s.rep.Next() }

// Repeat appends the repeated make code if one is due at now.
func (s *Scancodes) Repeat(now time.Duration, out []byte) []byte {
	if u, ok := s.rep.Due(now); ok {
		s.st.Repeats++
		out = s.event(KeyEvent{u, true}, 0, true, out)
	}
	return out
}

// ReleaseAll appends the releases of every key held and stops the
// repeat: for a keyboard that went away, so that no key stays stuck
// downstream.
func (s *Scancodes) ReleaseAll(out []byte) []byte {
	s.rep.Stop()
	ev := s.kbd.ReleaseAll()
	for _, e := range ev.Slice() {
		out = s.event(e, 0, false, out)
	}
	return out
}

// Stats returns the counters.
func (s *Scancodes) Stats() ScancodeStats { return s.st }
