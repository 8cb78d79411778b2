package keyboard

import (
	"sync/atomic"

	"gokernel/task"
)

// EventBudget is the number of input bytes an event stream decodes in one
// PollNext without finding an event before it yields (wakes its task and
// returns pending): a flood of bytes that make no event (key releases,
// garbage) cannot keep its task from returning to the executor.
const EventBudget = 64

// EventStream is the stream of key events decoded from a stream of set 1
// scancodes, with a layout that can be switched while it runs: what Events
// returns. It implements task.Stream[Event] and has a single consumer task.
type EventStream struct {
	src    task.Stream[byte]
	dec    *Decoder
	layout atomic.Pointer[Layout] // what SetLayout asked for
	onLEDs func(leds uint8)
	ended  bool
}

// Events returns the stream of the key presses that the scancodes of s
// make, decoded with layout l (US if nil) with Ctrl+letter as control
// characters (CtrlMapsToControlChars): the runes and keys that Decoder.Feed
// yields, one event per press. If onLEDs is not nil, it is called (by the
// consuming task, from PollNext) when a lock key changes the lock LEDs,
// with the byte the keyboard's Set LEDs command (ED) takes: bit 0 Scroll
// Lock, bit 1 Num Lock, bit 2 Caps Lock. The stream ends when s is closed
// and drained.
//
//	s, err := ps2.Open() // the kernel's PS/2 driver, kernel/dev/ps2
//	...
//	keys := keyboard.Events(s, keyboard.US, setLEDs)
//	executor.Spawn(shell.Task(keys))
//	...
//	keys.SetLayout(keyboard.German) // the keymap command
func Events(s task.Stream[byte], l *Layout, onLEDs func(leds uint8)) *EventStream {
	if l == nil {
		l = US
	}
	es := &EventStream{src: s, dec: NewDecoder(l, CtrlMapsToControlChars), onLEDs: onLEDs}
	es.layout.Store(l)
	return es
}

// SetLayout switches the layout (US if nil) from the next key on; keys
// held and locks are kept. It may be called from any goroutine or task.
func (es *EventStream) SetLayout(l *Layout) {
	if l == nil {
		l = US
	}
	es.layout.Store(l)
}

// Layout returns the layout that SetLayout last set (or Events gave).
func (es *EventStream) Layout() *Layout { return es.layout.Load() }

// Stats returns the decoder's counters.
func (es *EventStream) Stats() Stats { return es.dec.Stats() }

// Modifiers returns the modifiers held after the last scancode decoded, for
// a consumer that wants Alt+F1 and the like.
func (es *EventStream) Modifiers() Modifiers { return es.dec.Modifiers() }

// PollNext decodes scancodes until one completes a key press and returns
// its event; it is pending when the scancodes run out first, and ended
// once the scancode stream has ended. After EventBudget scancodes without
// an event it yields.
func (es *EventStream) PollNext(cx *task.Context) (Event, bool, bool) {
	if es.ended {
		return Event{}, false, true
	}
	if l := es.layout.Load(); l != es.dec.Layout() {
		es.dec.SetLayout(l)
	}
	for range EventBudget {
		b, ok, ready := es.src.PollNext(cx)
		switch {
		case !ready:
			return Event{}, false, false
		case !ok:
			es.ended = true
			return Event{}, false, true
		}
		e, got := es.dec.Feed(b)
		if leds, changed := es.dec.LEDs(); changed && es.onLEDs != nil {
			es.onLEDs(leds)
		}
		if got {
			return e, true, true
		}
	}
	cx.Waker().Wake()
	return Event{}, false, false
}

// SerialEventStream is the stream of key events decoded from the bytes a
// serial terminal sends, through an ANSIDecoder: what SerialEvents
// returns. It implements task.Stream[Event] and has a single consumer
// task.
type SerialEventStream struct {
	src     task.Stream[byte]
	dec     ANSIDecoder
	next    Event // the second event of the last Feed, if hasNext
	hasNext bool
	ended   bool
}

// SerialEvents returns the stream of the key events that the bytes of a
// serial terminal make (see ANSIDecoder): the same events as Events gives
// for a PC keyboard, so a shell reads either, or both merged. The stream
// ends when bytes ends; a lone ESC pending then is given as Escape first.
// A lone ESC is otherwise held until the next byte (see ANSIDecoder.Flush):
// it is usually the start of an arrow key's sequence whose rest is still
// on the wire.
func SerialEvents(bytes task.Stream[byte]) *SerialEventStream {
	return &SerialEventStream{src: bytes}
}

// Stats returns the decoder's counters.
func (ss *SerialEventStream) Stats() ANSIStats { return ss.dec.Stats() }

// PollNext decodes bytes until one completes an event and returns it; it
// is pending when the bytes run out first, and ended once the byte stream
// has ended (after a pending Escape). After EventBudget bytes without an
// event it yields.
func (ss *SerialEventStream) PollNext(cx *task.Context) (Event, bool, bool) {
	if ss.hasNext {
		ss.hasNext = false
		return ss.next, true, true
	}
	if ss.ended {
		return Event{}, false, true
	}
	for range EventBudget {
		b, ok, ready := ss.src.PollNext(cx)
		switch {
		case !ready:
			return Event{}, false, false
		case !ok:
			ss.ended = true
			if e, ok := ss.dec.Flush(); ok {
				return e, true, true
			}
			return Event{}, false, true
		}
		ev, n := ss.dec.Feed(b)
		switch n {
		case 2:
			ss.next, ss.hasNext = ev[1], true
			fallthrough
		case 1:
			return ev[0], true, true
		}
	}
	cx.Waker().Wake()
	return Event{}, false, false
}
