package main

import (
	"gokernel/arch"
	"gokernel/kernel/console"
	"gokernel/kernel/linux"
	"gokernel/kernel/machine"
	"gokernel/kernel/mem"
	"gokernel/kernel/sched"
	"gokernel/kernel/signal"
	"gokernel/kernel/sys"
	"gokernel/kernel/trap"
)

// dispatch is called by the entry stubs with the frame they saved. It runs
// on the kernel stack (or an IST stack) with interrupts disabled. On return
// the stub restores the frame, which sched.Switch may have replaced with
// another thread's.
//
// Rules for everything reachable from here (checked by tools/ring0check):
// no stack growth (all //go:nosplit), no allocation, no write barriers (no
// Go pointers stored outside the stack), no runtime calls but a few
// allow-listed copies, no locks.
//
//go:nosplit
func dispatch(f *arch.Frame) {
	switch v := f.Vector; {
	case v == trap.VecSyscall:
		if f.RAX == sysGokernel {
			gokernelCall(f)
		} else {
			sys.Dispatch(f)
		}
	case v == trap.VecNestedSyscall:
		nestedSyscall(f)
		return
	case v < 32:
		exception(f)
	case v < irqBase+16:
		interrupt(f, uint8(v-irqBase))
	default:
		unexpected(v)
	}
	if f.FromUser() {
		sched.Switch(f)
		deliverPending(f)
	}
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
		return
	case trap.VecBreakpoint:
		// int3, from Go code or the kernel: report and resume after it.
		console.WriteString("kernel: breakpoint at ")
		console.Hex(f.RIP - 1)
		console.WriteString(" ")
		trap.Symbol(f.RIP - 1)
		console.Line("; continuing")
		return
	}
	if f.FromUser() {
		userException(f)
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

// userException turns a fault in Go code into the signal Linux would send,
// delivered to the runtime's handler, which turns it into a Go panic.
//
//go:nosplit
func userException(f *arch.Frame) {
	var pfCode int32
	if f.Vector == trap.VecPageFault {
		addr := arch.ReadCR2()
		switch mem.Fault(addr, f.ErrorCode) {
		case mem.FaultFixed:
			return
		case mem.FaultNoMem:
			console.WriteString("kernel: out of memory: no free frame for the page at ")
			console.Hex(addr)
			console.WriteString("\n")
			machine.Stop(false)
		case mem.FaultNoArea:
			pfCode = signal.SEGV_MAPERR
		default:
			pfCode = signal.SEGV_ACCERR
		}
	}
	in := signal.ForException(f.Vector, f.ErrorCode, arch.ReadCR2(), f.RIP, pfCode)
	t := sched.Current()
	if t == nil {
		trap.Report("kernel: fault in Go code with no current thread", f)
		machine.Stop(false)
		return
	}
	if why := signal.Deliver(f, t, &in); why != signal.OK {
		console.WriteString("kernel: cannot deliver signal ")
		console.Dec(int64(in.Signo))
		console.WriteString(" to the Go runtime: ")
		console.Line(why)
		trap.Report("kernel: fatal fault in Go code (ring 3)", f)
		machine.Stop(false)
	}
}

var unexpectedSeen [4]uint64 // one bit per vector

// unexpected reports an interrupt on a vector nobody handles, once per
// vector. Vectors above the PIC's have no controller to acknowledge.
//
//go:nosplit
func unexpected(v uint64) {
	v &= 255
	if unexpectedSeen[v/64]&(1<<(v%64)) == 0 {
		unexpectedSeen[v/64] |= 1 << (v % 64)
		console.WriteString("kernel: unexpected interrupt ")
		console.Dec(int64(v))
		console.WriteString("\n")
	}
}

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
