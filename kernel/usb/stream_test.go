package usb

import (
	"slices"
	"testing"
	"time"

	"gokernel/keyboard"
	"gokernel/task"
	"gokernel/task/source"
)

// sim runs an executor on a virtual clock: when no task is runnable, the
// idle function jumps the clock to the next timer deadline, or calls
// step (the test's outside world) if there is none; when step has
// nothing left to do either, it stops the executor.
type sim struct {
	now   time.Duration
	q     *task.Timers
	e     *task.Executor
	step  func() bool
	idles int
}

func newSim(t *testing.T, step func() bool) *sim {
	s := &sim{step: step}
	s.q = task.NewTimers(func() time.Duration { return s.now })
	e, err := task.NewExecutor(16, func(queueEmpty func() bool, deadline time.Duration, has bool) {
		s.idles++
		switch {
		case !queueEmpty():
		case s.step != nil && s.step():
		case has:
			if deadline > s.now {
				s.now = deadline
			}
		default:
			s.e.Stop()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	e.SetTimers(s.q)
	s.e = e
	return s
}

// TestScancodeStream types through the stream on a virtual clock: a key
// held for 600 ms repeats (at 500 ms, then every 1/30 s), a report
// ignored is told to onError, and the end of the report stream releases
// what was held.
func TestScancodeStream(t *testing.T) {
	src, _ := source.New[[]byte](16)
	var errs []error
	var s *sim
	// The outside world: at given times, a report arrives.
	script := []struct {
		at time.Duration
		r  []byte
	}{
		{0, rep(0, 0x04)},                          // a down
		{600 * time.Millisecond, rep(0)},           // a up
		{700 * time.Millisecond, rep(shift, 0x05)}, // B down, Shift held
		{710 * time.Millisecond, []byte{1, 2}},     // short
		{720 * time.Millisecond, nil},              // unplugged while held
	}
	i := 0
	s = newSim(t, func() bool {
		if i == len(script) {
			return false
		}
		if d, ok := s.q.Next(); ok && d < script[i].at {
			return false // a timer comes first
		}
		s.now = max(s.now, script[i].at)
		if script[i].r == nil {
			src.Close()
		} else {
			src.Push(script[i].r)
		}
		i++
		return true
	})
	st := NewScancodeStream(src, s.q, nil, func(err error) { errs = append(errs, err) })
	var got []byte
	var times []time.Duration
	s.e.Spawn(task.ForEach[byte](st, func(b byte) {
		got = append(got, b)
		times = append(times, s.now)
	}))
	if err := s.e.Run(); err != nil {
		t.Fatal(err)
	}
	// a make, 4 repeats (at 500, 533.3, 566.7 and 599.99 ms: 1/30 s is
	// 33.333333 ms), a break at 600, Shift and B, then the releases at
	// the end.
	want := []byte{0x1E, 0x1E, 0x1E, 0x1E, 0x1E, 0x9E, 0x2A, 0x30, 0xAA, 0xB0}
	if !slices.Equal(got, want) {
		t.Errorf("bytes % x, want % x (times %v)", got, want, times)
	}
	if len(errs) != 1 || st.Stats().Ignored != 1 || st.Stats().Repeats != 4 {
		t.Errorf("errors %v, stats %+v", errs, st.Stats())
	}
	if times[1] != 500*time.Millisecond {
		t.Errorf("first repeat at %v", times[1])
	}
	if decode(keyboard.US, got) != "aaaaaB" {
		t.Errorf("decoded %q", decode(keyboard.US, got))
	}
}
