// Package sched runs the Linux threads that the Go runtime creates with
// clone: a fixed table of threads, a FIFO run queue, blocking with
// deadlines, and the idle wait when nothing can run.
//
// The kernel keeps no stack per thread. A thread that is not running is its
// saved arch.Frame (registers, FXSAVE area) plus its FS base; the ring-0
// core runs on one per-CPU kernel stack. A system call that blocks does not
// sleep inside the kernel: its handler records why the thread waits and
// what it will return, and Switch then stores the frame and loads another
// thread's. This keeps every kernel path short and non-blocking, and needs
// no kernel stack per thread.
//
// Everything here runs in ring 0 with interrupts disabled, on one CPU, so
// the tables need no locks. All functions are //go:nosplit and allocate
// nothing; the state holds no Go pointers.
package sched

import (
	"gokernel/arch"
	"gokernel/kernel/linux"
)

// ETIMEDOUT is what a futex wait returns when its deadline passes.
const ETIMEDOUT = ^uint64(linux.ETIMEDOUT - 1) // -ETIMEDOUT in two's complement

// MaxThreads bounds the thread table. The Go runtime with GOMAXPROCS=1
// uses about five threads; clone beyond the limit fails with EAGAIN, as
// Linux's does at RLIMIT_NPROC, and the runtime reports that itself.
//
// The limit stays small on purpose: a thread costs the kernel only its
// slot here (its frame, under 1 KiB), but the runtime gives each of its
// threads (Ms) a 16 KiB g0 stack and a 32 KiB signal stack, so the 1000
// threads GOMAXPROCS=1000 asks for would need about 48 MiB of heap: on
// the 64 MiB machines the tests boot, lifting the limit would trade a
// clear EAGAIN for an out-of-memory crash.
const MaxThreads = 128

// State is a thread's scheduling state.
type State uint8

const (
	Free     State = iota
	Runnable       // in the run queue
	Running        // on the CPU
	Blocked        // waiting for a wake-up or its deadline
	Exited         // gone; the slot is freed when the thread is switched away from
	Frozen         // stopped for good after a kernel fault in its system call or interrupt
)

// WaitKind says what a blocked thread waits for; it decides the result a
// timeout delivers.
type WaitKind uint8

const (
	WaitNone  WaitKind = iota
	WaitFutex          // FUTEX_WAIT: woken by FUTEX_WAKE on Addr; timeout gives -ETIMEDOUT
	WaitSleep          // nanosleep: only the deadline ends it; result 0
	WaitPoll           // epoll_pwait: woken by an event (the call restarts); timeout gives 0
	WaitFault          // the kernel-fault reporter: woken only by a kernel fault
	WaitIRQ            // wait for interrupt: woken by the next hardware interrupt, or FUTEX_WAKE on Addr if set
)

// Thread is one Linux thread of the Go runtime.
type Thread struct {
	Frame  arch.Frame // saved state while not running
	FSBase uint64

	TID      int32
	State    State
	Wait     WaitKind
	Addr     uint64 // futex address or wait object
	Deadline int64  // clock.Nanotime() at which the wait ends; 0: none

	next int32 // run-queue link: index+1 of the next thread, 0 at the end

	// Signal state (rt_sigprocmask, sigaltstack), and signals sent with
	// tgkill or kill that wait to be delivered when the thread next
	// returns to ring 3: bit n-1 for signal n.
	SigMask  uint64
	Pending  uint64
	AltStack linux.StackT
}

var (
	threads  [MaxThreads]Thread
	lastTID  int32
	nthreads int32
)

// Current returns the thread running on this CPU, or nil before its first
// Switch.
//
//go:nosplit
func Current() *Thread {
	if i := current(); uint32(i) < MaxThreads {
		return &threads[i]
	}
	return nil
}

// ByTID returns the live thread with thread ID tid, or nil.
//
//go:nosplit
func ByTID(tid int32) *Thread {
	for i := range threads {
		if t := &threads[i]; t.State != Free && t.TID == tid {
			return t
		}
	}
	return nil
}

// Count returns the number of live threads.
//
//go:nosplit
func Count() int { return int(nthreads) }

// alloc takes a free slot and gives it a new thread ID.
//
//go:nosplit
func alloc() (int32, *Thread) {
	for i := int32(0); i < MaxThreads; i++ {
		t := &threads[i]
		if t.State == Free {
			*t = Thread{}
			lastTID++
			t.TID = lastTID
			nthreads++
			return i, t
		}
	}
	return -1, nil
}

// New creates a runnable thread that starts with frame f and FS base fs.
// The first thread created gets TID 1, which the kernel also reports as
// the process ID, as Linux does for a process's first thread.
//
//go:nosplit
func New(f *arch.Frame, fs uint64) (*Thread, bool) {
	i, t := alloc()
	if t == nil {
		return nil, false
	}
	t.Frame = *f
	t.FSBase = fs
	enqueue(i)
	return t, true
}
