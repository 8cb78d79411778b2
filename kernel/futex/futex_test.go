package futex

import (
	"math/rand"
	"slices"
	"testing"
)

func woken(out *[MaxWaiters]int32, n int) []int32 { return append([]int32(nil), out[:n]...) }

func TestWakeOrderAndCount(t *testing.T) {
	var q Queue
	var out [MaxWaiters]int32
	for i, a := range []uint64{0x10, 0x20, 0x10, 0x10, 0x20} {
		if !q.Add(a, int32(i), 0) {
			t.Fatalf("Add %d failed", i)
		}
	}
	if q.Add(0x30, 2, 0) {
		t.Error("a thread waited twice")
	}
	if n := q.Wake(0x10, 2, &out); n != 2 || !slices.Equal(woken(&out, n), []int32{0, 2}) {
		t.Errorf("Wake(0x10, 2) = %v", woken(&out, n))
	}
	if n := q.Wake(0x10, 0, &out); n != 0 {
		t.Errorf("Wake with n=0 woke %d", n)
	}
	if n := q.Wake(0x99, 5, &out); n != 0 {
		t.Errorf("Wake on an unused word woke %d", n)
	}
	if n := q.Wake(0x20, 1<<30, &out); n != 2 || !slices.Equal(woken(&out, n), []int32{1, 4}) {
		t.Errorf("Wake(0x20, all) = %v", woken(&out, n))
	}
	if q.Len() != 1 {
		t.Errorf("%d left, want 1", q.Len())
	}
}

// A fake clock drives the timeouts.
func TestTimeouts(t *testing.T) {
	var q Queue
	var out [MaxWaiters]int32
	now := int64(1000)
	q.Add(0x10, 1, now+50) // futex wait with a timeout
	q.Add(None, 2, now+20) // a sleep
	q.Add(0x10, 3, 0)      // no timeout
	q.Add(None, 4, now+20) // same deadline as 2
	if q.Next() != now+20 {
		t.Errorf("Next = %d", q.Next())
	}
	if n := q.Expire(now+19, &out); n != 0 {
		t.Errorf("expired early: %v", woken(&out, n))
	}
	if n := q.Expire(now+20, &out); !slices.Equal(woken(&out, n), []int32{2, 4}) {
		t.Errorf("Expire(+20) = %v", woken(&out, n))
	}
	if n := q.Wake(None, 10, &out); n != 0 {
		t.Error("Wake(None) woke a sleeper")
	}
	if q.Next() != now+50 {
		t.Errorf("Next = %d", q.Next())
	}
	// A wake before the deadline removes the waiter and its deadline.
	if n := q.Wake(0x10, 1, &out); !slices.Equal(woken(&out, n), []int32{1}) {
		t.Errorf("Wake = %v", woken(&out, n))
	}
	if q.Next() != 0 {
		t.Errorf("Next = %d after the timed waiter left", q.Next())
	}
	if n := q.Expire(1<<62, &out); n != 0 {
		t.Errorf("a waiter without deadline expired: %v", woken(&out, n))
	}
	if addr, d, ok := q.Waiting(3); !ok || addr != 0x10 || d != 0 {
		t.Errorf("Waiting(3) = %#x %d %v", addr, d, ok)
	}
	if !q.Remove(3) || q.Remove(3) || q.Len() != 0 {
		t.Error("Remove")
	}
}

func TestFull(t *testing.T) {
	var q Queue
	for i := 0; i < MaxWaiters; i++ {
		if !q.Add(uint64(i), int32(i), 0) {
			t.Fatalf("Add %d failed", i)
		}
	}
	if q.Add(1, MaxWaiters, 0) {
		t.Error("Add past MaxWaiters succeeded")
	}
	var out [MaxWaiters]int32
	if n := q.Wake(5, 1, &out); n != 1 || out[0] != 5 {
		t.Error("wake in a full queue")
	}
	if !q.Add(1, MaxWaiters, 0) {
		t.Error("Add after a wake failed")
	}
}

// A randomized test against a simple model: a list in arrival order.
func TestModel(t *testing.T) {
	type w struct {
		addr     uint64
		deadline int64
		who      int32
	}
	r := rand.New(rand.NewSource(1))
	var q Queue
	var model []w
	var out [MaxWaiters]int32
	now := int64(0)
	for step := 0; step < 200000; step++ {
		switch r.Intn(4) {
		case 0:
			who := int32(r.Intn(200))
			addr := uint64(r.Intn(4))
			var d int64
			if r.Intn(2) == 0 {
				d = now + int64(r.Intn(100)) + 1
			}
			exists := slices.ContainsFunc(model, func(x w) bool { return x.who == who })
			ok := q.Add(addr, who, d)
			if want := !exists && len(model) < MaxWaiters; ok != want {
				t.Fatalf("step %d: Add = %v, want %v", step, ok, want)
			}
			if ok {
				model = append(model, w{addr, d, who})
			}
		case 1:
			addr, n := uint64(r.Intn(4)), r.Intn(4)
			var want []int32
			model = slices.DeleteFunc(model, func(x w) bool {
				if x.addr == addr && len(want) < n {
					want = append(want, x.who)
					return true
				}
				return false
			})
			if k := q.Wake(addr, n, &out); !slices.Equal(woken(&out, k), want) {
				t.Fatalf("step %d: Wake = %v, want %v", step, woken(&out, k), want)
			}
		case 2:
			now += int64(r.Intn(30))
			var want []int32
			model = slices.DeleteFunc(model, func(x w) bool {
				if x.deadline != 0 && x.deadline <= now {
					want = append(want, x.who)
					return true
				}
				return false
			})
			if k := q.Expire(now, &out); !slices.Equal(woken(&out, k), want) {
				t.Fatalf("step %d: Expire = %v, want %v", step, woken(&out, k), want)
			}
		case 3:
			var next int64
			for _, x := range model {
				if x.deadline != 0 && (next == 0 || x.deadline < next) {
					next = x.deadline
				}
			}
			if q.Next() != next || q.Len() != len(model) {
				t.Fatalf("step %d: Next %d Len %d, want %d %d", step, q.Next(), q.Len(), next, len(model))
			}
		}
	}
}

func TestNoAllocs(t *testing.T) {
	var q Queue
	var out [MaxWaiters]int32
	if n := testing.AllocsPerRun(100, func() {
		q.Add(1, 1, 5)
		q.Wake(1, 1, &out)
		q.Add(None, 2, 5)
		q.Expire(5, &out)
	}); n != 0 {
		t.Errorf("%v allocations", n)
	}
}
