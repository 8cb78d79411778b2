package main

import (
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/clock"
	"gokernel/kernel/console"
	"gokernel/kernel/pic"
	"gokernel/kernel/pit"
)

// testHook runs a gokernel test operation in ring 0 (test mode only): the
// deliberate kernel faults the host tests check the reports of.
//
//go:nosplit
func testHook(op uint64, f *arch.Frame) {
	switch op {
	case opTestPageFault:
		sink = *(*uint64)(unsafe.Pointer(uintptr(badKernelAddr)))
	case opTestStackOverfl:
		overflowStack()
	case opTestConsoleHeld:
		console.Lock()
		sink = *(*uint64)(unsafe.Pointer(uintptr(badKernelAddr)))
	case opTestFaultInRep:
		faultInReport = true
		sink = *(*uint64)(unsafe.Pointer(uintptr(badKernelAddr)))
	case opTestInt3:
		int3()
	case opTestBadVector:
		int81()
	case opTestTickRace:
		f.RAX, f.RDX = tickRace(f.RSI != 0)
	}
}

// tickRace stops the periodic tick for a 50 ms one-shot the way the idle
// loop does, but at the worst moment: with a periodic tick's interrupt
// pending (it waits for it with interrupts off, as they are during a
// system call). The halt then ends at once on that stale interrupt. With
// full, it halts on until the one-shot has fired. It returns the ticks
// counted and the nanoseconds that passed, which must agree.
//
//go:nosplit
func tickRace(full bool) (ticks, ns uint64) {
	start := clock.Nanotime()
	for !pic.Pending(0) && clock.Nanotime()-start < 100_000_000 {
		arch.Pause()
	}
	t0, n0 := clock.Nanotime(), pit.Ticks()
	pit.StopTick(50_000_000)
	arch.StiHlt()
	arch.Cli()
	// The one-shot is due 50 ms after t0 by the PIT, a little less by the
	// TSC: wait for it from 45 ms on, or nothing would end the halt.
	for full && clock.Nanotime()-t0 < 45_000_000 {
		arch.StiHlt()
		arch.Cli()
	}
	pit.RestartTick()
	return pit.Ticks() - n0, uint64(clock.Nanotime() - t0)
}

var sink uint64
