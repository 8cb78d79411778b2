package arch

// CPUID executes CPUID with EAX=leaf and ECX=sub (SDM Vol. 2A, CPUID).
// Implemented in cpu_amd64.s.
func CPUID(leaf, sub uint32) (a, b, c, d uint32)

// Rdtsc reads the time-stamp counter (SDM Vol. 3B §18.17).
func Rdtsc() uint64

// Rdrand returns a hardware random number; ok is false if the CPU has no
// RDRAND or its entropy ran out (SDM Vol. 1 §7.3.17). Check HasRdrand first.
func Rdrand() (v uint64, ok bool)

// Interrupt-flag control (SDM Vol. 3A §6.8.1).

// Cli clears RFLAGS.IF.
func Cli()

// Sti sets RFLAGS.IF.
func Sti()

// Hlt stops the CPU until the next interrupt. Ring 0 only.
func Hlt()

// StiHlt enables interrupts and halts in one step: STI delays interrupt
// recognition until after the next instruction, so a wake-up interrupt
// cannot slip in between (SDM Vol. 2B, STI). Ring 0 only.
func StiHlt()

// Pause hints a spin-wait loop (SDM Vol. 2B, PAUSE).
func Pause()

// Mfence orders every load and store before it against those after it
// (SDM Vol. 2B, MFENCE).
func Mfence()

// Int3 raises a breakpoint exception, vector 3 (SDM Vol. 2A, INT3).
func Int3()

// Flags returns RFLAGS.
func Flags() uint64

const (
	FLAGS_IF   = 1 << 9
	FLAGS_IOPL = 3 << 12
)

// Feature bits (SDM Vol. 2A, CPUID, tables 3-10 and 3-11).

//go:nosplit
func HasRdrand() bool {
	_, _, c, _ := CPUID(1, 0)
	return c&(1<<30) != 0
}

//go:nosplit
func HasNX() bool {
	max, _, _, _ := CPUID(0x80000000, 0)
	if max < 0x80000001 {
		return false
	}
	_, _, _, d := CPUID(0x80000001, 0)
	return d&(1<<20) != 0
}

//go:nosplit
func HasInvariantTSC() bool {
	max, _, _, _ := CPUID(0x80000000, 0)
	if max < 0x80000007 {
		return false
	}
	_, _, _, d := CPUID(0x80000007, 0)
	return d&(1<<8) != 0
}

// HasAPIC reports a local APIC (CPUID.01H:EDX[9]).
//
//go:nosplit
func HasAPIC() bool {
	_, _, _, d := CPUID(1, 0)
	return d&(1<<9) != 0
}

// HasX2APIC reports x2APIC mode (CPUID.01H:ECX[21]; SDM Vol. 3A §11.12).
//
//go:nosplit
func HasX2APIC() bool {
	_, _, c, _ := CPUID(1, 0)
	return c&(1<<21) != 0
}

// HasTSCDeadline reports the local APIC timer's TSC-deadline mode
// (CPUID.01H:ECX[24]; SDM Vol. 3A §11.5.4.1).
//
//go:nosplit
func HasTSCDeadline() bool {
	_, _, c, _ := CPUID(1, 0)
	return c&(1<<24) != 0
}

// MaxLeaf returns the highest basic CPUID leaf.
//
//go:nosplit
func MaxLeaf() uint32 {
	a, _, _, _ := CPUID(0, 0)
	return a
}
