// Package fault reports a fault in the kernel itself. The ring-0 core
// cannot call the runtime, so the report comes in two parts: Kernel (ring
// 0) prints everything that needs no runtime (vector, decoded error code,
// RIP as symbol+offset, code bytes, registers, call trace) at once; then,
// if the runtime is running, the kernel wakes the fault reporter
// (reporter.go, ring 3), a goroutine locked to its own thread, which
// disassembles the instruction with golang.org/x/arch/x86/x86asm and stops
// the machine. The faulting thread is frozen, and a watchdog stops the
// machine if the reporter cannot run (say the frozen thread held a runtime
// lock it needs).
//
// Both rings: Kernel runs in ring 0 under the ring-0 rules (//go:nosplit,
// no allocation, no write barrier); the reporter is ordinary Go code.
package fault

import (
	"gokernel/arch"
	"gokernel/kernel/clock"
	"gokernel/kernel/console"
	"gokernel/kernel/cpu"
	"gokernel/kernel/machine"
	"gokernel/kernel/sched"
	"gokernel/kernel/trap"
)

// record is what the reporter reads: the kernel writes it before waking
// the reporter. It is in the Go image, readable from ring 3.
type record struct {
	Valid  bool
	Vector uint64
	RIP    uint64
	Code   [trap.CodeBytes]byte
	NCode  int
}

var (
	last   record
	active bool // a kernel fault is being handled: a second one stops at once
)

const reporterTimeout = 3_000_000_000 // ns

// Kernel reports a fault in ring 0, whose frame is f, and returns the
// frame the kernel must enter instead of returning to the code that
// faulted: the reporter's, through sched.Switch, at the top of the kernel
// stack. It stops the machine if there is no reporter.
//
//go:nosplit
func Kernel(f *arch.Frame, who string) *arch.Frame {
	console.Emergency()
	if active {
		trap.Report("kernel: double fault: another fault while handling a kernel fault", f)
		console.Line("kernel: stopped")
		machine.Stop(false)
	}
	active = true
	trap.Report(who, f)
	last = record{Vector: f.Vector, RIP: f.RIP}
	if trap.Readable(f.RIP, trap.CodeBytes) {
		last.Code = *(*[trap.CodeBytes]byte)(arch.Ptr(uintptr(f.RIP)))
		last.NCode = trap.CodeBytes
	}
	last.Valid = true

	// Abandon the kernel stack: the entry from ring 3 that led here left
	// the interrupted thread's state at its top.
	top := (*arch.Frame)(arch.Ptr(uintptr(cpu.KernelStackTop() - arch.FrameSize)))
	sched.Freeze()
	if !sched.WakeFaultWaiter() {
		console.Line("kernel: no fault reporter is running; stopped")
		machine.Stop(false)
	}
	sched.SetWatchdog(clock.Nanotime() + reporterTimeout)
	sched.Switch(top)
	cpu.LeaveKernel()
	return top
}
