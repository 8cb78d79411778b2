package futex

import (
	"encoding/binary"
	"slices"
	"testing"
)

// FuzzQueue runs a sequence of operations, decoded from the fuzzer's
// bytes, on a Queue and on a model (a slice in arrival order), and
// compares every result: the waits the scheduler records for system calls
// whose arguments come from the Go program (addresses, counts, deadlines
// up to the far future).
func FuzzQueue(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	f.Add([]byte("\x00\x05\x01\x00\x00\x00\x00\x00\x00\x00\x01\x05\x02\x00\x00\x00\x03\x00\x00\x00\x04"))
	f.Fuzz(func(t *testing.T, ops []byte) {
		type w struct {
			addr     uint64
			deadline int64
			who      int32
		}
		var q Queue
		var model []w
		var out [MaxWaiters]int32
		addrs := []uint64{0, 1, 4, 0xdead0000, None, 1 << 63}
		deadlines := []int64{0, 1, 100, 1 << 62, 1<<63 - 1, -5}
		now := int64(0)
		for len(ops) >= 4 {
			op, a, b, c := ops[0]%6, ops[1], ops[2], ops[3]
			ops = ops[4:]
			switch op {
			case 0: // Add
				who := int32(a) - 8 // some negative: the kernel passes indices, but be safe
				addr := addrs[int(b)%len(addrs)]
				d := deadlines[int(c)%len(deadlines)]
				if d == 100 {
					d = now + int64(c)
				}
				exists := slices.ContainsFunc(model, func(x w) bool { return x.who == who })
				ok := q.Add(addr, who, d)
				if want := !exists && len(model) < MaxWaiters; ok != want {
					t.Fatalf("Add(%#x, %d, %d) = %v, want %v", addr, who, d, ok, want)
				}
				if ok {
					model = append(model, w{addr, d, who})
				}
			case 1: // Wake: never the pure sleeps, whose address is None
				addr := addrs[int(a)%len(addrs)]
				n := int(int8(b))
				var want []int32
				model = slices.DeleteFunc(model, func(x w) bool {
					if x.addr == addr && addr != None && len(want) < n {
						want = append(want, x.who)
						return true
					}
					return false
				})
				if k := q.Wake(addr, n, &out); !slices.Equal(woken(&out, k), want) {
					t.Fatalf("Wake(%#x, %d) = %v, want %v", addr, n, woken(&out, k), want)
				}
			case 2: // time passes, Expire
				if len(ops) >= 8 && a == 0xff {
					now = int64(binary.LittleEndian.Uint64(ops))
					ops = ops[8:]
				} else {
					now += int64(a)
				}
				var want []int32
				model = slices.DeleteFunc(model, func(x w) bool {
					if x.deadline != 0 && x.deadline <= now {
						want = append(want, x.who)
						return true
					}
					return false
				})
				if k := q.Expire(now, &out); !slices.Equal(woken(&out, k), want) {
					t.Fatalf("Expire(%d) = %v, want %v", now, woken(&out, k), want)
				}
			case 3: // Remove
				who := int32(a) - 8
				i := slices.IndexFunc(model, func(x w) bool { return x.who == who })
				if got := q.Remove(who); got != (i >= 0) {
					t.Fatalf("Remove(%d) = %v, want %v", who, got, i >= 0)
				}
				if i >= 0 {
					model = slices.Delete(model, i, i+1)
				}
			case 4: // Waiting
				who := int32(a) - 8
				i := slices.IndexFunc(model, func(x w) bool { return x.who == who })
				addr, d, ok := q.Waiting(who)
				if ok != (i >= 0) || ok && (addr != model[i].addr || d != model[i].deadline) {
					t.Fatalf("Waiting(%d) = %#x %d %v", who, addr, d, ok)
				}
			case 5: // Next, Len
				var next int64
				for _, x := range model {
					if x.deadline != 0 && (next == 0 || x.deadline < next) {
						next = x.deadline
					}
				}
				if q.Next() != next || q.Len() != len(model) {
					t.Fatalf("Next %d Len %d, want %d %d", q.Next(), q.Len(), next, len(model))
				}
			}
		}
	})
}
