package kcall

import (
	"gokernel/arch"
	"gokernel/kernel/clock"
	"gokernel/kernel/console"
	"gokernel/kernel/cpu"
	"gokernel/kernel/dev/pic"
	"gokernel/kernel/dev/pit"
	"gokernel/kernel/irq"
	"gokernel/kernel/linux"
	"gokernel/kernel/mem"
	"gokernel/kernel/sched"
	"gokernel/kernel/spin"
	"gokernel/kernel/timer"
	"gokernel/kernel/trap"
)

// The test operations' ring-0 handlers (test mode only): the deliberate
// kernel faults whose reports the host tests check, and the tick race.

// badKernelAddr is in the kernel half, below the kernel stacks and above
// the direct map: never mapped.
const badKernelAddr = 0xffff_ff7f_dead_0000

var sink uint64

//go:nosplit
func testPageFault(*arch.Frame) uint64 {
	sink = *(*uint64)(arch.Ptr(badKernelAddr))
	return 0
}

//go:nosplit
func testStackOverflow(*arch.Frame) uint64 {
	overflowStack()
	return 0
}

//go:nosplit
func testConsoleHeld(*arch.Frame) uint64 {
	console.Lock()
	sink = *(*uint64)(arch.Ptr(badKernelAddr))
	return 0
}

//go:nosplit
func testFaultInReport(*arch.Frame) uint64 {
	trap.FaultInNextReport()
	sink = *(*uint64)(arch.Ptr(badKernelAddr))
	return 0
}

//go:nosplit
func testInt3(*arch.Frame) uint64 {
	int3()
	return 0
}

//go:nosplit
func testBadVector(*arch.Frame) uint64 {
	int81()
	return 0
}

// testTickRace stops the periodic tick for a 50 ms one-shot the way the
// idle loop does, but at the worst moment: with a periodic tick's
// interrupt pending (it waits for it with interrupts off, as they are
// during a system call). The halt then ends at once on that stale
// interrupt. With RSI nonzero, it halts on until the one-shot has fired.
// It returns the ticks counted (RAX) and the nanoseconds that passed
// (RDX), which must agree.
//
//go:nosplit
func testTickRace(f *arch.Frame) uint64 {
	if timer.Active() != timer.PIT || irq.Active() != irq.PIC {
		return linux.ENODEV.Ret() // the race is the 8254's, through the PIC
	}
	full := f.RSI != 0
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
	f.RDX = uint64(clock.Nanotime() - t0)
	return pit.Ticks() - n0
}

// testBadReturn makes the IRETQ that ends this call fault in ring 0, as
// a non-canonical RIP makes it on real CPUs. QEMU's TCG does not check
// RIP there, so the call uses the other check IRETQ makes on a return to
// ring 3: a null stack selector raises #GP(0) (SDM Vol. 2A, IRET). The
// kernel must make the fault the thread's SIGSEGV (kernel/signal,
// badreturn.go), with the selectors restored.
//
//go:nosplit
func testBadReturn(f *arch.Frame) uint64 {
	f.SS = 0
	return 0
}

// Implemented in test_amd64.s.
func overflowStack()
func int3()
func int81()

// testCalibrate measures the TSC's frequency against clock source RSI (a
// clock.Source) with the references the boot found, interrupts off, about
// 15 ms; ENODEV for a source that is not there or fails.
//
//go:nosplit
func testCalibrate(f *arch.Frame) uint64 {
	hz, p := clock.Calibrate(clock.Source(f.RSI), clock.BootRefs())
	if p != clock.Good {
		return linux.ENODEV.Ret()
	}
	return hz
}

// testLock is a lock deeper than the mm lock in the order, for
// testLockOrder.
var testLock = spin.Lock{Level: 2}

// testLockOrder takes the mm lock (level 1) while holding testLock
// (level 2): the check at the end of this kernel entry reports it.
//
//go:nosplit
func testLockOrder(*arch.Frame) uint64 {
	me := cpu.ID()
	testLock.Acquire(me)
	mem.LockMM()
	mem.UnlockMM()
	testLock.Release(me)
	return 0
}

// testLockSwitch yields with the mm lock held: the switch this entry ends
// in finds it.
//
//go:nosplit
func testLockSwitch(*arch.Frame) uint64 {
	mem.LockMM()
	sched.Yield()
	return 0
}
