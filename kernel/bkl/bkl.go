// Package bkl is the big kernel lock: one lock that every kernel entry
// takes, so the ring-0 core runs on one CPU at a time while the Go
// program runs on all of them. The kernel's paths are short and never
// wait inside the kernel (a thread that must wait is switched away from,
// kernel/sched), so the lock is held for microseconds; the idle loop drops
// it while the CPU halts. Linux began its SMP life the same way (2.0).
//
// The lock is re-entrant per CPU (an interrupt in the idle loop, a fault
// in a handler) and is level 0 of the lock order (kernel/spin). Taking it
// also brings the CPU's TLB up to date with shootdowns made while it
// waited (kernel/tlb).
//
// What does not take it: the shootdown and wake-up IPIs (their handlers
// touch only their CPU's own state), and the boot until the first AP
// starts (the boot CPU takes it then).
//
// Ring 0: //go:nosplit, no allocation.
package bkl

import (
	"gokernel/kernel/cpu"
	"gokernel/kernel/mem"
	"gokernel/kernel/spin"
	"gokernel/kernel/tlb"
)

var (
	lock  spin.Lock       // level 0: zero value
	depth [cpu.Max]uint32 // nesting, per CPU
)

// Enter takes the lock for this CPU, or nests if it holds it already.
//
//go:nosplit
func Enter() {
	me := cpu.ID()
	if lock.Holder() == me {
		depth[me]++
		return
	}
	lock.Acquire(me)
	depth[me] = 1
	tlb.Sync()
}

// Exit undoes one Enter.
//
//go:nosplit
func Exit() {
	me := cpu.ID()
	if depth[me] > 1 {
		depth[me]--
		return
	}
	depth[me] = 0
	mem.Flush()
	lock.Release(me)
}

// Drop releases the lock however deeply this CPU holds it, and returns
// the depth for Take: the idle loop's halt, and a kernel stack abandoned
// for good (a kernel fault).
//
//go:nosplit
func Drop() uint32 {
	me := cpu.ID()
	d := depth[me]
	if d > 0 {
		depth[me] = 0
		mem.Flush()
		lock.Release(me)
	}
	return d
}

// Take takes the lock again at the depth Drop returned.
//
//go:nosplit
func Take(d uint32) {
	if d == 0 {
		return
	}
	me := cpu.ID()
	lock.Acquire(me)
	depth[me] = d
	tlb.Sync()
}

// Held reports whether this CPU holds the lock.
//
//go:nosplit
func Held() bool { return lock.Holder() == cpu.ID() }

// Spins returns the PAUSEs CPUs spent waiting for the lock.
//
//go:nosplit
func Spins() uint64 { return lock.Spins() }
