package main

import (
	"gokernel/arch"
	"gokernel/kernel/console"
	"gokernel/kernel/linux"
	"gokernel/kernel/machine"
	"gokernel/kernel/mem"
	"gokernel/kernel/sched"
	"gokernel/kernel/sys"
	"gokernel/kernel/trap"
)

// dispatch is called by the entry stubs with the frame they saved. It runs
// on the kernel stack with interrupts disabled. On return the stub restores
// the frame, which sched.Switch may have replaced with another thread's.
//
// Like everything it calls, it must not split the stack, allocate, lock, or
// store Go pointers outside the stack.
//
//go:nosplit
func dispatch(f *arch.Frame) {
	switch v := f.Vector; {
	case v == trap.VecSyscall:
		sys.Dispatch(f)
	case v == trap.VecNestedSyscall:
		nestedSyscall(f)
		return
	case v < 32:
		exception(f)
	default:
		interrupt(f)
	}
	if f.FromUser() {
		sched.Switch(f)
	}
}

//go:nosplit
func exception(f *arch.Frame) {
	if f.Vector == trap.VecPageFault {
		addr := arch.ReadCR2()
		// A not-present page of a mapped area: allocate it. This also
		// covers ring-0 code touching user memory first.
		if addr < mem.UserMax {
			switch mem.Fault(addr, f.ErrorCode) {
			case mem.FaultFixed:
				return
			case mem.FaultNoMem:
				console.WriteString("kernel: out of memory: no free frame for the page at ")
				console.Hex(addr)
				console.WriteString("\n")
				machine.Stop(false)
			}
		}
	}
	if f.FromUser() {
		if f.Vector == trap.VecBreakpoint {
			console.WriteString("kernel: breakpoint at ")
			console.Hex(f.RIP)
			console.Line("; continuing")
			return
		}
		// Signal delivery to the runtime's handlers is not there yet:
		// report and stop.
		trap.Report("kernel: fault in Go code (ring 3), no signal delivery yet", f)
		machine.Stop(false)
	}
	trap.Report("kernel: fault in the kernel (ring 0)", f)
	machine.Stop(false)
}

var unexpected [256 / 64]uint64

// interrupt handles hardware interrupts. None is enabled yet, so any that
// arrives is reported, once per vector.
//
//go:nosplit
func interrupt(f *arch.Frame) {
	v := f.Vector & 255
	if unexpected[v/64]&(1<<(v%64)) == 0 {
		unexpected[v/64] |= 1 << (v % 64)
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
		console.WriteString("\nkernel: system call ")
		console.Dec(int64(f.RAX))
		console.WriteString(" from ring 0 at ")
		console.Hex(f.RIP)
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
