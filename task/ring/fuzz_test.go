package ring

import "testing"

// FuzzRing runs a random sequence of operations on one goroutine against a
// slice model. capacity picks the capacity (1 to 17, to cover capacities
// below, at and above powers of two), start the initial position (through
// the reset hook, so positions near 2^32 and 2^64 get wrapped too), and
// each byte of ops (mod 9) one operation: 0-3 Push (of a running counter),
// 4-6 Pop, 7 a check of Len and Cap, 8 a Push interrupted after its claim as
// in TestInterruptedPush (checked while in flight, then completed). Len is
// checked after every operation, and the ring is drained at the end.
func FuzzRing(f *testing.F) {
	f.Add(uint8(0), uint64(0), []byte{0, 4, 4, 7})
	f.Add(uint8(2), uint64(0), []byte{0, 0, 0, 0, 7, 4, 0, 4, 4, 4, 4, 7})
	f.Add(uint8(2), uint64(1<<32-5), []byte{0, 1, 2, 4, 5, 0, 1, 6, 4, 0, 0, 0, 7, 4, 4, 4, 4})
	f.Add(uint8(4), uint64(1<<64-9), []byte{0, 0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 4, 0, 0, 7, 4, 4})
	f.Add(uint8(63), uint64(1<<64-1), []byte{8, 0, 4, 4, 8, 8, 4, 4, 4})
	f.Add(uint8(16), uint64(1<<63), []byte{8, 8, 0, 0, 0, 7, 4, 8, 4, 4, 4, 4, 7})
	f.Fuzz(func(t *testing.T, capacity uint8, start uint64, ops []byte) {
		c := int(capacity%17) + 1
		r, err := New[uint32](c)
		if err != nil {
			t.Fatal(err)
		}
		r.reset(start)
		var model []uint32
		var next uint32
		for i, op := range ops {
			op %= 9
			switch {
			case op <= 3:
				ok := r.Push(next)
				if ok != (len(model) < c) {
					t.Fatalf("op %d: Push = %v with %d of %d queued", i, ok, len(model), c)
				}
				if ok {
					model = append(model, next)
				}
				next++
			case op <= 6:
				v, ok := r.Pop()
				if len(model) == 0 {
					if ok || v != 0 {
						t.Fatalf("op %d: Pop from empty = %d, %v", i, v, ok)
					}
					break
				}
				if !ok || v != model[0] {
					t.Fatalf("op %d: Pop = %d, %v; want %d, true", i, v, ok, model[0])
				}
				model = model[1:]
			case op == 7:
				if r.Len() != len(model) || r.Cap() != c {
					t.Fatalf("op %d: Len %d Cap %d; want %d %d", i, r.Len(), r.Cap(), len(model), c)
				}
			case op == 8:
				// Claim a Push, check that Pop does not see it and
				// that it is counted, then complete it.
				if len(model) == c {
					if r.Push(next) {
						t.Fatalf("op %d: Push into full ring succeeded", i)
					}
					break
				}
				finish := claimPush(t, r)
				if len(model) == 0 {
					if v, ok := r.Pop(); ok {
						t.Fatalf("op %d: Pop = %d during a claimed Push", i, v)
					}
				}
				if r.Len() != len(model)+1 {
					t.Fatalf("op %d: Len %d; want %d", i, r.Len(), len(model)+1)
				}
				finish(next)
				model = append(model, next)
				next++
			}
			if r.Len() != len(model) {
				t.Fatalf("op %d: Len %d; want %d", i, r.Len(), len(model))
			}
		}
		for _, w := range model {
			if v, ok := r.Pop(); !ok || v != w {
				t.Fatalf("drain: Pop = %d, %v; want %d", v, ok, w)
			}
		}
		if v, ok := r.Pop(); ok {
			t.Fatalf("drain: Pop = %d after the model emptied", v)
		}
	})
}

// FuzzSPSC runs a random sequence of operations on one goroutine against
// a slice model: capacity (1 to 17) and each byte of ops (mod 3): Push of
// a running counter, Pop, or a check of Len and Cap. Len is checked after
// every operation and the ring is drained at the end.
func FuzzSPSC(f *testing.F) {
	f.Add(uint8(0), []byte{0, 1, 1, 2})
	f.Add(uint8(2), []byte{0, 0, 0, 0, 2, 1, 0, 1, 1, 1, 1, 2})
	f.Add(uint8(4), []byte{0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1})
	f.Fuzz(func(t *testing.T, capacity uint8, ops []byte) {
		c := int(capacity%17) + 1
		r, err := NewSPSC[uint32](c)
		if err != nil {
			t.Fatal(err)
		}
		var model []uint32
		var next uint32
		for i, op := range ops {
			switch op % 3 {
			case 0:
				ok := r.Push(next)
				if ok != (len(model) < c) {
					t.Fatalf("op %d: Push = %v with %d of %d queued", i, ok, len(model), c)
				}
				if ok {
					model = append(model, next)
				}
				next++
			case 1:
				v, ok := r.Pop()
				if len(model) == 0 {
					if ok || v != 0 {
						t.Fatalf("op %d: Pop from empty = %d, %v", i, v, ok)
					}
					break
				}
				if !ok || v != model[0] {
					t.Fatalf("op %d: Pop = %d, %v; want %d", i, v, ok, model[0])
				}
				model = model[1:]
			case 2:
				if r.Cap() != c {
					t.Fatalf("op %d: Cap %d, want %d", i, r.Cap(), c)
				}
			}
			if r.Len() != len(model) {
				t.Fatalf("op %d: Len %d; want %d", i, r.Len(), len(model))
			}
		}
		for _, w := range model {
			if v, ok := r.Pop(); !ok || v != w {
				t.Fatalf("drain: Pop = %d, %v; want %d", v, ok, w)
			}
		}
	})
}
