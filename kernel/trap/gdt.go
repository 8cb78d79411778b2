// Package trap owns the CPU's descriptor tables and what happens when the
// CPU traps: the GDT with its TSS, the IDT, the SYSCALL MSRs, and the report
// printed when the kernel itself faults.
//
// The entry stubs live with the kernel's dispatcher (kernel/entry_amd64.s);
// Init receives their addresses, so no handler address is ever taken from
// a Go func value (which would be an ABI wrapper, not the stub).
package trap

import (
	"unsafe"

	"gokernel/arch"
)

// Segment selectors. The order is fixed by SYSCALL/SYSRET (SDM Vol. 3A
// §5.8.8): SYSCALL loads CS from STAR[47:32] and SS from STAR[47:32]+8;
// SYSRET to 64-bit mode loads CS from STAR[63:48]+16 and SS from
// STAR[63:48]+8, so user data must sit between the 32- and 64-bit user code.
const (
	KernelCS = 0x08
	KernelDS = 0x10
	userCS32 = 0x18
	UserDS   = 0x20 | 3
	UserCS   = 0x28 | 3
	tssSel   = 0x30
)

// MaxCPUs bounds the CPUs with a GDT and TSS here (cpu.Max).
const MaxCPUs = 64

// Each CPU has its own GDT, because the TSS descriptor names its own TSS,
// whose RSP0 and IST entries are that CPU's stacks (SDM Vol. 3A §7.2.3).
var (
	gdts [MaxCPUs][8]uint64
	tsss [MaxCPUs]arch.TSS
)

//go:nosplit
func loadGDT(i int) {
	i &= MaxCPUs - 1
	gdt := &gdts[i]
	tss := &tsss[i]
	gdt[0] = 0
	gdt[KernelCS>>3] = arch.DescKernelCode64
	gdt[KernelDS>>3] = arch.DescKernelData
	gdt[userCS32>>3] = arch.DescUserCode32
	gdt[UserDS>>3] = arch.DescUserData
	gdt[UserCS>>3] = arch.DescUserCode64
	tss.SetIOMapBase(arch.TSSSize)
	lo, hi := arch.TSSDescriptor(uint64(uintptr(unsafe.Pointer(tss))), arch.TSSSize-1)
	gdt[tssSel>>3], gdt[tssSel>>3+1] = lo, hi
	p := arch.MakeDescriptorPointer(uintptr(unsafe.Pointer(gdt)), uint16(len(gdt)*8-1))
	arch.LoadGDT(&p, KernelCS, KernelDS)
	arch.LoadTR(tssSel)
}
