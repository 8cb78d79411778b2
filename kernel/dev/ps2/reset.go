package ps2

import "gokernel/arch"

// cmdPulseReset pulses the 8042's output port bit 0, wired to the CPU's
// reset line on PC/ATs (IBM PC/AT Technical Reference, 8042 output port).
const cmdPulseReset = 0xFE

// PulseReset asks the 8042 to reset the CPU, waiting (bounded) for the
// controller's input buffer to be empty first, or it ignores the command.
// It returns if nothing happens (no 8042). Ring 0, interrupts off.
//
//go:nosplit
func PulseReset() {
	for i := 0; i < 100_000 && arch.Inb(statusPort)&statusInFull != 0; i++ {
		arch.Pause()
	}
	arch.Outb(statusPort, cmdPulseReset)
}
