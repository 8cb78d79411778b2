package ring

import (
	"errors"
	"sync/atomic"
	"testing"
	"unsafe"
)

func mustNew[T any](t testing.TB, capacity int) *Ring[T] {
	t.Helper()
	r, err := New[T](capacity)
	if err != nil {
		t.Fatalf("New(%d): %v", capacity, err)
	}
	return r
}

func TestNewRejectsBadCapacity(t *testing.T) {
	for _, c := range []int{0, -1, -1 << 62, 1 << 62, int(^uint(0) >> 1)} {
		r, err := New[uint64](c)
		if err != ErrCapacity || !errors.Is(err, ErrCapacity) || r != nil {
			t.Errorf("New(%d) = %v, %v; want nil, ErrCapacity", c, r, err)
		}
	}
	var err error = ErrCapacity
	if err.Error() != "ring: capacity must be positive and fit in memory" {
		t.Errorf("ErrCapacity.Error() = %q", err.Error())
	}
	// Returning the constant error allocates nothing.
	if a := testing.AllocsPerRun(100, func() { New[uint8](0) }); a != 0 {
		t.Errorf("New(0) allocates: %v allocs/run", a)
	}
}

func TestNewCapacities(t *testing.T) {
	for _, tc := range []struct{ capacity, oneLap int }{
		{1, 2}, {2, 4}, {3, 4}, {4, 8}, {5, 8}, {63, 64}, {64, 128}, {100, 128},
	} {
		r := mustNew[uint8](t, tc.capacity)
		if r.Cap() != tc.capacity || r.Len() != 0 || r.oneLap != uint64(tc.oneLap) {
			t.Errorf("New(%d): Cap %d Len %d oneLap %d; want %d 0 %d",
				tc.capacity, r.Cap(), r.Len(), r.oneLap, tc.capacity, tc.oneLap)
		}
	}
}

// TestZeroRing checks that a Ring that did not come from New is usable and
// reports no capacity rather than crashing.
func TestZeroRing(t *testing.T) {
	var r Ring[int]
	if r.Push(1) {
		t.Error("Push on zero Ring succeeded")
	}
	if v, ok := r.Pop(); ok || v != 0 {
		t.Errorf("Pop on zero Ring = %d, %v", v, ok)
	}
	if r.Len() != 0 || r.Cap() != 0 {
		t.Errorf("zero Ring: Len %d Cap %d", r.Len(), r.Cap())
	}
}

// fillDrain pushes until full and pops until empty, several times, and
// checks the values, Len and the full/empty results.
func fillDrain(t *testing.T, r *Ring[int], rounds int) {
	t.Helper()
	c := r.Cap()
	next, want := 0, 0
	for round := 0; round < rounds; round++ {
		for i := 0; i < c; i++ {
			if !r.Push(next) {
				t.Fatalf("round %d: Push %d of %d failed", round, i, c)
			}
			next++
			if r.Len() != i+1 {
				t.Fatalf("round %d: Len %d after %d pushes", round, r.Len(), i+1)
			}
		}
		if r.Push(-1) {
			t.Fatalf("round %d: Push to full ring succeeded", round)
		}
		if r.Len() != c {
			t.Fatalf("round %d: Len %d after failed Push; want %d", round, r.Len(), c)
		}
		for i := 0; i < c; i++ {
			v, ok := r.Pop()
			if !ok || v != want {
				t.Fatalf("round %d: Pop = %d, %v; want %d, true", round, v, ok, want)
			}
			want++
		}
		if v, ok := r.Pop(); ok || v != 0 {
			t.Fatalf("round %d: Pop from empty = %d, %v; want 0, false", round, v, ok)
		}
		if r.Len() != 0 {
			t.Fatalf("round %d: Len %d when empty", round, r.Len())
		}
	}
}

func TestFillDrain(t *testing.T) {
	for _, c := range []int{1, 2, 3, 4, 5, 7, 8, 64, 100} {
		r := mustNew[int](t, c)
		fillDrain(t, r, 5)
	}
}

func TestCapacityOne(t *testing.T) {
	r := mustNew[int](t, 1)
	if v, ok := r.Pop(); ok || v != 0 {
		t.Fatalf("Pop from new ring = %d, %v", v, ok)
	}
	for i := 1; i <= 10; i++ {
		if !r.Push(i) {
			t.Fatalf("Push(%d) into empty ring failed", i)
		}
		if r.Push(100 + i) {
			t.Fatalf("second Push(%d) into capacity-1 ring succeeded", 100+i)
		}
		if r.Len() != 1 {
			t.Fatalf("Len = %d; want 1", r.Len())
		}
		// The value that did not fit is not there, and the one that did
		// is not lost.
		if v, ok := r.Pop(); !ok || v != i {
			t.Fatalf("Pop = %d, %v; want %d, true", v, ok, i)
		}
		if v, ok := r.Pop(); ok || v != 0 {
			t.Fatalf("Pop from empty = %d, %v", v, ok)
		}
	}
}

