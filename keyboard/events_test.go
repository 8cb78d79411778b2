package keyboard

import (
	"slices"
	"testing"
	"time"

	"gokernel/task"
)

// chunkedBytes is a fake byte stream: it gives the bytes of each chunk,
// then is pending once (after waking the task, as a new interrupt would)
// before the next chunk, and ends after the last one. It counts its
// pending results.
type chunkedBytes struct {
	chunks  [][]byte
	gap     bool // the current chunk is used up: the next poll is pending
	pending int
}

func (s *chunkedBytes) PollNext(cx *task.Context) (byte, bool, bool) {
	for len(s.chunks) > 0 && len(s.chunks[0]) == 0 {
		s.chunks = s.chunks[1:]
		s.gap = true
	}
	if s.gap && len(s.chunks) > 0 {
		s.gap = false
		s.pending++
		cx.Waker().Wake()
		return 0, false, false
	}
	if len(s.chunks) == 0 {
		return 0, false, true
	}
	b := s.chunks[0][0]
	s.chunks[0] = s.chunks[0][1:]
	return b, true, true
}

// collect polls s with a no-op waker until it ends, and returns its events
// and the number of pending results.
func collect(t *testing.T, s task.Stream[Event]) (evs []Event, pending int) {
	t.Helper()
	cx := task.NewContext(task.Waker{})
	for range 10000 {
		e, ok, ready := s.PollNext(cx)
		switch {
		case !ready:
			pending++
		case !ok:
			if e2, ok, ready := s.PollNext(cx); ok || !ready || e2 != (Event{}) {
				t.Errorf("poll after the end: %v, %v, %v", e2, ok, ready)
			}
			return evs, pending
		default:
			evs = append(evs, e)
		}
	}
	t.Fatal("the stream does not end")
	return nil, 0
}

func TestEvents(t *testing.T) {
	src := &chunkedBytes{chunks: [][]byte{
		typeUS(t, "hi"),
		{0x3A, 0xBA},             // Caps Lock
		typeUS(t, "a\b\n"),       // with Caps Lock: A
		{0xE0, 0x48, 0xE0, 0xC8}, // ArrowUp
	}}
	var leds []uint8
	es := Events(src, nil, func(l uint8) { leds = append(leds, l) })
	got, pending := collect(t, es)
	want := cat("hi", ky(CapsLock), "A", rn('\b'), rn('\n'), ky(ArrowUp))
	if !slices.Equal(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}
	if pending != 3 {
		t.Errorf("%d pending polls, want 3 (between the chunks)", pending)
	}
	if !slices.Equal(leds, []uint8{ledNum | ledCaps}) {
		t.Errorf("LEDs %v, want [%d]", leds, ledNum|ledCaps)
	}
	if es.Layout() != US {
		t.Errorf("Layout = %v", es.Layout().Name())
	}
	if s := es.Stats(); s.Events != uint64(len(want)) {
		t.Errorf("Stats %+v", s)
	}
}

func TestEventsSetLayout(t *testing.T) {
	// 0x15 is the key labelled Y on a US keyboard and Z on a German one.
	src := &chunkedBytes{chunks: [][]byte{{0x15, 0x95}, {0x15, 0x95}, {0x15, 0x95}}}
	es := Events(src, US, nil)
	cx := task.NewContext(task.Waker{})
	next := func() Event {
		t.Helper()
		for range 10 {
			if e, ok, ready := es.PollNext(cx); ready && ok {
				return e
			}
		}
		t.Fatal("no event")
		return Event{}
	}
	if e := next(); e != rn('y') {
		t.Errorf("US: %v", e)
	}
	es.SetLayout(German)
	if e := next(); e != rn('z') || es.Layout() != German {
		t.Errorf("German: %v", e)
	}
	es.SetLayout(nil)
	if e := next(); e != rn('y') || es.Layout() != US {
		t.Errorf("nil (US): %v", e)
	}
}

// TestEventsScancodeStream runs Events over the real scancode stream, fed
// by AddScancode as the interrupt handler feeds it, on an executor.
func TestEventsScancodeStream(t *testing.T) {
	s := openStream(t)
	es := Events(s, US, nil)
	var got []Event
	e, err := task.NewExecutor(4, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.Spawn(task.ForEach[Event](es, func(ev Event) { got = append(got, ev) }))
	for _, b := range typeUS(t, "ok\n") {
		AddScancode(b)
	}
	s.Close()
	if err := runWithin(t, e, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if want := cat("ok", rn('\n')); !slices.Equal(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}
}

// runWithin runs the executor and fails the test if Run has not returned
// after d (a lost wake would make it spin for ever).
func runWithin(t *testing.T, e *task.Executor, d time.Duration) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- e.Run() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		e.Stop()
		<-done
		t.Fatal("the executor did not finish: a task was never woken")
		return nil
	}
}

// TestEventsBudget checks that a long run of bytes without events (key
// releases) makes the stream yield, and that it wakes its task to come
// back.
func TestEventsBudget(t *testing.T) {
	var junk []byte
	for range 3 * EventBudget {
		junk = append(junk, 0x9E) // stray release of A: no event
	}
	junk = append(junk, 0x1E, 0x9E)
	src := &chunkedBytes{chunks: [][]byte{junk}}
	es := Events(src, nil, nil)
	evs, pending := collect(t, es)
	if !slices.Equal(evs, runes("a")) || pending != 3 {
		t.Errorf("events %v after %d pending polls; want [a] after 3", evs, pending)
	}
	// On an executor: the yields must wake the task, or Run never ends.
	src = &chunkedBytes{chunks: [][]byte{slices.Clone(junk)}}
	ex, err := task.NewExecutor(2, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []Event
	ex.Spawn(task.ForEach[Event](Events(src, nil, nil), func(ev Event) { got = append(got, ev) }))
	if err := runWithin(t, ex, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, runes("a")) {
		t.Errorf("on the executor: %v", got)
	}
}

func TestSerialEvents(t *testing.T) {
	src := &chunkedBytes{chunks: [][]byte{
		[]byte("ls\r"),
		[]byte("\n\x1b"), // CR LF split across chunks; a lone ESC held back
		[]byte("[A\x1b"),
		[]byte("x\x7f"),           // ESC x: Escape and x from one byte
		[]byte("\x1b[3~\x03\x1b"), // ends in a lone ESC: Escape at the end
	}}
	ss := SerialEvents(src)
	got, pending := collect(t, ss)
	want := cat("ls", rn('\n'), ky(ArrowUp), rn(0x1B), "x", rn('\b'), ky(Delete), rn(3), rn(0x1B))
	if !slices.Equal(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}
	if pending != 4 {
		t.Errorf("%d pending polls, want 4", pending)
	}
	if s := ss.Stats(); s.Bytes != 16 || s.Events != uint64(len(want)) {
		t.Errorf("Stats %+v", s)
	}
}

func TestSerialEventsBudget(t *testing.T) {
	var junk []byte
	for range 2 * EventBudget {
		junk = append(junk, 0) // NUL: ignored
	}
	junk = append(junk, 'a')
	evs, pending := collect(t, SerialEvents(&chunkedBytes{chunks: [][]byte{junk}}))
	if !slices.Equal(evs, runes("a")) || pending != 2 {
		t.Errorf("events %v after %d pending polls; want [a] after 2", evs, pending)
	}
}
