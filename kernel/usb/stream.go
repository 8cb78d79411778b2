package usb

import (
	"gokernel/task"
)

// ReportBudget is the number of reports that make no byte (repeated
// reports, refused ones) that PollNext takes in one poll before it
// yields, so that a flood of them cannot keep its task from returning to
// the executor.
const ReportBudget = 64

// ScancodeStream is a USB boot keyboard as a stream of scan code set 1
// bytes: what ps2.ScancodeStream is for the 8042, so keyboard.Events
// decodes either. It reads the keyboard's reports from a stream (the
// interrupt IN endpoint's transfers, one report each) and arms a timer
// on the executor's timer queue for the typematic repeat. It implements
// task.Stream[byte] and has a single consumer task; nothing in its
// PollNext waits.
//
// When the report stream ends (the keyboard was unplugged) it sends the
// releases of the keys still held, then ends.
type ScancodeStream struct {
	reports task.Stream[[]byte]
	timers  *task.Timers
	conv    *Scancodes
	onError func(error)

	buf   []byte // bytes made and not yet returned
	pos   int
	quiet int         // reports in this poll that made no byte
	timer *task.Timer // armed for the next repeat
	ended bool
}

// NewScancodeStream returns the stream over reports, with repeat timers
// on q (task.DefaultTimers() if nil) and conv's repeat settings (a
// default Scancodes if nil). onError, if not nil, is told of each
// refused report, from PollNext.
func NewScancodeStream(reports task.Stream[[]byte], q *task.Timers, conv *Scancodes, onError func(error)) *ScancodeStream {
	if q == nil {
		q = task.DefaultTimers()
	}
	if conv == nil {
		conv = NewScancodes(0, 0)
	}
	return &ScancodeStream{reports: reports, timers: q, conv: conv, onError: onError}
}

// Stats returns the converter's counters.
func (s *ScancodeStream) Stats() ScancodeStats { return s.conv.Stats() }

// PollNext returns the next byte: one already made, else those of the
// next report, else a repeat when its timer has fired; pending while
// there is none of these, ended after the report stream ended and the
// releases were given.
func (s *ScancodeStream) PollNext(cx *task.Context) (byte, bool, bool) {
	s.quiet = 0
	for {
		if s.pos < len(s.buf) {
			b := s.buf[s.pos]
			s.pos++
			return b, true, true
		}
		s.buf, s.pos = s.buf[:0], 0
		if s.ended {
			return 0, false, true
		}
		r, ok, ready := s.reports.PollNext(cx)
		now := s.timers.Now()
		switch {
		case ready && !ok:
			s.cancel()
			s.buf = s.conv.ReleaseAll(s.buf)
			s.ended = true
			continue
		case ready:
			var err error
			s.buf, err = s.conv.Report(r, now, s.buf)
			if err != nil && s.onError != nil {
				s.onError(err)
			}
			s.cancel() // the repeat may have changed; rearmed below when idle
			if len(s.buf) == 0 {
				if s.quiet++; s.quiet == ReportBudget {
					// A flood of reports that change nothing: yield.
					s.quiet = 0
					cx.Waker().Wake()
					return 0, false, false
				}
			}
			continue
		}
		s.buf = s.conv.Repeat(now, s.buf)
		if len(s.buf) > 0 {
			s.cancel()
			continue
		}
		// Nothing to give: wait for a report (the stream registered our
		// waker) or for the next repeat.
		next, on := s.conv.NextRepeat()
		if !on {
			s.cancel()
			return 0, false, false
		}
		if s.timer == nil || s.timer.Deadline() != next {
			s.cancel()
			s.timer = s.timers.At(next)
		}
		if _, due := s.timer.Poll(cx); due {
			s.timer = nil
			continue
		}
		return 0, false, false
	}
}

func (s *ScancodeStream) cancel() {
	if s.timer != nil {
		s.timer.Cancel()
		s.timer = nil
	}
}
