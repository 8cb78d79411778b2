package trap

import (
	"gokernel/arch"
	"gokernel/kernel/console"
	"gokernel/kernel/ksym"
	"gokernel/kernel/mem"
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

// CodeBytes is how many instruction bytes a report shows: the longest x86
// instruction is 15 bytes.
const CodeBytes = 15

// Readable reports whether [addr, addr+n) is mapped (for a report that must
// not fault while reading memory).
//
//go:nosplit
func Readable(addr, n uint64) bool {
	if n == 0 || addr+n < addr {
		return false
	}
	for p := mem.PageRoundDown(addr); p < addr+n; p += mem.PageSize {
		if !mem.Lookup(uintptr(p)).Present() && !inDirectMap(p) {
			return false
		}
	}
	return true
}

//go:nosplit
func inDirectMap(p uint64) bool { return p >= mem.DirectMap && p-mem.DirectMap < mem.DirectMapSize }

// Report prints what the CPU saved for a fault: vector and name, the error
// code decoded, RIP as symbol+offset, the instruction bytes at RIP, the
// registers, and a call trace along the frame pointers. It allocates
// nothing and takes no lock, so it works from any fault.
//
//go:nosplit
func Report(who string, f *arch.Frame) {
	if injectFault {
		faultNow()
	}
	console.WriteString("\n")
	console.WriteString(who)
	console.WriteString(": ")
	console.WriteString(Name(f.Vector))
	console.WriteString(" (vector ")
	console.Dec(int64(f.Vector))
	console.WriteString("), error code ")
	console.Hex(f.ErrorCode)
	printErrorCode(DecodeErrorCode(f.Vector, f.ErrorCode))
	console.WriteString("\n  rip ")
	console.Hex(f.RIP)
	console.WriteString(" ")
	Symbol(f.RIP)
	console.WriteString("\n  code")
	if Readable(f.RIP, CodeBytes) {
		code := (*[CodeBytes]byte)(arch.Ptr(uintptr(f.RIP)))
		for _, b := range code {
			console.WriteString(" ")
			hexByte(b)
		}
	} else {
		console.WriteString(" not readable")
	}
	console.WriteString("\n")
	reg("  rax", f.RAX)
	reg(" rbx", f.RBX)
	reg(" rcx", f.RCX)
	reg(" rdx", f.RDX)
	console.WriteString("\n")
	reg("  rsi", f.RSI)
	reg(" rdi", f.RDI)
	reg(" rbp", f.RBP)
	reg(" rsp", f.RSP)
	console.WriteString("\n")
	reg("  r8", f.R8)
	reg(" r9", f.R9)
	reg(" r10", f.R10)
	reg(" r11", f.R11)
	console.WriteString("\n")
	reg("  r12", f.R12)
	reg(" r13", f.R13)
	reg(" r14", f.R14)
	reg(" r15", f.R15)
	console.WriteString("\n")
	reg("  rflags", f.RFLAGS)
	reg(" cs", f.CS)
	reg(" ss", f.SS)
	reg(" cr2", arch.ReadCR2())
	reg(" cr3", arch.ReadCR3())
	console.WriteString("\n")
	trace(f.RBP)
}

//go:nosplit
func printErrorCode(e ErrorCode) {
	switch {
	case e.Vector == VecPageFault:
		console.WriteString(" (")
		if e.Present {
			console.WriteString("protection violation")
		} else {
			console.WriteString("page not present")
		}
		if e.Write {
			console.WriteString(", write")
		} else {
			console.WriteString(", read")
		}
		if e.User {
			console.WriteString(", user")
		} else {
			console.WriteString(", supervisor")
		}
		if e.Fetch {
			console.WriteString(", instruction fetch")
		}
		if e.Reserved {
			console.WriteString(", reserved bit set")
		}
		console.WriteString(")\n  address (cr2) ")
		console.Hex(arch.ReadCR2())
	case e.HasSelector:
		console.WriteString(" (")
		switch {
		case e.IDT:
			console.WriteString("IDT vector ")
		case e.LDT:
			console.WriteString("LDT selector index ")
		default:
			console.WriteString("GDT selector index ")
		}
		console.Dec(int64(e.Index))
		if e.External {
			console.WriteString(", external event")
		}
		console.WriteString(")")
	}
}

// Symbol prints addr as function+offset from the kernel's symbol table.
//
//go:nosplit
func Symbol(addr uint64) {
	if name, off, ok := ksym.Lookup(addr); ok {
		console.Write(name)
		console.WriteString("+")
		console.Hex(off)
		return
	}
	console.WriteString("(no symbol)")
}

// trace walks the frame-pointer chain: Go functions that have a frame keep
// the caller's RBP at 0(RBP) and the return address at 8(RBP). It stops at
// an unmapped or non-increasing frame pointer, or after 16 frames.
//
//go:nosplit
func trace(rbp uint64) {
	console.WriteString("  call trace:\n")
	for i := 0; i < 16; i++ {
		if rbp&7 != 0 || !Readable(rbp, 16) {
			break
		}
		fr := (*[2]uint64)(arch.Ptr(uintptr(rbp)))
		ret := fr[1]
		if ret == 0 {
			break
		}
		console.WriteString("    ")
		console.Hex(ret)
		console.WriteString(" ")
		Symbol(ret)
		console.WriteString("\n")
		if fr[0] <= rbp {
			break
		}
		rbp = fr[0]
	}
}

//go:nosplit
func hexByte(b byte) {
	const digits = "0123456789abcdef"
	hi, lo := uint(b>>4), uint(b&15)
	console.WriteString(digits[hi : hi+1])
	console.WriteString(digits[lo : lo+1])
}

//go:nosplit
func reg(name string, v uint64) {
	console.WriteString(name)
	console.WriteString("=")
	console.Hex(v)
}

// injectFault makes the next Report fault before it prints: the test of a
// fault inside the fault handler (kcall's TestFaultInRep).
var injectFault bool

// FaultInNextReport arms that test fault. Ring 0, test mode only.
//
//go:nosplit
func FaultInNextReport() { injectFault = true }

// unmapped is in the kernel half, below the kernel stacks and above the
// direct map: never mapped.
const unmapped = 0xffff_ff7f_dead_0000

//go:nosplit
//go:noinline
func faultNow() {
	injectFault = false
	*(*uint64)(arch.Ptr(unmapped)) = 1
}

var unexpectedSeen [4]uint64 // one bit per vector

// Unexpected reports an interrupt on a vector nobody handles, once per
// vector. Vectors beyond the interrupt controller's have no controller to
// acknowledge.
//
//go:nosplit
func Unexpected(v uint64) {
	v &= 255
	if unexpectedSeen[v/64]&(1<<(v%64)) == 0 {
		unexpectedSeen[v/64] |= 1 << (v % 64)
		console.WriteString("kernel: unexpected interrupt ")
		console.Dec(int64(v))
		console.WriteString("\n")
	}
}

// breakpoints counts the int3 traps reported, from Go code or the kernel.
var breakpoints uint64

// Breakpoint reports an int3 trap, whose frame is f, and counts it; the
// trapped code resumes after the instruction.
//
//go:nosplit
func Breakpoint(f *arch.Frame) {
	breakpoints++
	console.WriteString("kernel: breakpoint at ")
	console.Hex(f.RIP - 1)
	console.WriteString(" ")
	Symbol(f.RIP - 1)
	console.Line("; continuing")
}

// Breakpoints returns the number of int3 traps reported since boot.
//
//go:nosplit
func Breakpoints() uint64 { return breakpoints }
