package task

import "time"

// Ticker is a Stream of ticks, every period: the n-th item is its
// deadline, start + n*period on its Timers' clock (start is when the
// Ticker was made). A consumer that falls behind gets missed ticks
// coalesced, as with time.Ticker: a poll that finds one or more ticks due
// yields the earliest of them, and the next tick is then the first one
// after the current time; the others are dropped. So ticks come at most
// once a period, and a late consumer can tell how late it is from the
// deadline it receives.
//
// A Ticker is in the queue only while its consumer waits for the next
// tick, armed as a Timer is. Stop ends the stream.
type Ticker struct {
	timer
	period time.Duration
}

// PollNext yields the deadline of the next tick once it has passed,
// coalescing missed ticks (see Ticker), and reports the end of the stream
// after Stop.
func (k *Ticker) PollNext(cx *Context) (time.Duration, bool, bool) {
	if k.state == timerCancelled {
		return 0, false, true
	}
	now := k.q.now()
	if now >= k.when {
		k.disarm()
		k.state = timerPending
		tick := k.when
		// The first tick after now: skip the missed ones.
		missed := (now - tick) / k.period
		k.when = addSat(addSat(tick, missed*k.period), k.period)
		return tick, true, true
	}
	if k.idx < 0 {
		k.q = k.queueFor(cx)
		k.q.arm(&k.timer, cx.Waker())
	} else {
		k.rewait(cx.Waker())
	}
	return 0, false, false
}

// Period returns the ticker's period.
func (k *Ticker) Period() time.Duration { return k.period }

// Stop ends the stream: the Ticker leaves the queue and its later polls
// report the end. Unlike Timer.Cancel, Stop wakes a consumer that is
// waiting for a tick, so that it sees the end (as closing a channel wakes
// its receivers); a consumer stopping its own Ticker gets one extra poll.
// Stopping a stopped Ticker does nothing.
func (k *Ticker) Stop() {
	if k.state == timerCancelled {
		return
	}
	w := k.waker
	k.disarm()
	k.state = timerCancelled
	w.Wake()
}
