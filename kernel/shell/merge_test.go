package shell

import (
	"slices"
	"testing"

	"gokernel/task"
)

// script is a fake stream: each element is an item, or -1 for one pending
// result (the stream wakes the task first, as a producer would), and it
// ends after the last element. It counts its polls.
type script struct {
	items []int
	polls int
}

func (s *script) PollNext(cx *task.Context) (int, bool, bool) {
	s.polls++
	if len(s.items) == 0 {
		return 0, false, true
	}
	v := s.items[0]
	s.items = s.items[1:]
	if v < 0 {
		cx.Waker().Wake()
		return 0, false, false
	}
	return v, true, true
}

// drain polls m until it ends and returns the items, with -1 for each
// pending result.
func drain(t *testing.T, m task.Stream[int]) []int {
	t.Helper()
	cx := task.NewContext(task.Waker{})
	var out []int
	for range 1000 {
		v, ok, ready := m.PollNext(cx)
		switch {
		case !ready:
			out = append(out, -1)
		case !ok:
			if _, ok, ready := m.PollNext(cx); ok || !ready {
				t.Fatal("Merge: a poll after the end is not the end")
			}
			return out
		default:
			out = append(out, v)
		}
	}
	t.Fatal("Merge does not end")
	return nil
}

func TestMergeFair(t *testing.T) {
	a := &script{items: []int{1, 2, 3, 4}}
	b := &script{items: []int{10, 20}}
	c := &script{items: []int{100, 200, 300}}
	got := drain(t, Merge[int](a, b, c))
	want := []int{1, 10, 100, 2, 20, 200, 3, 300, 4}
	if !slices.Equal(got, want) {
		t.Errorf("Merge = %v, want %v", got, want)
	}
}

func TestMergePending(t *testing.T) {
	a := &script{items: []int{-1, 1, -1, -1, 2}}
	b := &script{items: []int{-1, -1, 10}}
	got := drain(t, Merge[int](a, b))
	// Poll 1: a and b pending. Poll 2: a gives 1. Poll 3 starts at b:
	// pending, then a: pending. Poll 4 starts at b: 10. Poll 5 starts at
	// a: pending, then b: ended. Poll 6: a gives 2; poll 7: a ended too.
	want := []int{-1, 1, -1, 10, -1, 2}
	if !slices.Equal(got, want) {
		t.Errorf("Merge = %v, want %v", got, want)
	}
}

// TestMergeFlood: a stream that always has an item cannot starve another.
func TestMergeFlood(t *testing.T) {
	flood := task.StreamFunc[int](func(*task.Context) (int, bool, bool) { return 7, true, true })
	other := &script{items: []int{1, 2, 3}}
	m := Merge[int](flood, other)
	cx := task.NewContext(task.Waker{})
	var got []int
	for range 8 {
		v, _, _ := m.PollNext(cx)
		got = append(got, v)
	}
	if want := []int{7, 1, 7, 2, 7, 3, 7, 7}; !slices.Equal(got, want) {
		t.Errorf("Merge = %v, want %v", got, want)
	}
}

func TestMergeEnds(t *testing.T) {
	if got := drain(t, Merge[int]()); len(got) != 0 {
		t.Errorf("Merge() = %v", got)
	}
	if got := drain(t, Merge[int](nil, &script{items: []int{5}}, nil)); !slices.Equal(got, []int{5}) {
		t.Errorf("Merge(nil, [5], nil) = %v", got)
	}
	// An ended stream is not polled again.
	a, b := &script{}, &script{items: []int{1, 2, 3}}
	drain(t, Merge[int](a, b))
	if a.polls != 1 {
		t.Errorf("the ended stream was polled %d times", a.polls)
	}
}

// TestMergeExecutor merges on a real executor: the streams' wakes reach
// the task that polls the merge.
func TestMergeExecutor(t *testing.T) {
	a := &script{items: []int{-1, 1, -1, 2}}
	b := &script{items: []int{-1, -1, 10, -1, 20}}
	ex, err := task.NewExecutor(2, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	ex.Spawn(task.ForEach(Merge[int](a, b), func(v int) { got = append(got, v) }))
	if err := ex.Run(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if want := []int{1, 2, 10, 20}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
