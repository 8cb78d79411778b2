package trap

import (
	"gokernel/arch"
	"gokernel/kernel/console"
)

// Exception names (SDM Vol. 3A §6.3.1, Table 6-1).
var names = [32]string{
	"divide error", "debug", "NMI", "breakpoint", "overflow", "BOUND range exceeded",
	"invalid opcode", "device not available", "double fault", "coprocessor segment overrun",
	"invalid TSS", "segment not present", "stack-segment fault", "general protection",
	"page fault", "reserved 15", "x87 floating-point error", "alignment check",
	"machine check", "SIMD floating-point exception", "virtualization exception",
	"control protection exception", "reserved 22", "reserved 23", "reserved 24",
	"reserved 25", "reserved 26", "reserved 27", "hypervisor injection exception",
	"VMM communication exception", "security exception", "reserved 31",
}

// Name returns the exception name of vector v.
//
//go:nosplit
func Name(v uint64) string {
	if v < uint64(len(names)) {
		return names[v]
	}
	return "interrupt"
}

// Report prints what the CPU saved for a fault: vector, name, error code
// (decoded for page faults, with CR2), and the registers. It allocates
// nothing and takes no lock, so it works from any fault.
//
//go:nosplit
func Report(who string, f *arch.Frame) {
	console.WriteString("\n")
	console.WriteString(who)
	console.WriteString(": ")
	console.WriteString(Name(f.Vector))
	console.WriteString(" (vector ")
	console.Dec(int64(f.Vector))
	console.WriteString(") error code ")
	console.Hex(f.ErrorCode)
	console.WriteString("\n")
	if f.Vector == VecPageFault {
		ec := f.ErrorCode
		console.WriteString("  page fault at address ")
		console.Hex(arch.ReadCR2())
		console.WriteString(":")
		if ec&arch.PF_P != 0 {
			console.WriteString(" protection")
		} else {
			console.WriteString(" not-present")
		}
		if ec&arch.PF_W != 0 {
			console.WriteString(" write")
		} else {
			console.WriteString(" read")
		}
		if ec&arch.PF_U != 0 {
			console.WriteString(" user")
		} else {
			console.WriteString(" kernel")
		}
		if ec&arch.PF_I != 0 {
			console.WriteString(" fetch")
		}
		if ec&arch.PF_RSVD != 0 {
			console.WriteString(" reserved-bit")
		}
		console.WriteString("\n")
	}
	reg("  rip", f.RIP)
	reg(" cs", f.CS)
	reg(" rflags", f.RFLAGS)
	reg(" rsp", f.RSP)
	reg(" ss", f.SS)
	console.WriteString("\n")
	reg("  rax", f.RAX)
	reg(" rbx", f.RBX)
	reg(" rcx", f.RCX)
	reg(" rdx", f.RDX)
	console.WriteString("\n")
	reg("  rsi", f.RSI)
	reg(" rdi", f.RDI)
	reg(" rbp", f.RBP)
	reg(" r8", f.R8)
	console.WriteString("\n")
	reg("  r9", f.R9)
	reg(" r10", f.R10)
	reg(" r11", f.R11)
	reg(" r12", f.R12)
	console.WriteString("\n")
	reg("  r13", f.R13)
	reg(" r14", f.R14)
	reg(" r15", f.R15)
	reg(" cr3", arch.ReadCR3())
	console.WriteString("\n")
}

//go:nosplit
func reg(name string, v uint64) {
	console.WriteString(name)
	console.WriteString("=")
	console.Hex(v)
}
