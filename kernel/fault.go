package main

import (
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/clock"
	"gokernel/kernel/console"
	"gokernel/kernel/machine"
	"gokernel/kernel/sched"
	"gokernel/kernel/trap"
)

// A fault in the kernel itself. The ring-0 core cannot call the runtime, so
// the report comes in two parts: kernelFault prints everything that needs
// no runtime (vector, decoded error code, RIP as symbol+offset, code bytes,
// registers, call trace) at once; then, if the runtime is running, the
// kernel wakes the fault reporter, a goroutine locked to its own thread
// (faultreport.go), which disassembles the instruction with
// golang.org/x/arch/x86/x86asm and stops the machine. The faulting thread
// is frozen, and a watchdog stops the machine if the reporter cannot run
// (say the frozen thread held a runtime lock it needs).

// faultRecord is what the reporter reads: the kernel writes it before
// waking the reporter. It is in the Go image, readable from ring 3.
type faultRecord struct {
	Valid  bool
	Vector uint64
	RIP    uint64
	Code   [trap.CodeBytes]byte
	NCode  int
}

var (
	lastFault   faultRecord
	faultActive bool // a kernel fault is being handled: a second one stops at once
)

const reporterTimeout = 3_000_000_000 // ns

// kernelFault reports a fault in ring 0 and never returns to the code that
// faulted: it hands the CPU to the reporter, or stops.
//
//go:nosplit
func kernelFault(f *arch.Frame, who string) {
	console.Emergency()
	if faultActive {
		trap.Report("kernel: double fault: another fault while handling a kernel fault", f)
		console.Line("kernel: stopped")
		machine.Stop(false)
	}
	faultActive = true
	if faultInReport {
		// test hook: the report itself faults
		*(*uint64)(unsafe.Pointer(uintptr(badKernelAddr))) = 1
	}
	trap.Report(who, f)
	lastFault = faultRecord{Vector: f.Vector, RIP: f.RIP}
	if trap.Readable(f.RIP, trap.CodeBytes) {
		lastFault.Code = *(*[trap.CodeBytes]byte)(unsafe.Pointer(uintptr(f.RIP)))
		lastFault.NCode = trap.CodeBytes
	}
	lastFault.Valid = true

	// Abandon the kernel stack: the entry from ring 3 that led here left
	// the interrupted thread's state at its top.
	top := (*arch.Frame)(unsafe.Pointer(uintptr(cpu0.kstack - arch.FrameSize)))
	sched.Freeze()
	if !sched.WakeFaultWaiter() {
		console.Line("kernel: no fault reporter is running; stopped")
		machine.Stop(false)
	}
	sched.SetWatchdog(clock.Nanotime() + reporterTimeout)
	sched.Switch(top)
	cpu0.depth = 0
	enterFrame(top)
}
