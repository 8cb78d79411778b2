package trap

import (
	"unsafe"

	"gokernel/arch"
)

// Vectors with special stacks (SDM Vol. 3A §6.14.5). A double fault often
// means the kernel stack is gone (overflowed into its guard page), so it
// must run elsewhere; NMI and machine check can arrive at any instruction,
// including the first ones of an entry stub.
const (
	VecDivide       = 0
	VecNMI          = 2
	VecBreakpoint   = 3
	VecDoubleFault  = 8
	VecGP           = 13
	VecPageFault    = 14
	VecMachineCheck = 18

	istDoubleFault  = 1
	istNMI          = 2
	istMachineCheck = 3

	// VecSyscall is the vector the SYSCALL entry stores in its frame, and
	// VecNestedSyscall the one for a SYSCALL made while the kernel runs.
	VecSyscall       = 256
	VecNestedSyscall = 257

	// StubStride is the distance between consecutive vector stubs.
	StubStride = 16
)

var idt [256]arch.Gate

// HasErrorCode reports whether the CPU pushes an error code for vector v
// (SDM Vol. 3A §6.15).
//
//go:nosplit
func HasErrorCode(v int) bool {
	switch v {
	case 8, 10, 11, 12, 13, 14, 17, 21, 29, 30:
		return true
	}
	return false
}

// Stacks are the tops of the kernel stacks the CPU switches to.
type Stacks struct {
	Kernel, DoubleFault, NMI, MachineCheck uint64
}

// Init builds the IDT and loads it with the boot CPU's GDT and TSS
// (InitCPU 0).
//
//   - stubs is the address of vector 0's entry stub; vector v's is at
//     stubs + v*StubStride.
//   - syscall is the SYSCALL entry.
//
// Preconditions: interrupts disabled.
//
//go:nosplit
func Init(stubs, syscall uint64, st Stacks) {

	for v := range idt {
		var ist uint8
		switch v {
		case VecDoubleFault:
			ist = istDoubleFault
		case VecNMI:
			ist = istNMI
		case VecMachineCheck:
			ist = istMachineCheck
		}
		var dpl uint8
		if v == VecBreakpoint {
			dpl = 3 // int3 from ring 3 reaches the kernel, not #GP
		}
		idt[v] = arch.MakeGate(stubs+uint64(v)*StubStride, KernelCS, ist, arch.GateInterrupt, dpl)
	}
	syscallEntry = syscall
	InitCPU(0, st)
}

var syscallEntry uint64

// IDTPointer returns the IDT's limit and base, for LIDT: also an AP's
// trampoline loads it, before its own setup (kernel/smp).
//
//go:nosplit
func IDTPointer() arch.DescriptorPointer {
	return arch.MakeDescriptorPointer(uintptr(unsafe.Pointer(&idt)), uint16(len(idt)*16-1))
}

// InitCPU loads CPU i's GDT and TSS, with its stacks, the shared IDT, and
// programs its SYSCALL MSRs: what every CPU does at its start. Init has
// built the IDT. Preconditions: interrupts disabled.
//
//go:nosplit
func InitCPU(i int, st Stacks) {
	tss := &tsss[i&(MaxCPUs-1)]
	tss.SetRSP0(st.Kernel)
	tss.SetIST(istDoubleFault, st.DoubleFault)
	tss.SetIST(istNMI, st.NMI)
	tss.SetIST(istMachineCheck, st.MachineCheck)
	loadGDT(i)
	p := IDTPointer()
	arch.LoadIDT(&p)

	// SYSCALL: CS/SS from STAR, RIP from LSTAR, and FMASK clears IF (so
	// the entry runs with interrupts off), TF, DF, AC, NT and IOPL.
	arch.Wrmsr(arch.MSR_STAR, uint64(userCS32)<<48|uint64(KernelCS)<<32)
	arch.Wrmsr(arch.MSR_LSTAR, syscallEntry)
	arch.Wrmsr(arch.MSR_FMASK, 0x47700)
	arch.Wrmsr(arch.MSR_EFER, arch.Rdmsr(arch.MSR_EFER)|arch.EFER_SCE)
}
