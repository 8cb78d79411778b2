package pit

import "sync/atomic"

// account is the tick accounting of channel 0, with no port I/O: the I/O
// shell in tick.go reads the counter and the OUT pin and passes what it
// read in, so host tests (account_test.go) can drive every sequence of
// events, including the races that QEMU shows only now and then.
//
// The count stays honest across tickless idle: a one-shot adds the ticks
// its count covered when it fires, or the input clocks elapsed so far (read
// back from the counter) when another interrupt ends the sleep first,
// carrying the remainder to the next tick.
type account struct {
	ticks   atomic.Uint64 // tick periods elapsed since start
	rem     uint64        // input clocks counted towards the next tick
	divisor uint64        // input clocks per periodic tick

	oneShot      bool   // the periodic tick is stopped for a one-shot count
	oneShotCount uint64 // what the one-shot was armed with
	fired        bool   // the one-shot's interrupt came
}

// add counts n input clocks. A loop, not a division: the interrupt path
// may not divide by a variable (the compiler's zero check calls the
// runtime), and n is at most a few dozen ticks.
//
//go:nosplit
func (a *account) add(n uint64) {
	a.rem += n
	for a.rem >= a.divisor && a.divisor != 0 {
		a.rem -= a.divisor
		a.ticks.Add(1)
	}
}

// needsOut reports whether interrupt needs the OUT pin read: only while a
// one-shot is armed and has not fired.
//
//go:nosplit
func (a *account) needsOut() bool { return a.oneShot && !a.fired }

// interrupt accounts for one IRQ 0; out is the OUT pin (see needsOut).
//
// In one-shot mode the interrupt may still be the periodic tick's: one
// that came while stop ran with interrupts disabled stays pending in the
// interrupt controller and arrives right after the halt begins. Crediting
// the whole one-shot count for it would run the tick count ahead of time
// (a test saw 253 ticks in 201 ms), so the one-shot's own interrupt is
// told by the OUT pin, high only once the count has run out.
//
//go:nosplit
func (a *account) interrupt(out bool) {
	switch {
	case !a.oneShot:
		a.ticks.Add(1)
	case a.fired:
	case !out:
		a.ticks.Add(1) // the periodic tick that was pending
	default:
		a.fired = true
		a.add(a.oneShotCount)
	}
}

// stop decides the one-shot count that replaces the periodic tick for a
// sleep of ns nanoseconds: whole ticks only, so the count keeps its phase,
// rounded up, so the interrupt comes at the deadline or just after it (one
// halt per deadline, not a short one-shot and then a tick), at most the
// counter's 16 bits, and none (ok false) for a sleep of one tick or less,
// which the periodic tick ends anyway. On ok the account is in one-shot
// mode.
//
//go:nosplit
func (a *account) stop(ns int64) (count uint64, ok bool) {
	if a.oneShot || a.divisor == 0 || ns <= 0 {
		return 0, false
	}
	// The check above proves divisor nonzero, so these divisions need
	// no runtime check (the idle loop is a ring-0 path too).
	clocks := uint64(maxCount)
	if ns < 1<<40 { // beyond 18 minutes the product would overflow
		clocks = min(uint64(ns)*InputHz/1_000_000_000, maxCount)
	}
	ticks := (clocks + a.divisor - 1) / a.divisor
	if ticks < 2 {
		return 0, false
	}
	n := min(ticks*a.divisor, maxCount/a.divisor*a.divisor)
	a.oneShot, a.fired, a.oneShotCount = true, false, n
	return n, true
}

// needsCount reports whether restart needs the counter's remaining count:
// only when the one-shot has neither fired nor run out.
//
//go:nosplit
func (a *account) restartNeedsCount(out bool) bool { return a.oneShot && !a.fired && !out }

// restart ends one-shot mode, crediting the clocks the one-shot covered:
// all of them if it fired or ran out (out: its interrupt is still pending
// then, and counts as one tick when it arrives; the counter has wrapped
// past zero, so it says nothing), else the count minus left, the count
// remaining. It reports whether the periodic tick must be reprogrammed.
//
//go:nosplit
func (a *account) restart(out bool, left uint64) bool {
	if !a.oneShot {
		return false
	}
	switch {
	case a.fired:
	case out:
		a.add(a.oneShotCount)
	default:
		if left <= a.oneShotCount {
			a.add(a.oneShotCount - left)
		}
	}
	a.oneShot = false
	return true
}
