package machine

import (
	"gokernel/arch"
	"gokernel/kernel/dev/acpipm"
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

// softOff holds the registers PowerOff writes, found at boot by
// SetSoftOff from the FADT and the DSDT's \_S5; PM1a 0 until then.
var softOff acpipm.Registers

// SetSoftOff records how to switch the machine off. Boot calls it once,
// before any thread runs.
//
//go:nosplit
func SetSoftOff(r acpipm.Registers) { softOff = r }

// CanPowerOff reports whether the firmware told how to switch off.
//
//go:nosplit
func CanPowerOff() bool { return softOff.PM1a != 0 }

// PowerOff switches the machine off through ACPI's soft-off state S5
// (kernel/dev/acpipm): interrupts off, the chipset in ACPI mode, then
// SLP_TYP and SLP_EN written to the PM1 control registers. QEMU exits;
// a PC turns its power supply off. It returns false if there is no way
// (no FADT PM1a control block or no \_S5) or the chipset did not act
// within about 100 ms, with interrupts still off.
//
//go:nosplit
func PowerOff() bool {
	if softOff.PM1a == 0 {
		return false
	}
	arch.Cli()
	acpipm.EnableACPI(&softOff, 300_000) // port reads: about 1 µs each on a PC
	acpipm.SoftOff(&softOff)
	chipset.Delay(100_000)
	return false
}
