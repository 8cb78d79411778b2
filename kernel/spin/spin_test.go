package spin

import (
	"sync"
	"testing"
)

// TestMutualExclusion: goroutines standing for CPUs increment a counter
// under the lock; none is lost (the race detector watches the counter).
func TestMutualExclusion(t *testing.T) {
	var l Lock
	l.Init(1)
	counter := 0
	var wg sync.WaitGroup
	const owners, rounds = 8, 2000
	for o := 0; o < owners; o++ {
		wg.Add(1)
		go func(o int) {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				if v := l.Acquire(o); v != OK {
					t.Errorf("owner %d: violation %d", o, v)
				}
				counter++
				l.Release(o)
			}
		}(o)
	}
	wg.Wait()
	if counter != owners*rounds {
		t.Errorf("counter %d, want %d", counter, owners*rounds)
	}
}

func TestOrder(t *testing.T) {
	var outer, inner Lock
	outer.Init(0)
	inner.Init(2)
	if v := outer.Acquire(3); v != OK {
		t.Fatal(v)
	}
	if v := inner.Acquire(3); v != OK {
		t.Fatalf("inner after outer: %d", v)
	}
	if !HeldAbove(3, 0) {
		t.Error("HeldAbove misses the inner lock")
	}
	inner.Release(3)
	if HeldAbove(3, 0) {
		t.Error("HeldAbove after the inner lock's release")
	}
	outer.Release(3)

	// The other way round is a violation, reported, and the lock taken.
	inner.Acquire(4)
	if v := outer.Acquire(4); v != OutOfOrder {
		t.Errorf("outer while holding inner: %d, want OutOfOrder", v)
	}
	if outer.Holder() != 4 {
		t.Error("the lock was not taken after the report")
	}
	outer.Release(4)
	inner.Release(4)

	if v := inner.Acquire(5); v != OK {
		t.Fatal(v)
	}
	if v := inner.Acquire(5); v != Recursive {
		t.Errorf("taking a held lock again: %d, want Recursive", v)
	}
	inner.Release(5)
	if v := inner.Acquire(MaxOwners); v != BadOwner {
		t.Errorf("owner out of range: %d", v)
	}
	if !inner.TryAcquire(1) || inner.TryAcquire(2) {
		t.Error("TryAcquire")
	}
	inner.Release(1)
}
