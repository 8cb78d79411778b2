package mem

import (
	"gokernel/kernel/cpu"
	"gokernel/kernel/spin"
	"gokernel/kernel/tlb"
)

// The mm lock and the release of frames.
//
// The mm lock (level 1 of the lock order, kernel/spin) guards the user
// address space: the area list (User) and the page tables' user half.
// Everything that reads an area and then changes the page tables on its
// strength holds it: page faults (Fault, and UserBytes when it faults
// pages in), and the system calls that map, unmap and protect (kernel/sys
// takes it around each). Page faults from ring 3 take only this lock, not
// the big kernel lock (kernel/bkl), so CPUs fault pages in at once while
// another runs a system call.
//
// A frame unmapped while other CPUs may still hold its translation is not
// freed at once: it waits on this CPU's list until the shootdown that
// drops those translations is done (Flush). Freed earlier, it could be
// handed to a page fault on another CPU, which no longer waits for the
// big kernel lock, and a stale translation would then write into another
// page. Frames are zeroed when handed out, so a write that reaches one
// before the shootdown is erased.

var (
	mm      = spin.Lock{Level: 1} // its place in the lock order (kernel/spin)
	mmDepth [cpu.Max]uint32
	held    [cpu.Max]deferred
	spares  [cpu.Max]uint64 // a zeroed frame per CPU, or 0 (Spare)
	spared  bool            // Spare ran: the per-CPU blocks exist (not so early in boot)
)

// deferred holds the frames this CPU unmapped since its last shootdown:
// 512 bytes a CPU.
type deferred struct {
	n  int
	pa [63]uint64
}

// owner is this CPU's index; host tests have one CPU.
//
//go:nosplit
func owner() int {
	if hostTest {
		return 0
	}
	return cpu.ID()
}

// LockMM takes the mm lock; it nests on the CPU that holds it.
//
//go:nosplit
func LockMM() {
	me := owner()
	if mmDepth[me&(cpu.Max-1)] > 0 {
		mmDepth[me&(cpu.Max-1)]++
		return
	}
	mm.Acquire(me) // a violation is recorded in spin and reported at the next switch
	mmDepth[me&(cpu.Max-1)] = 1
}

// UnlockMM undoes one LockMM.
//
//go:nosplit
func UnlockMM() {
	me := owner()
	d := &mmDepth[me&(cpu.Max-1)]
	if *d > 1 {
		*d--
		return
	}
	*d = 0
	mm.Release(me)
}

// freeUserFrame frees frame pa of a user page just unmapped: at once with
// one CPU, else after this CPU's next shootdown (Flush), which it asks
// for. A full list is flushed on the spot: a shootdown needs no lock.
//
//go:nosplit
func freeUserFrame(pa uint64) {
	if hostTest || cpu.Online() <= 1 {
		Frames.Free(pa)
		return
	}
	tlb.Request()
	d := &held[owner()&(cpu.Max-1)]
	if d.n >= len(d.pa) {
		Flush()
	}
	if uint(d.n) < uint(len(d.pa)) {
		d.pa[d.n] = pa
		d.n++
	}
}

// Flush does this CPU's requested shootdown, if any, then frees the
// frames that waited for it. The big kernel lock's release calls it, and
// so does the page-fault path that runs without that lock.
//
//go:nosplit
func Flush() {
	if hostTest {
		return
	}
	tlb.Release()
	d := &held[owner()&(cpu.Max-1)]
	for i := 0; i < d.n && i < len(d.pa); i++ {
		Frames.Free(d.pa[i])
	}
	d.n = 0
}

// Spare zeroes a frame for this CPU's next page fault before the fault
// takes the mm lock: zeroing 4 KiB is most of a fault's work, and the
// lock need not be held for it. A spare frame is not counted as free,
// so it is kept only while free memory is above the low-water mark.
//
//go:nosplit
func Spare() {
	i := owner() & (cpu.Max - 1)
	if spares[i] != 0 || Frames.FreeCount()*PageSize < LowWater {
		return
	}
	if pa, ok := Frames.Alloc(); ok {
		*tableAt(pa) = table{}
		spares[i] = pa
		spared = true
	}
}

// takeSpare returns this CPU's spare frame, zeroed, or 0.
//
//go:nosplit
func takeSpare() uint64 {
	if !spared {
		return 0
	}
	i := owner() & (cpu.Max - 1)
	pa := spares[i]
	spares[i] = 0
	return pa
}

// MMHeld reports whether this CPU holds the mm lock: a thread switch with
// it held is a kernel bug (kernel/sched checks).
//
//go:nosplit
func MMHeld() bool { return mmDepth[owner()&(cpu.Max-1)] > 0 }