// TestCapacityThree interleaves pushes and pops on a ring whose capacity
// is not a power of two, so positions skip from index 2 to the next lap.
func TestCapacityThree(t *testing.T) {
	r := mustNew[int](t, 3)
	var model []int
	next := 0
	push := func(wantOK bool) {
		t.Helper()
		if ok := r.Push(next); ok != wantOK {
			t.Fatalf("Push(%d) = %v; want %v (model %v)", next, ok, wantOK, model)
		}
		if wantOK {
			model = append(model, next)
		}
		next++
	}
	pop := func() {
		t.Helper()
		v, ok := r.Pop()
		if len(model) == 0 {
			if ok || v != 0 {
				t.Fatalf("Pop from empty = %d, %v", v, ok)
			}
			return
		}
		if !ok || v != model[0] {
			t.Fatalf("Pop = %d, %v; want %d, true", v, ok, model[0])
		}
		model = model[1:]
	}
	for i := 0; i < 20; i++ {
		push(true)
		push(true)
		pop()
		push(true)
		push(true)
		push(false) // full: 3 values
		if r.Len() != 3 {
			t.Fatalf("Len = %d; want 3", r.Len())
		}
		pop()
		pop()
		pop()
		pop() // empty
		push(true)
		pop()
	}
	if r.Len() != 0 || len(model) != 0 {
		t.Fatalf("Len %d, model %v at end", r.Len(), model)
	}
}

// claimPush performs the first half of a Push, the claim of tail, and
// returns the second half: a Push interrupted between its CAS and its
// publication, as by an interrupt handler on the same CPU.
func claimPush[T any](t *testing.T, r *Ring[T]) (finish func(v T)) {
	t.Helper()
	mask := r.oneLap - 1
	tail := atomic.LoadUint64(&r.tail)
	idx := tail & mask
	s := &r.slots[idx]
	if atomic.LoadUint64(&s.stamp) != tail {
		t.Fatalf("claimPush: slot %d not free", idx)
	}
	next := tail + 1
	if idx+1 == uint64(len(r.slots)) {
		next = tail&^mask + r.oneLap
	}
	if !atomic.CompareAndSwapUint64(&r.tail, tail, next) {
		t.Fatal("claimPush: CAS failed")
	}
	return func(v T) {
		s.val = v
		atomic.StoreUint64(&s.stamp, tail+1)
	}
}

// claimPop is claimPush for Pop.
func claimPop[T any](t *testing.T, r *Ring[T]) (finish func() T) {
	t.Helper()
	mask := r.oneLap - 1
	head := atomic.LoadUint64(&r.head)
	idx := head & mask
	s := &r.slots[idx]
	if atomic.LoadUint64(&s.stamp) != head+1 {
		t.Fatalf("claimPop: slot %d not full", idx)
	}
	next := head + 1
	if idx+1 == uint64(len(r.slots)) {
		next = head&^mask + r.oneLap
	}
	if !atomic.CompareAndSwapUint64(&r.head, head, next) {
		t.Fatal("claimPop: CAS failed")
	}
	return func() T {
		v := s.val
		clear1(&s.val)
		atomic.StoreUint64(&s.stamp, head+r.oneLap)
		return v
	}
}

func expectPops(t *testing.T, r *Ring[int], want ...int) {
	t.Helper()
	for _, w := range want {
		if v, ok := r.Pop(); !ok || v != w {
			t.Fatalf("Pop = %d, %v; want %d, true", v, ok, w)
		}
	}
	if v, ok := r.Pop(); ok {
		t.Fatalf("Pop = %d, true; want empty", v)
	}
}

// TestInterruptedPush: an interrupt handler pushes and pops while the code
// it interrupted is between the claim and the publication of a Push. The
// handler's operations must return (not wait) and nothing may be lost.
func TestInterruptedPush(t *testing.T) {
	for _, c := range []int{1, 3, 4} {
		r := mustNew[int](t, c)
		for round := 0; round < 3; round++ { // start at different indices
			if !r.Push(-1) {
				t.Fatal("Push failed")
			}
			expectPops(t, r, -1)

			finish := claimPush(t, r)
			// The handler: the oldest value is in flight, so Pop
			// reports empty; it can fill the other c-1 slots.
			if v, ok := r.Pop(); ok {
				t.Fatalf("cap %d: Pop = %d during interrupted Push", c, v)
			}
			for i := 1; i < c; i++ {
				if !r.Push(i) {
					t.Fatalf("cap %d: Push(%d) during interrupted Push failed", c, i)
				}
			}
			if r.Push(99) {
				t.Fatalf("cap %d: Push into full ring succeeded", c)
			}
			if v, ok := r.Pop(); ok {
				t.Fatalf("cap %d: Pop = %d during interrupted Push", c, v)
			}
			if r.Len() != c {
				t.Fatalf("cap %d: Len = %d; want %d", c, r.Len(), c)
			}
			// Back in the interrupted code.
			finish(0)
			want := make([]int, c)
			for i := range want {
				want[i] = i
			}
			expectPops(t, r, want...)
		}
	}
}

