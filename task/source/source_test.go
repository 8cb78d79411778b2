package source

import (
	"sync"
	"testing"

	"gokernel/task"
)

// A producer goroutine stands in for the interrupt handler; a task reads.
func TestSourceDelivers(t *testing.T) {
	s, err := New[int](8)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	e, _ := task.NewExecutor(2, nil)
	e.Spawn(task.ForEach[int](s, func(v int) { got = append(got, v) }))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 1000; i++ {
			for s.Pushed()+s.Dropped() <= uint64(i) {
				s.Push(i)
			}
		}
		s.Close()
	}()
	if err := e.Run(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if uint64(len(got)) != s.Pushed() || s.Pushed()+s.Dropped() != 1000 {
		t.Fatalf("got %d, pushed %d, dropped %d", len(got), s.Pushed(), s.Dropped())
	}
	for i := 1; i < len(got); i++ {
		if got[i] <= got[i-1] {
			t.Fatalf("out of order at %d: %d after %d", i, got[i], got[i-1])
		}
	}
}

func TestSourceFull(t *testing.T) {
	s, _ := New[byte](4)
	for i := 0; i < 10; i++ {
		s.Push(byte(i))
	}
	if s.Pushed() != 4 || s.Dropped() != 6 {
		t.Errorf("pushed %d dropped %d, want 4 and 6", s.Pushed(), s.Dropped())
	}
	s.Close()
	cx := task.NewContext(task.Waker{})
	for want := byte(0); want < 4; want++ {
		if v, ok, ready := s.PollNext(cx); !ready || !ok || v != want {
			t.Fatalf("PollNext = %d %v %v, want %d", v, ok, ready, want)
		}
	}
	if _, ok, ready := s.PollNext(cx); !ready || ok {
		t.Fatal("closed, drained source did not end")
	}
}
