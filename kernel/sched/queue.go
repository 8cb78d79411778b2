package sched

import (
	"sync/atomic"

	"gokernel/kernel/cpu"
	"gokernel/kernel/dev/lapic"
)

// Each CPU has a run queue, a FIFO linked through Thread.next, and a
// running thread; all of it is under the big kernel lock (kernel/bkl). A
// thread made runnable goes on the queue of the CPU that made it so; an
// idle CPU takes from its own queue first, then steals the oldest thread
// of the longest other queue. When a thread becomes runnable while a CPU
// is halted, that CPU is sent a wake-up IPI, so it does not sleep through
// work (kick).

// WakeVector is the wake-up IPI's vector (kernel/irq lists the vectors).
const WakeVector = 0xF0

type runq struct {
	head, tail int32 // index+1, 0 when empty
	n          int32
	cur        int32 // index+1 of the running thread, 0 when none
	sliceStart int64
	halts      uint64
	runs       uint64 // threads switched to
	timerWakes uint64 // halts the timer ended
	idleNs     int64  // time spent halted or polling in idle
}

var (
	rqs      [cpu.Max]runq
	idleCPU  [cpu.Max]atomic.Uint32 // 1 while the CPU halts or polls in idle
	idleFrom [cpu.Max]atomic.Int64  // clock.Nanotime() when the CPU began to idle; 0 while it works
	kicks    atomic.Uint64

	// hostCPU stands for cpu.ID() in host tests, which have no GS; with
	// hostTest set, no IPI is sent either.
	hostTest bool
	hostCPU  int
	hostCPUs = 1
)

// CPUCounts returns CPU c's threads switched to, halts, halts the timer
// ended, and ns spent idle until now, the idle it is in counted too (a
// CPU that halts from boot on has ended no idle, yet is idle all along).
//
//go:nosplit
func CPUCounts(c int, now int64) (runs, halts, timerWakes uint64, idleNs int64) {
	q := rq(c)
	idleNs = q.idleNs
	if from := idleFrom[c&(cpu.Max-1)].Load(); from != 0 && now > from {
		idleNs += now - from
	}
	return q.runs, q.halts, q.timerWakes, idleNs
}

// Kicks returns the wake-up IPIs sent.
//
//go:nosplit
func Kicks() uint64 { return kicks.Load() }

// ncpus returns the CPUs online.
//
//go:nosplit
func ncpus() int {
	if hostTest {
		return hostCPUs
	}
	return cpu.Online()
}

// me returns this CPU's index.
//
//go:nosplit
func me() int {
	if hostTest {
		return hostCPU & (cpu.Max - 1)
	}
	return cpu.ID()
}

// rq returns CPU c's queue; the mask keeps ring 0 free of bounds checks.
//
//go:nosplit
func rq(c int) *runq { return &rqs[c&(cpu.Max-1)] }

//go:nosplit
func current() int32 { return rq(me()).cur - 1 }

//go:nosplit
func setCurrent(i int32) { rq(me()).cur = i + 1 }

// enqueue makes thread i runnable on this CPU's queue, and wakes an idle
// CPU to take it if this one is busy.
//
//go:nosplit
func enqueue(i int32) {
	push(me(), i)
	kick()
}

//go:nosplit
func push(c int, i int32) {
	if uint32(i) >= MaxThreads {
		return
	}
	q := rq(c)
	t := &threads[i]
	t.State = Runnable
	t.next = 0
	if q.tail == 0 {
		q.head = i + 1
	} else if j := q.tail - 1; uint32(j) < MaxThreads {
		threads[j].next = i + 1
	}
	q.tail = i + 1
	q.n++
}

// pop takes the oldest thread of CPU c's queue, or returns -1.
//
//go:nosplit
func pop(c int) int32 {
	q := rq(c)
	if q.head == 0 {
		return -1
	}
	i := q.head - 1
	if uint32(i) >= MaxThreads {
		q.head, q.tail, q.n = 0, 0, 0
		return -1
	}
	q.head = threads[i].next
	if q.head == 0 {
		q.tail = 0
	}
	q.n--
	threads[i].next = 0
	return i
}

// dequeue returns the next thread for this CPU: its own queue's oldest,
// else one stolen from the longest other queue, or -1.
//
//go:nosplit
func dequeue() int32 {
	c := me()
	if i := pop(c); i >= 0 {
		return i
	}
	best, most := -1, int32(0)
	for o := 0; o < ncpus(); o++ {
		if o != c && rq(o).n > most {
			best, most = o, rq(o).n
		}
	}
	if best < 0 {
		return -1
	}
	return pop(best)
}

// runnable reports whether any queue holds a thread.
//
//go:nosplit
func runnable() bool {
	for o := 0; o < ncpus(); o++ {
		if rq(o).n > 0 {
			return true
		}
	}
	return false
}

// kick sends a wake-up IPI to one idle CPU other than this one, if any,
// so that it steals the thread just queued. A CPU that is itself idle (an
// interrupt there made the thread runnable) runs its one queued thread
// without help.
//
//go:nosplit
func kick() {
	if hostTest {
		return
	}
	c := me()
	if idleCPU[c&(cpu.Max-1)].Load() != 0 && rq(c).n <= 1 {
		return
	}
	for o := 0; o < ncpus(); o++ {
		if o != c && idleCPU[o&(cpu.Max-1)].Load() != 0 {
			kicks.Add(1)
			lapic.SendIPI(cpu.Blocks[o&(cpu.Max-1)].APICID, WakeVector, lapic.Fixed)
			return
		}
	}
}
