// Package tlb keeps every CPU's TLB consistent with the page tables, which
// all CPUs share: the Go program is one address space running on all of
// them. When a mapping loses rights or goes away (munmap, mprotect,
// madvise), a CPU still running the program may hold the old translation
// in its TLB and reach a page the kernel has freed; the change is not done
// until every such CPU has flushed (SDM Vol. 3A §4.10.5, "Propagation of
// Paging-Structure Changes to Multiple Processors").
//
// A generation counter says how many shootdowns there were. A CPU that is
// in ring 0 or idle flushes by itself before it next uses user memory:
// when it takes the big kernel lock (Sync) and before it returns to ring 3
// (LeaveToUser). Only the CPUs running in ring 3 get an interprocessor
// interrupt, whose handler flushes and records the generation without any
// lock; Shootdown waits for those. It needs no lock: two CPUs may shoot
// at once (the big kernel lock's holder after a munmap, another in the
// page-fault path that runs without it), each waiting for the generation
// it made. The frames a change freed are not handed out again before the
// shootdown is done: kernel/mem defers their release to it (mem.Flush).
//
// Ring 0: //go:nosplit, no allocation, sync/atomic only.
package tlb

import (
	"sync/atomic"

	"gokernel/arch"
	"gokernel/kernel/cpu"
	"gokernel/kernel/dev/lapic"
)

// Vector is the shootdown IPI's vector (kernel/irq lists the vectors).
const Vector = 0xF1

type state struct {
	seen    atomic.Uint64 // the generation this CPU's TLB reflects
	inUser  atomic.Uint32 // 1 while the CPU runs ring-3 code
	pending bool          // this CPU changed entries: a shootdown is due before it leaves the kernel
	_       [51]byte      // its own cache line: CPUs write their own
}

var (
	gen    atomic.Uint64
	cpus   [cpu.Max]state
	shoots atomic.Uint64 // shootdowns, for the cpus command
	ipis   atomic.Uint64
)

//go:nosplit
func flush() { arch.WriteCR3(arch.ReadCR3()) } // all non-global entries (§4.10.4.1)

// Request asks for a shootdown before this CPU leaves the kernel: mem
// calls it where entries lost rights or went away, deep in a call chain,
// and Release does it from the top (kernel/mem's Flush, when the big
// kernel lock is released or the lock-free page-fault path ends).
//
//go:nosplit
func Request() { cpus[cpu.ID()].pending = true }

// Release does this CPU's requested shootdown, if any, and reports
// whether it did one.
//
//go:nosplit
func Release() bool {
	s := &cpus[cpu.ID()]
	if !s.pending {
		return false
	}
	s.pending = false
	Shootdown()
	return true
}

// Shootdown makes every CPU drop the translations it may cache: this one
// at once, those running in ring 3 by IPI, waited for; the others when
// they next enter. Interrupts are off: a CPU waiting here for another
// that waits for it is impossible, since only CPUs in ring 3 (interrupts
// on) are waited for.
//
//go:nosplit
func Shootdown() {
	g := gen.Add(1)
	shoots.Add(1)
	me := cpu.ID()
	flush()
	cpus[me].seen.Store(g)
	n := cpu.Online()
	for i := 0; i < n && i < cpu.Max; i++ {
		if i == me || cpus[i].inUser.Load() == 0 {
			continue
		}
		ipis.Add(1)
		lapic.SendIPI(cpu.Blocks[i].APICID, Vector, lapic.Fixed)
	}
	for i := 0; i < n && i < cpu.Max; i++ {
		// A CPU that left ring 3 flushes on its own before it uses
		// user memory again (Sync); one still there answers the IPI.
		for cpus[i].seen.Load() < g && cpus[i].inUser.Load() != 0 {
			arch.Pause()
		}
	}
}

// Interrupt is the shootdown IPI's handler: flush and say so. It takes no
// lock; the caller sends the EOI.
//
//go:nosplit
func Interrupt() {
	g := gen.Load()
	flush()
	cpus[cpu.ID()].seen.Store(g)
}

// Sync flushes this CPU's TLB if a shootdown happened since it last did.
// The big kernel lock's taker calls it.
//
//go:nosplit
func Sync() {
	s := &cpus[cpu.ID()]
	if g := gen.Load(); s.seen.Load() < g {
		flush()
		s.seen.Store(g)
	}
}

// EnteredKernel records that this CPU left ring 3.
//
//go:nosplit
func EnteredKernel() { cpus[cpu.ID()].inUser.Store(0) }

// LeaveToUser records that this CPU is about to return to ring 3, then
// flushes if a shootdown happened meanwhile. In that order: a Shootdown
// that bumps the generation after the flag is set finds it set and sends
// the IPI, which arrives once ring 3 runs with interrupts on; one before
// it is seen here.
//
//go:nosplit
func LeaveToUser() {
	s := &cpus[cpu.ID()]
	s.inUser.Store(1)
	if g := gen.Load(); s.seen.Load() < g {
		flush()
		s.seen.Store(g)
	}
}

// Counts returns the shootdowns and the IPIs they sent.
//
//go:nosplit
func Counts() (shootdowns, interrupts uint64) { return shoots.Load(), ipis.Load() }
