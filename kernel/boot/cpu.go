package boot

import (
	"gokernel/kernel/cpu"
	"gokernel/kernel/mem"
	"gokernel/kernel/trap"
)

// Traps loads the GDT with its TSS, the IDT and the SYSCALL MSRs for good,
// on the kernel stacks Memory made, and points GS at the CPU's block.
// vecs and sysent are the entry stubs' addresses.
//
//go:nosplit
func Traps(vecs, sysent uint64) {
	st := &mem.Stacks
	trap.Init(vecs, sysent, trap.Stacks{Kernel: st[0].Top, DoubleFault: st[1].Top, NMI: st[2].Top, MachineCheck: st[3].Top})
	cpu.Init(st[0].Top)
}
