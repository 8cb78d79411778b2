package task

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// after returns a future that is pending (waking itself) n times and then
// completes with v.
func after[T any](n int, v T) Future[T] {
	return FutureFunc[T](func(cx *Context) (T, bool) {
		if n > 0 {
			n--
			cx.Waker().Wake()
			var zero T
			return zero, false
		}
		return v, true
	})
}

// drive polls f with a no-op waker until it completes, at most limit
// times, and returns the value and the number of polls.
func drive[T any](t *testing.T, f Future[T], limit int) (T, int) {
	t.Helper()
	cx := NewContext(Waker{})
	for i := 1; i <= limit; i++ {
		if v, ok := f.Poll(cx); ok {
			return v, i
		}
	}
	t.Fatalf("not complete after %d polls", limit)
	panic("unreachable")
}

func TestReadyPendingYield(t *testing.T) {
	if v, n := drive(t, Ready("x"), 1); v != "x" || n != 1 {
		t.Errorf("Ready: %q after %d polls", v, n)
	}
	if _, ok := Pending[int]().Poll(NewContext(Waker{})); ok {
		t.Error("Pending completed")
	}
	if _, n := drive(t, Yield(), 5); n != 2 {
		t.Errorf("Yield completed after %d polls, want 2", n)
	}
}

func TestMapThen(t *testing.T) {
	f := Map(after(2, 20), func(v int) string { return fmt.Sprint(v + 1) })
	if v, n := drive(t, f, 10); v != "21" || n != 3 {
		t.Errorf("Map: %q after %d polls", v, n)
	}
	g := Then(after(1, 2), func(v int) Future[int] { return after(v, v*10) })
	if v, n := drive(t, g, 10); v != 20 || n != 4 {
		t.Errorf("Then: %d after %d polls, want 20 after 4", v, n)
	}
}

func TestJoin(t *testing.T) {
	var polled []int
	counted := func(i, n int) Future[int] {
		f := after(n, i)
		return FutureFunc[int](func(cx *Context) (int, bool) {
			polled = append(polled, i)
			return f.Poll(cx)
		})
	}
	v, n := drive(t, Join(counted(0, 2), counted(1, 0), counted(2, 1)), 10)
	if !slices.Equal(v, []int{0, 1, 2}) || n != 3 {
		t.Errorf("Join: %v after %d polls", v, n)
	}
	// Completed futures are not polled again.
	if want := []int{0, 1, 2, 0, 2, 0}; !slices.Equal(polled, want) {
		t.Errorf("polled %v, want %v", polled, want)
	}
	if v, n := drive(t, Join[int](), 1); len(v) != 0 || n != 1 {
		t.Errorf("empty Join: %v after %d polls", v, n)
	}
	p, n := drive(t, Join2(after(1, 7), after(3, "seven")), 10)
	if p != (Pair[int, string]{7, "seven"}) || n != 4 {
		t.Errorf("Join2: %+v after %d polls", p, n)
	}
}

// slowStream yields the numbers below n, pending (and waking itself)
// before each multiple of 10.
type slowStream struct{ next, n int }

func (s *slowStream) PollNext(cx *Context) (int, bool, bool) {
	if s.next >= s.n {
		return 0, false, true
	}
	if s.next%10 == 0 && s.next > 0 {
		s.next++ // pending once, then the item after
		cx.Waker().Wake()
		return 0, false, false
	}
	s.next++
	return s.next - 1, true, true
}

func TestForEach(t *testing.T) {
	var got []string
	f := ForEach[int](&slowStream{n: 25}, func(v int) { got = append(got, fmt.Sprint(v)) })
	_, n := drive(t, f, 10)
	want := "0 1 2 3 4 5 6 7 8 9 11 12 13 14 15 16 17 18 19 21 22 23 24"
	if strings.Join(got, " ") != want || n != 3 {
		t.Errorf("ForEach: %v after %d polls", got, n)
	}
}

// TestForEachBudget: a stream that is always ready does not keep its task
// for more than ForEachBudget items per poll, and the task runs to the end
// on an Executor with another task interleaved.
func TestForEachBudget(t *testing.T) {
	e, _ := testExecutor(t, 4)
	i := 0
	endless := StreamFunc[int](func(*Context) (int, bool, bool) {
		if i == 3*ForEachBudget+5 {
			return 0, false, true
		}
		i++
		return i, true, true
	})
	var log []string
	sum := 0
	forEach := ForEach[int](endless, func(v int) { sum += v })
	consumer := polls(func(n int, cx *Context) bool {
		_, done := forEach.Poll(cx)
		log = append(log, fmt.Sprint("consumer", i))
		return done
	})
	other := polls(func(n int, cx *Context) bool {
		log = append(log, "other")
		if n < 3 {
			cx.Waker().Wake()
		}
		return n == 3
	})
	mustSpawn(t, e, consumer)
	mustSpawn(t, e, other)
	mustRun(t, e)
	want := "consumer64 other consumer128 other consumer192 other consumer197"
	if got := strings.Join(log, " "); got != want {
		t.Errorf("log %s, want %s", got, want)
	}
	if n := 3*ForEachBudget + 5; sum != n*(n+1)/2 {
		t.Errorf("sum %d", sum)
	}
}
