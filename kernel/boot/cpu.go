package boot

import (
	"gokernel/kernel/clock"
	"gokernel/kernel/cmdline"
	"gokernel/kernel/console"
	"gokernel/kernel/cpu"
	"gokernel/kernel/dev/pit"
	"gokernel/kernel/irq"
	"gokernel/kernel/mem"
	"gokernel/kernel/sched"
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

// Interrupts sets up the interrupt controller with every line masked.
//
//go:nosplit
func Interrupts() { irq.Init() }

// Clock calibrates the TSC and reads the real-time clock, and prints the
// "clock:" line.
//
//go:nosplit
func Clock() {
	clock.Init()
	if hz, ok := clock.TSCHz(); ok {
		console.WriteString("clock: TSC ")
		console.Dec(int64(hz / 1_000_000))
		console.Line(" MHz")
	} else {
		console.Line("clock: the PIT did not answer; assuming a 2 GHz TSC")
	}
}

// Timer starts the tick, PIT channel 0 on IRQ 0, at hz= per second.
// Interrupts stay off until the IRETQ into the runtime loads RFLAGS with
// IF set.
//
//go:nosplit
func Timer() {
	pit.Init(cmdline.Get(cmdline.Hz).Num)
	irq.Enable(irq.Timer)
	sched.InterruptsWake = true
}
