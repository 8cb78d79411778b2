package usb

import "time"

// Typematic repeat, which a PS/2 keyboard does itself and a USB keyboard
// leaves to the host (HID 1.11 Appendix F.3, "Keyboard: Typematic"):
// after a key has been held for Delay, its make code is sent again every
// Interval, until it is released or another key is pressed (which then
// repeats instead). Modifiers and Pause do not repeat.
const (
	DefaultDelay    = 500 * time.Millisecond
	DefaultInterval = time.Second / 30 // about 30 repeats a second
)

// Repeat is the repeat state as a pure state machine on a clock the
// caller gives: Press and Release at the times the reports arrive, Due
// when the clock has reached Next. The zero Repeat uses the defaults.
type Repeat struct {
	Delay, Interval time.Duration

	usage uint8 // the key that repeats, while active
	next  time.Duration
	on    bool
}

// Repeats reports whether usage u repeats at all.
func Repeats(u uint8) bool { return u >= 0x04 && u < usageLeftCtrl && u != usagePause }

// Press starts repeating u (if it repeats) from now; the first repeat is
// due after Delay.
func (r *Repeat) Press(u uint8, now time.Duration) {
	if !Repeats(u) {
		return
	}
	d := r.Delay
	if d <= 0 {
		d = DefaultDelay
	}
	r.usage, r.next, r.on = u, now+d, true
}

// Release stops the repeat if u is the key repeating.
func (r *Repeat) Release(u uint8) {
	if r.on && r.usage == u {
		r.on = false
	}
}

// Stop stops any repeat.
func (r *Repeat) Stop() { r.on = false }

// Next returns when the next repeat is due, and false if none is.
func (r *Repeat) Next() (time.Duration, bool) { return r.next, r.on }

// Due returns the key to send again if a repeat is due at now, and
// schedules the one after. Repeats missed by a late caller are dropped,
// not sent in a burst: the next is due one Interval after now.
func (r *Repeat) Due(now time.Duration) (usage uint8, ok bool) {
	if !r.on || now < r.next {
		return 0, false
	}
	iv := r.Interval
	if iv <= 0 {
		iv = DefaultInterval
	}
	r.next += iv
	if r.next <= now {
		r.next = now + iv
	}
	return r.usage, true
}
