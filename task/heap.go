package task

import (
	"math"
	"time"
)

// The timer queue's heap: a 4-ary min-heap of (deadline, sequence number,
// timer) entries, each timer keeping its index, as in the Go runtime's
// timer heap.

// rather than read through t, so that sifting compares without touching
// the timers.
type timerEntry struct {
	when time.Duration
	seq  uint64
	t    *timer
}

// heapArity is the number of children of a heap node.
const heapArity = 4

// arm puts t into the heap with waker w.
func (q *Timers) arm(t *timer, w Waker) {
	if len(q.heap) >= math.MaxInt32 {
		panic("task: too many timers")
	}
	t.waker = w
	q.seq++
	i := len(q.heap)
	q.heap = append(q.heap, timerEntry{when: t.when, seq: q.seq, t: t})
	q.up(i)
}

// heap's array when it is mostly empty.
func (q *Timers) remove(i int) {
	h := q.heap
	last := len(h) - 1
	h[i].t.idx = -1
	if i != last {
		h[i] = h[last]
		h[i].t.idx = int32(i)
	}
	h[last] = timerEntry{}
	q.heap = h[:last]
	if i < last {
		q.down(i)
		q.up(i)
	}
	if c := cap(q.heap); c > 256 && len(q.heap) < c/4 {
		q.heap = append(make([]timerEntry, 0, c/2), q.heap...)
	}
}

// less orders entries by deadline, then by arming order.
func (a *timerEntry) less(b *timerEntry) bool {
	return a.when < b.when || a.when == b.when && a.seq < b.seq
}

// up moves the entry at i towards the root to its place.
func (q *Timers) up(i int) {
	h := q.heap
	e := h[i]
	for i > 0 {
		p := (i - 1) / heapArity
		if !e.less(&h[p]) {
			break
		}
		h[i] = h[p]
		h[i].t.idx = int32(i)
		i = p
	}
	h[i] = e
	e.t.idx = int32(i)
}

// down moves the entry at i towards the leaves to its place.
func (q *Timers) down(i int) {
	h := q.heap
	n := len(h)
	e := h[i]
	for {
		c := heapArity*i + 1
		if c >= n {
			break
		}
		m := c
		for j := c + 1; j < c+heapArity && j < n; j++ {
			if h[j].less(&h[m]) {
				m = j
			}
		}
		if !h[m].less(&e) {
			break
		}
		h[i] = h[m]
		h[i].t.idx = int32(i)
		i = m
	}
	h[i] = e
	e.t.idx = int32(i)
}

// addSat returns a+b, saturated to the Duration range.
func addSat(a, b time.Duration) time.Duration {
	s := a + b
	switch {
	case b > 0 && s < a:
		return math.MaxInt64
	case b < 0 && s > a:
		return math.MinInt64
	}
	return s
}
