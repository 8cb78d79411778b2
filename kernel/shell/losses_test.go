package shell

import (
	"testing"
	"time"

	"gokernel/keyboard"
	"gokernel/task"
)

// A hole in the input: the line it falls in is not run, whether the hole
// comes before its first key, in its middle, or as its Enter is pending;
// the shell says how many bytes were lost, at most once a second.
func TestShellInputLost(t *testing.T) {
	var h *harness
	lose := func(n uint64) call { return call(func() { h.sys.dropped += n }) }
	h = newHarness(t,
		"echo par", lose(7), InputLost, "tial\n", // a spliced line: not run
		"echo ok\n",
		call(func() { h.sys.now += 2 * time.Second }),
		lose(3), InputLost, "lo\n", // a line whose start was lost
		lose(2), InputLost, "echo x\n", // within the second: discarded, not said
		call(func() { h.sys.now += 2 * time.Second }),
		lose(4), InputLost, "\n",
		"echo fine\n",
	)
	checkTranscript(t, h.run(), "> echo par\n"+
		"serial: 7 bytes of input dropped; the line they fell in is discarded\n"+
		"> echo partial\n"+
		"> echo ok\nok\n"+
		">\nserial: 3 bytes of input dropped; the line they fell in is discarded\n"+
		"> lo\n"+
		"> echo x\n"+
		">\nserial: 6 bytes of input dropped; the line they fell in is discarded\n"+
		">\n"+
		"> echo fine\nfine\n"+ended)
}

// MarkLosses puts InputLost before the first event after a loss, once
// per loss, and passes everything else on in order.
func TestMarkLosses(t *testing.T) {
	in := &fakeInput{}
	var gaps uint64
	m := MarkLosses(in, func() uint64 { return gaps })
	var got []keyboard.Event
	cx := task.NewContext(task.Waker{})
	next := func() {
		t.Helper()
		ev, ok, ready := m.PollNext(cx)
		if ok && ready {
			got = append(got, ev)
		}
	}
	a, b, c := keyboard.Event{Rune: 'a'}, keyboard.Event{Rune: 'b'}, keyboard.Event{Rune: 'c'}
	in.q = append(in.q, a)
	next()
	in.q = append(in.q, b)
	gaps++ // b came after a loss
	next()
	next()
	in.q = append(in.q, c)
	next()
	next() // pending: nothing
	want := []keyboard.Event{a, InputLost, b, c}
	if len(got) != len(want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("events %v, want %v", got, want)
		}
	}
}
