package machine

import (
	"gokernel/arch"
	"gokernel/kernel/dev/chipset"
	"gokernel/kernel/dev/ps2"
)

// Reset restarts the machine the ways PCs have offered, in the order Linux
// tries the legacy ones (arch/x86/kernel/reboot.c), each given time to act:
//
//  1. Pulse the CPU reset line through the 8042 keyboard controller
//     (ps2.PulseReset).
//  2. Ask the chipset's Reset Control Register for a hard reset
//     (chipset.Reset).
//  3. Triple fault: load an empty IDT and raise an exception. The CPU
//     cannot deliver it, nor the double fault that follows, and shuts
//     down, which the chipset turns into a reset (SDM Vol. 3A, 6.15,
//     "Interrupt 8").
//
// Reset runs in ring 0 with interrupts off and does not return.
//
//go:nosplit
func Reset() {
	arch.Cli()
	ps2.PulseReset()
	chipset.Delay(settleMicros)
	chipset.Reset()
	chipset.Delay(settleMicros)
	var empty arch.DescriptorPointer
	arch.LoadIDT(&empty)
	arch.Int3()
	Halt()
}

// settleMicros is how long each way is given to act.
const settleMicros = 2000
