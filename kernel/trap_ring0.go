package main

import (
	"gokernel/arch"
	"gokernel/kernel/bkl"
	"gokernel/kernel/console"
	"gokernel/kernel/cpu"
	"gokernel/kernel/dev/lapic"
	"gokernel/kernel/fault"
	"gokernel/kernel/irq"
	"gokernel/kernel/kcall"
	"gokernel/kernel/linux"
	"gokernel/kernel/machine"
	"gokernel/kernel/mem"
	"gokernel/kernel/sched"
	"gokernel/kernel/signal"
	"gokernel/kernel/smp"
	"gokernel/kernel/stamp"
	"gokernel/kernel/sys"
	"gokernel/kernel/tlb"
	"gokernel/kernel/trap"
)

// dispatch is called by the entry stubs (entry_amd64.s) with the frame
// they saved. It runs on the kernel stack (or an IST stack) with
// interrupts disabled. On return the stub restores the frame, which
// sched.Switch may have replaced with another thread's.
//
// Three interprocessor interrupts are served without the big kernel lock:
// the TLB shootdown (the CPU that sent it may hold the lock and waits),
// the wake-up of a halted CPU (which only ends its halt), and the NMI of a
// CPU that halts the machine (it may hold the lock); and so are page
// faults from ring 3 that the mm lock alone serves. Everything else runs
// under the lock (kernel/bkl), one CPU at a time.
//
// Ring 0. Rules for everything reachable from here (checked by
// tools/ring0check): no stack growth (all //go:nosplit), no allocation, no
// write barriers (no Go pointers stored outside the stack), no runtime
// calls but a few allow-listed copies, no locks but the spin locks of
// kernel/spin.
//
//go:nosplit
func dispatch(f *arch.Frame) {
	stamp.Begin()
	if f.Vector >= 32 && f.Vector < 256 { // not the SYSCALL entry's 256 and 257
		cpu.Current().Interrupts++
	}
	switch f.Vector {
	case tlb.Vector:
		tlb.Interrupt()
		lapic.EOI()
		return
	case sched.WakeVector:
		lapic.EOI()
		return
	case trap.VecNMI:
		if machine.Stopping() {
			machine.Park() // another CPU halts the machine
		}
	}
	if f.Vector < 32 && !smp.Up() {
		smp.Fault(f) // an AP's fault during its bring-up: reported by the boot CPU
	}
	user := f.FromUser()
	if user {
		tlb.EnteredKernel()
		// A page fault from ring 3 takes only the mm lock (kernel/mem,
		// mm.go), so CPUs fault pages in at once; one it cannot fix (a
		// signal, out of memory) goes on under the big kernel lock.
		if f.Vector == trap.VecPageFault && mem.FaultFromUser(arch.ReadCR2(), f.ErrorCode) {
			stamp.End(stamp.PageFault)
			tlb.LeaveToUser()
			return
		}
	}
	bkl.Enter()
	switch v := f.Vector; {
	case v == trap.VecSyscall && f.RAX == kcall.Number:
		kcall.Dispatch(f)
	case v == trap.VecSyscall:
		sys.Dispatch(f)
		stamp.End(stamp.Syscall)
	case v == trap.VecNestedSyscall:
		nestedSyscall(f)
	case v < 32:
		exception(f)
	case v < 256:
		irq.Interrupt(f, uint8(v))
	default:
		trap.Unexpected(v)
	}
	if user {
		sched.Switch(f)
		signal.DeliverPending(f)
		tlb.LeaveToUser()
	}
	sched.CheckLocks()
	bkl.Exit()
}

//go:nosplit
func exception(f *arch.Frame) {
	switch f.Vector {
	case trap.VecNMI:
		console.WriteString("kernel: NMI at ")
		trap.Symbol(f.RIP)
		console.Line("; continuing")
		return
	case trap.VecDoubleFault:
		kernelFault(f, "kernel")
	case trap.VecBreakpoint:
		// int3, from Go code or the kernel: report and resume after it.
		trap.Breakpoint(f)
		return
	}
	if f.FromUser() {
		signal.FromException(f)
		return
	}
	if f.RIP == iretAddr() && signal.IsReturnFault(f.Vector) {
		// The IRETQ back to ring 3 faulted on the thread's state: the
		// thread's fault, not the kernel's (f becomes the thread's).
		signal.FromBadReturn(f)
		return
	}
	if f.Vector == trap.VecPageFault {
		// The kernel touching a user page not yet allocated.
		if addr := arch.ReadCR2(); addr < mem.UserMax && mem.Fault(addr, f.ErrorCode) == mem.FaultFixed {
			return
		}
	}
	kernelFault(f, "kernel: fault in the kernel (ring 0)")
}

// kernelFault reports a fault in ring 0 and never returns to the code that
// faulted: it enters the fault reporter's thread instead (kernel/fault).
//
//go:nosplit
func kernelFault(f *arch.Frame, who string) {
	top := fault.Kernel(f, who)
	tlb.LeaveToUser()
	bkl.Drop() // the entry that faulted is abandoned, its lock with it
	enterFrame(top)
}

// iretAddr returns the address of the IRETQ that ends every kernel entry.
// Implemented in entry_amd64.s.
func iretAddr() uint64

var nestedReported bool

// nestedSyscall serves a SYSCALL made while the kernel itself runs. That
// only happens when ring-0 Go code reached the Go runtime (a bounds check
// or nil map write inside the kernel core, say) and the runtime is printing
// a fatal error. The message is let through to the console and the exit
// stops the machine; other calls fail.
//
//go:nosplit
func nestedSyscall(f *arch.Frame) {
	if !nestedReported {
		nestedReported = true
		console.Emergency()
		console.WriteString("\nkernel: system call ")
		console.Dec(int64(f.RAX))
		console.WriteString(" from ring 0 at ")
		trap.Symbol(f.RIP)
		console.Line(": the Go runtime was entered from the kernel core")
	}
	switch f.RAX {
	case linux.SYS_WRITE:
		if b, ok := mem.UserBytes(f.RSI, f.RDX, false); ok {
			console.Write(b)
			f.RAX = f.RDX
			return
		}
	case linux.SYS_EXIT, linux.SYS_EXIT_GROUP:
		console.Line("kernel: stopped after a fatal error inside the kernel core")
		machine.Stop(false)
	}
	f.RAX = linux.ENOSYS.Ret()
}