// TestInterruptedPop: as TestInterruptedPush, with a Pop interrupted after
// its claim.
func TestInterruptedPop(t *testing.T) {
	for _, c := range []int{1, 3, 4} {
		r := mustNew[int](t, c)
		for round := 0; round < 3; round++ {
			for i := 0; i < c; i++ {
				if !r.Push(i) {
					t.Fatal("Push failed")
				}
			}
			finish := claimPop(t, r)
			// The handler: the slot of value 0 is still busy, so the
			// ring is full; the other values can be popped.
			if r.Push(99) {
				t.Fatalf("cap %d: Push during interrupted Pop of a full ring succeeded", c)
			}
			if r.Len() != c-1 {
				t.Fatalf("cap %d: Len = %d; want %d", c, r.Len(), c-1)
			}
			want := make([]int, 0, c)
			for i := 1; i < c; i++ {
				want = append(want, i)
			}
			expectPops(t, r, want...)
			// Pushing now needs the busy slot first: full until the
			// interrupted Pop finishes.
			if c > 1 && r.Push(99) {
				t.Fatalf("cap %d: Push into the busy slot succeeded", c)
			}
			if v := finish(); v != 0 {
				t.Fatalf("cap %d: interrupted Pop got %d; want 0", c, v)
			}
			for i := 0; i < c; i++ {
				if !r.Push(10 + i) {
					t.Fatalf("cap %d: Push after the interrupted Pop failed", c)
				}
			}
			want = want[:0]
			for i := 0; i < c; i++ {
				want = append(want, 10+i)
			}
			expectPops(t, r, want...)
		}
	}
}

// TestWrapAround runs rings whose positions start just below 2^32 and
// 2^64 (through the reset hook) past those values, checking values, Len,
// and full and empty edges on the way.
func TestWrapAround(t *testing.T) {
	starts := []uint64{
		1<<32 - 5,
		1<<32 - 1,
		1 << 32,
		1<<64 - 5,
		1<<64 - 1,
		1<<64 - 256, // several laps before the wrap for small capacities
	}
	for _, c := range []int{1, 2, 3, 5, 8, 64, 100} {
		for _, start := range starts {
			r := mustNew[int](t, c)
			r.reset(start)
			fillDrain(t, r, 3)

			// Mixed pattern: keep between 0 and c values queued, for
			// enough operations to go several laps past the wrap.
			var model []int
			next := 0
			for step := 0; step < 600; step++ {
				if step%7 < 4 || len(model) == 0 {
					ok := r.Push(next)
					if ok != (len(model) < c) {
						t.Fatalf("cap %d start %#x step %d: Push = %v with %d queued", c, start, step, ok, len(model))
					}
					if ok {
						model = append(model, next)
					}
					next++
				} else {
					v, ok := r.Pop()
					if !ok || v != model[0] {
						t.Fatalf("cap %d start %#x step %d: Pop = %d, %v; want %d", c, start, step, v, ok, model[0])
					}
					model = model[1:]
				}
				if r.Len() != len(model) {
					t.Fatalf("cap %d start %#x step %d: Len = %d; want %d", c, start, step, r.Len(), len(model))
				}
			}
			end := atomic.LoadUint64(&r.tail)
			switch {
			case start < 1<<32 && !(end >= 1<<32 && end < 1<<33):
				t.Errorf("cap %d start %#x: tail %#x did not pass 2^32", c, start, end)
			case start > 1<<63 && end > start:
				t.Errorf("cap %d start %#x: tail %#x did not wrap past 2^64", c, start, end)
			}
		}
	}
}

func TestResetRoundsUp(t *testing.T) {
	r := mustNew[int](t, 3) // oneLap 4: index 3 is not a position
	r.reset(7)
	if h, tl := atomic.LoadUint64(&r.head), atomic.LoadUint64(&r.tail); h != 8 || tl != 8 {
		t.Fatalf("reset(7): head %d tail %d; want 8 8", h, tl)
	}
	fillDrain(t, r, 2)
}

