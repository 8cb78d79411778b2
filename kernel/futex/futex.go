// Package futex keeps the kernel's wait queue: threads waiting on a futex
// word, or just for a deadline (nanosleep, epoll timeouts), in the order
// they started waiting. It is pure: the scheduler owns the threads and the
// clock and passes thread indices and nanosecond deadlines in.
//
// Waiters are kept in one fixed array in arrival order, so FUTEX_WAKE wakes
// the longest-waiting threads on a word first, as Linux does (for equal
// priority). With at most MaxWaiters (the kernel's thread limit) a linear
// scan is as fast as a hash and needs no memory.
//
// The package follows the ring-0 rules: no allocation, no pointers in
// Queue, every function //go:nosplit.
package futex

// MaxWaiters is the number of threads that can wait at once.
const MaxWaiters = 128

// None is the address of a wait that only a deadline ends.
const None = ^uint64(0)

type waiter struct {
	addr     uint64
	deadline int64 // 0: no deadline
	who      int32
}

// Queue is a FIFO of waiters. The zero value is empty and ready.
type Queue struct {
	w [MaxWaiters]waiter
	n int
}

// Add queues thread who waiting on addr (None for a pure sleep) until
// deadline (0 for none). It fails if the queue is full or who is already
// waiting.
//
//go:nosplit
func (q *Queue) Add(addr uint64, who int32, deadline int64) bool {
	if q.n < 0 || q.n >= MaxWaiters || q.find(who) >= 0 {
		return false
	}
	q.w[q.n] = waiter{addr: addr, deadline: deadline, who: who}
	q.n++
	return true
}

//go:nosplit
func (q *Queue) find(who int32) int {
	for i := 0; i < q.n && i < MaxWaiters; i++ {
		if q.w[i].who == who {
			return i
		}
	}
	return -1
}

// removeAt deletes entry i, keeping the others in order.
//
//go:nosplit
func (q *Queue) removeAt(i int) {
	if i < 0 || i >= q.n || q.n > MaxWaiters {
		return
	}
	copy(q.w[i:q.n-1], q.w[i+1:q.n])
	q.n--
}

// Remove takes who off the queue; it reports whether who was waiting.
//
//go:nosplit
func (q *Queue) Remove(who int32) bool {
	i := q.find(who)
	q.removeAt(i)
	return i >= 0
}

// Wake removes up to n waiters on addr, oldest first, writes them to out
// and returns how many it removed. n <= 0 wakes none.
//
//go:nosplit
func (q *Queue) Wake(addr uint64, n int, out *[MaxWaiters]int32) int {
	woken := 0
	for i := uint(0); i < uint(q.n) && i < MaxWaiters && woken < n; {
		if q.w[i].addr == addr && addr != None {
			out[woken&(MaxWaiters-1)] = q.w[i].who
			woken++
			q.removeAt(int(i))
			continue
		}
		i++
	}
	return woken
}

// Expire removes the waiters whose deadline is at or before now, writes
// them to out in queue order and returns how many.
//
//go:nosplit
func (q *Queue) Expire(now int64, out *[MaxWaiters]int32) int {
	k := 0
	for i := uint(0); i < uint(q.n) && i < MaxWaiters; {
		if d := q.w[i].deadline; d != 0 && d <= now {
			out[k&(MaxWaiters-1)] = q.w[i].who
			k++
			q.removeAt(int(i))
			continue
		}
		i++
	}
	return k
}

// Next returns the earliest deadline in the queue, or 0 if none.
//
//go:nosplit
func (q *Queue) Next() int64 {
	var d int64
	for i := 0; i < q.n && i < MaxWaiters; i++ {
		if w := q.w[i].deadline; w != 0 && (d == 0 || w < d) {
			d = w
		}
	}
	return d
}

// Waiting reports what who waits for.
//
//go:nosplit
func (q *Queue) Waiting(who int32) (addr uint64, deadline int64, ok bool) {
	if i := q.find(who); i >= 0 && i < MaxWaiters {
		return q.w[i].addr, q.w[i].deadline, true
	}
	return 0, 0, false
}

// Len returns the number of waiters.
//
//go:nosplit
func (q *Queue) Len() int { return q.n }
