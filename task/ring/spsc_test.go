package ring

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"unsafe"
)

func mustSPSC[T any](t testing.TB, capacity int) *SPSC[T] {
	t.Helper()
	r, err := NewSPSC[T](capacity)
	if err != nil {
		t.Fatalf("NewSPSC(%d): %v", capacity, err)
	}
	return r
}

func TestSPSCNew(t *testing.T) {
	for _, c := range []int{0, -1, 1 << 62, int(^uint(0) >> 1)} {
		if r, err := NewSPSC[uint64](c); err != ErrCapacity || r != nil {
			t.Errorf("NewSPSC(%d) = %v, %v; want nil, ErrCapacity", c, r, err)
		}
	}
	var z SPSC[int]
	if z.Push(1) || z.Len() != 0 || z.Cap() != 0 {
		t.Error("the zero SPSC accepted a value or reports a size")
	}
	if v, ok := z.Pop(); ok || v != 0 {
		t.Errorf("Pop on the zero SPSC = %d, %v", v, ok)
	}
}

// TestSPSCFillDrain: for capacities 1 to 9, fill to exactly the capacity
// (the next Push fails), drain in order (the next Pop fails), many times,
// so that the indices wrap at every offset; Len follows.
func TestSPSCFillDrain(t *testing.T) {
	for c := 1; c <= 9; c++ {
		r := mustSPSC[int](t, c)
		next, want := 0, 0
		for round := range 3 * (c + 1) {
			k := 1 + round%c // a partial fill too, to move the offsets
			if round%2 == 0 {
				k = c
			}
			for i := range k {
				if !r.Push(next) {
					t.Fatalf("cap %d: Push %d of %d failed", c, i, k)
				}
				next++
				if r.Len() != i+1 {
					t.Fatalf("cap %d: Len %d after %d pushes", c, r.Len(), i+1)
				}
			}
			if k == c && r.Push(-1) {
				t.Fatalf("cap %d: Push into a full ring succeeded", c)
			}
			for range k {
				v, ok := r.Pop()
				if !ok || v != want {
					t.Fatalf("cap %d: Pop = %d, %v; want %d", c, v, ok, want)
				}
				want++
			}
			if v, ok := r.Pop(); ok {
				t.Fatalf("cap %d: Pop from an empty ring = %d", c, v)
			}
			if r.Len() != 0 || r.Cap() != c {
				t.Fatalf("cap %d: Len %d Cap %d when empty", c, r.Len(), r.Cap())
			}
		}
	}
}

// TestSPSCPointers: a popped slot no longer holds its pointer.
func TestSPSCPointers(t *testing.T) {
	r := mustSPSC[*int](t, 2)
	x := new(int)
	r.Push(x)
	if v, ok := r.Pop(); !ok || v != x {
		t.Fatalf("Pop = %p, %v", v, ok)
	}
	for i, p := range r.buf {
		if p != nil {
			t.Errorf("slot %d still holds a pointer", i)
		}
	}
}

func TestSPSCNoAllocs(t *testing.T) {
	r8 := mustSPSC[uint8](t, 3)
	rb := mustSPSC[[200]byte](t, 2)
	var big [200]byte
	var sink int
	allocs := testing.AllocsPerRun(1000, func() {
		for i := range 5 {
			r8.Push(uint8(i)) // the last two fail: full
		}
		for range 4 {
			r8.Pop() // the last fails: empty
		}
		rb.Push(big)
		rb.Pop()
		sink += r8.Len() + r8.Cap()
	})
	if allocs != 0 {
		t.Errorf("Push/Pop/Len/Cap allocate: %v allocs/run", allocs)
	}
	_ = sink
}

// TestSPSCLayout: the consumer's and the producer's fields are 128 bytes
// apart from each other and from the read-only ones.
func TestSPSCLayout(t *testing.T) {
	var r SPSC[uint8]
	if unsafe.Sizeof(r) != 3*padSize || unsafe.Offsetof(r.head) != padSize ||
		unsafe.Offsetof(r.tailCache) != padSize+8 || unsafe.Offsetof(r.tail) != 2*padSize ||
		unsafe.Offsetof(r.headCache) != 2*padSize+8 {
		t.Errorf("size %d, head at %d, tail at %d", unsafe.Sizeof(r), unsafe.Offsetof(r.head), unsafe.Offsetof(r.tail))
	}
}

// TestSPSCStress: one producer and one consumer goroutine move n values;
// the consumer must see 0, 1, 2, ... in order, none lost or repeated,
// with the ring often full and often empty (capacity 1, 2 and 64).
func TestSPSCStress(t *testing.T) {
	n := stressTotal / 8
	if testing.Short() {
		n /= 10
	}
	for _, c := range []int{1, 2, 64} {
		spscStress(t, mustSPSC[uint64](t, c), n)
	}
}

// spscStress moves n values through r from one goroutine to another and
// checks that they arrive in order, each once.
func spscStress(t *testing.T, r *SPSC[uint64], n int) {
	t.Helper()
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range uint64(n) {
			for !r.Push(i) {
				runtime.Gosched()
			}
		}
	})
	var bad error
	for want := uint64(0); want < uint64(n); {
		v, ok := r.Pop()
		if !ok {
			runtime.Gosched()
			continue
		}
		if v != want {
			bad = fmt.Errorf("popped %d, want %d", v, want)
			break
		}
		if l := r.Len(); l < 0 || l > r.Cap() {
			bad = fmt.Errorf("Len %d", l)
			break
		}
		want++
	}
	if bad != nil {
		t.Fatalf("capacity %d: %v", r.Cap(), bad)
	}
	wg.Wait()
	if v, ok := r.Pop(); ok || r.Len() != 0 {
		t.Fatalf("capacity %d: %d left after the run (popped %d)", r.Cap(), r.Len(), v)
	}
}
