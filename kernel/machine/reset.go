package machine

import "gokernel/arch"

// Reset restarts the machine the ways PCs have offered, in the order Linux
// tries the legacy ones (arch/x86/kernel/reboot.c), each given time to act:
//
//  1. Pulse the CPU reset line through the 8042 keyboard controller:
//     command 0xFE to port 0x64 (IBM PC/AT Technical Reference, 8042
//     output port bit 0). Wait for the controller's input buffer to be
//     empty first, or it ignores the command.
//  2. Write 0x06 (hard reset, reset the CPU) to the Reset Control
//     Register at port 0xCF9, present on PIIX and ICH chipsets (Intel
//     ICH9 datasheet, section 13.7.5).
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
	for i := 0; i < 100_000 && arch.Inb(0x64)&2 != 0; i++ {
		arch.Pause()
	}
	arch.Outb(0x64, 0xFE)
	settle()
	arch.Outb(0xCF9, 0x02) // select a hard reset first, then start it
	arch.Outb(0xCF9, 0x06)
	settle()
	var empty arch.DescriptorPointer
	arch.LoadIDT(&empty)
	arch.Int3()
	Halt()
}

// settle waits a few milliseconds for a reset request to take effect, by
// writes to the POST code port 0x80, each an ISA bus cycle of about a
// microsecond on real hardware (Linux's io_delay).
//
//go:nosplit
func settle() {
	for i := 0; i < 2000; i++ {
		arch.Outb(0x80, 0)
	}
}
