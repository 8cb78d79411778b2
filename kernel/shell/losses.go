package shell

import (
	"io"
	"strconv"
	"time"

	"gokernel/keyboard"
	"gokernel/task"
)

// Lost input. An input stream that can lose bytes (the serial line: a
// full queue, a UART overrun) marks the place with InputLost, an event of
// its own in the stream (MarkLosses). The shell then knows that the line
// being typed has a hole, and does not run it: it says so, with the count
// of bytes lost, and the line ends, unrun, at the next Enter; the keys
// after the hole are still shown, as they were typed. The line is said at
// most once per DropReportInterval, like the keypress printer's line for
// scancodes (keyboard.KeypressPrinter); losses in between discard their
// lines silently and are counted in the next report.

// InputLost is the event MarkLosses puts where input was lost. Its Key is
// none the keyboard decoders give.
var InputLost = keyboard.Event{Key: inputLostKey}

const inputLostKey keyboard.Key = 0xFFFF

// DropReportInterval is the least time between two reports of lost input.
const DropReportInterval = time.Second

// MarkLosses passes the events of in on, and yields InputLost before the
// first event decoded after a loss. gaps counts the losses the bytes read
// so far came after (uart.Input.Gaps); the event stream reads bytes only
// as far as the event it returns, so the mark lands where the hole is.
func MarkLosses(in task.Stream[keyboard.Event], gaps func() uint64) task.Stream[keyboard.Event] {
	return &marked{in: in, gaps: gaps}
}

type marked struct {
	in      task.Stream[keyboard.Event]
	gaps    func() uint64
	seen    uint64
	held    keyboard.Event
	hasHeld bool
}

func (m *marked) PollNext(cx *task.Context) (keyboard.Event, bool, bool) {
	if m.hasHeld {
		m.hasHeld = false
		return m.held, true, true
	}
	ev, ok, ready := m.in.PollNext(cx)
	if g := m.gaps(); g != m.seen {
		m.seen = g
		if ok {
			m.held, m.hasHeld = ev, true
		}
		return InputLost, true, true
	}
	return ev, ok, ready
}

// lost handles InputLost: the line being typed is not run, and the loss
// is reported unless the last report is younger than DropReportInterval.
func (t *shellTask) lost() {
	t.discard = true
	sh := t.sh
	now := sh.sys.Uptime()
	if t.lostReported && now-t.lastLost < DropReportInterval {
		return
	}
	n := sh.sys.SerialDropped()
	io.WriteString(sh.out, "\nserial: "+strconv.FormatUint(n-t.dropsReported, 10)+
		" bytes of input dropped; the line they fell in is discarded\n")
	t.dropsReported, t.lastLost, t.lostReported = n, now, true
	sh.ed.Redraw()
}
