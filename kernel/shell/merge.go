package shell

import "gokernel/task"

// Merge returns a stream of the items of all the streams, in the order
// they become ready: the shell reads the PS/2 keyboard and the serial
// terminal as one input. Each PollNext polls the streams that have not
// ended, round robin, starting after the one that gave the last item, and
// returns the first item found; so a stream that always has an item ready
// cannot starve the others. It is pending when every live stream is (each
// has the task's waker), and ends when all have ended (at once, for no
// streams). A nil stream counts as ended.
func Merge[T any](streams ...task.Stream[T]) task.Stream[T] {
	m := &merged[T]{s: make([]task.Stream[T], len(streams))}
	for i, s := range streams {
		if s != nil {
			m.s[i] = s
			m.live++
		}
	}
	return m
}

type merged[T any] struct {
	s    []task.Stream[T] // nil once ended
	next int              // where the next poll starts
	live int              // streams not ended
}

func (m *merged[T]) PollNext(cx *task.Context) (T, bool, bool) {
	var zero T
	n := len(m.s)
	for i := 0; i < n && m.live > 0; i++ {
		j := (m.next + i) % n
		s := m.s[j]
		if s == nil {
			continue
		}
		v, ok, ready := s.PollNext(cx)
		switch {
		case !ready:
			continue
		case !ok:
			m.s[j] = nil
			m.live--
			continue
		}
		m.next = (j + 1) % n
		return v, true, true
	}
	if m.live == 0 {
		return zero, false, true
	}
	return zero, false, false
}