// TestFIFO keeps a ring nearly full: push until full, pop two, repeat.
func TestFIFO(t *testing.T) {
	r := mustNew[int](t, 5)
	next, want := 0, 0
	for want < 1000 {
		for r.Push(next) {
			next++
		}
		if next-want != 5 {
			t.Fatalf("full with %d values; want 5", next-want)
		}
		for k := 0; k < 2; k++ {
			v, ok := r.Pop()
			if !ok || v != want {
				t.Fatalf("Pop = %d, %v; want %d", v, ok, want)
			}
			want++
		}
	}
}

func TestPointers(t *testing.T) {
	r := mustNew[*int](t, 3)
	x, y := new(int), new(int)
	r.Push(x)
	r.Push(y)
	if v, ok := r.Pop(); !ok || v != x {
		t.Fatalf("Pop = %p, %v; want %p", v, ok, x)
	}
	// The popped slot no longer refers to x, so it does not keep it alive.
	if r.slots[0].val != nil {
		t.Error("popped slot still holds its pointer")
	}
	if v, ok := r.Pop(); !ok || v != y {
		t.Fatalf("Pop = %p, %v; want %p", v, ok, y)
	}
}

func TestLargeElements(t *testing.T) {
	type small [200]byte
	type huge [maxClear + 8]byte // too large to be cleared; see clear1
	r1 := mustNew[small](t, 3)
	r2 := mustNew[huge](t, 2)
	var a small
	b := new(huge)
	for i := 0; i < 10; i++ {
		a[0], a[199] = byte(i), byte(i+1)
		b[0], b[len(b)-1] = byte(i), byte(i+1)
		if !r1.Push(a) || !r2.Push(*b) {
			t.Fatal("Push failed")
		}
		v1, ok1 := r1.Pop()
		v2, ok2 := r2.Pop()
		if !ok1 || !ok2 || v1 != a || v2[0] != b[0] || v2[len(v2)-1] != b[len(b)-1] {
			t.Fatal("Pop returned a different value")
		}
	}
	allocs := testing.AllocsPerRun(100, func() {
		r1.Push(a)
		r1.Pop()
		r2.Push(*b)
		r2.Pop()
	})
	if allocs != 0 {
		t.Errorf("Push/Pop of large values allocate: %v allocs/run", allocs)
	}
}

func TestNoAllocs(t *testing.T) {
	r8 := mustNew[uint8](t, 3)
	r64 := mustNew[uint64](t, 64)
	var sink int
	allocs := testing.AllocsPerRun(1000, func() {
		r8.Push(1)
		r8.Push(2)
		r8.Pop()
		r8.Push(3)
		r8.Push(4) // full
		r8.Pop()
		r8.Pop()
		r8.Pop()
		r8.Pop() // empty
		r64.Push(1)
		r64.Pop()
		sink += r8.Len() + r8.Cap() + r64.Len() + r64.Cap()
	})
	if allocs != 0 {
		t.Errorf("Push/Pop/Len/Cap allocate: %v allocs/run", allocs)
	}
	_ = sink
}

// TestLayout checks the memory layout the package documentation promises.
func TestLayout(t *testing.T) {
	check := func(name string, size, head, tail, slots, oneLap uintptr) {
		t.Helper()
		if size != 3*padSize || head != padSize || tail != 2*padSize {
			t.Errorf("%s: size %d, head at %d, tail at %d; want %d, %d, %d",
				name, size, head, tail, 3*padSize, padSize, 2*padSize)
		}
		if slots+unsafe.Sizeof([]byte(nil)) > oneLap || oneLap+8 > head-64 || head+8 > tail-64 {
			t.Errorf("%s: hot fields less than 64 bytes apart", name)
		}
	}
	var r8 Ring[uint8]
	check("Ring[uint8]", unsafe.Sizeof(r8), unsafe.Offsetof(r8.head), unsafe.Offsetof(r8.tail),
		unsafe.Offsetof(r8.slots), unsafe.Offsetof(r8.oneLap))
	var rb Ring[[100]byte]
	check("Ring[[100]byte]", unsafe.Sizeof(rb), unsafe.Offsetof(rb.head), unsafe.Offsetof(rb.tail),
		unsafe.Offsetof(rb.slots), unsafe.Offsetof(rb.oneLap))

	// Go's 384-byte size class puts objects at multiples of 128 bytes.
	keep := make([]*Ring[uint8], 0, 50)
	for i := 0; i < cap(keep); i++ {
		r := mustNew[uint8](t, 1)
		if p := uintptr(unsafe.Pointer(r)); p%padSize != 0 {
			t.Errorf("Ring allocated at %#x, not a multiple of %d", p, padSize)
		}
		keep = append(keep, r)
	}

	if s := unsafe.Sizeof(slot[uint8]{}); s != 16 {
		t.Errorf("slot[uint8] is %d bytes; want 16", s)
	}
}
