package lapic

import "gokernel/arch"

// The LVT timer (SDM Vol. 3A §11.5.4): a 32-bit count-down at the bus or
// core crystal clock divided by 1 to 128, one-shot or periodic; or, when
// CPUID says so, TSC-deadline mode, which interrupts when the TSC reaches
// IA32_TSC_DEADLINE.

// TimerMode is the LVT timer's mode field.
type TimerMode uint32

const (
	OneShot     TimerMode = 0 << 17
	Periodic    TimerMode = 1 << 17
	TSCDeadline TimerMode = 2 << 17
)

// Divide is the divider the count-down modes use; the kernel uses 16.
const Divide = 16

// StartCount arms a one-shot count of n timer clocks (bus clock / Divide)
// on vector. A count of 0 stops the timer.
//
//go:nosplit
func StartCount(vector uint8, n uint32) {
	write(regTimerDiv, divideCode(Divide))
	write(regLVTTimer, LVTTimer(vector, OneShot, false))
	write(regTimerInit, n)
}

// StartPeriodic interrupts on vector every n timer clocks.
//
//go:nosplit
func StartPeriodic(vector uint8, n uint32) {
	write(regTimerDiv, divideCode(Divide))
	write(regLVTTimer, LVTTimer(vector, Periodic, false))
	write(regTimerInit, n)
}

// Count returns the current count.
//
//go:nosplit
func Count() uint32 { return read(regTimerCur) }

// StartDeadline puts the timer in TSC-deadline mode on vector; SetDeadline
// arms it. The LVT write must come first (§11.5.4.1).
//
//go:nosplit
func StartDeadline(vector uint8) {
	write(regLVTTimer, LVTTimer(vector, TSCDeadline, false))
	// The mode switch is serialised against the MSR write that follows
	// by the MFENCE the SDM asks for between them (§11.5.4.1).
	arch.Mfence()
}

// SetDeadline interrupts when the TSC reaches tsc; 0 disarms.
//
//go:nosplit
func SetDeadline(tsc uint64) { arch.Wrmsr(arch.MSR_TSC_DEADLINE, tsc) }

// StopTimer masks the timer and clears its count.
//
//go:nosplit
func StopTimer() {
	write(regLVTTimer, lvtMasked)
	write(regTimerInit, 0)
	if mode != Off {
		arch.Wrmsr(arch.MSR_TSC_DEADLINE, 0)
	}
}

// MeasureStart starts the timer counting down from the top, masked (no
// interrupt), so that its rate can be measured against a clock; Count
// then reads it.
//
//go:nosplit
func MeasureStart() {
	write(regTimerDiv, divideCode(Divide))
	write(regLVTTimer, lvtMasked)
	write(regTimerInit, ^uint32(0))
}
