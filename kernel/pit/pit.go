// Package pit drives channel 0 of the 8254 programmable interval timer
// (Intel 8254 data sheet), wired to IRQ 0 on PCs: the kernel's tick.
//
// The tick is periodic (mode 2, rate generator) while threads run, so the
// scheduler can preempt them. When the CPU is idle with nothing due for a
// while, the idle loop stops the periodic tick and arms a one-shot count
// (mode 0) instead, so an idle machine is not woken a thousand times a
// second ("tickless idle", like Linux's NO_HZ_IDLE). The tick count stays
// honest: a one-shot adds the ticks its count covered when it fires, or the
// counts elapsed so far (read back from the counter) when another
// interrupt ends the sleep first, carrying the remainder to the next tick.
package pit

import (
	"sync/atomic"

	"gokernel/arch"
)

const (
	// InputHz is the 8254's input clock on PCs.
	InputHz = 1193182
	// DefaultHz is the tick rate unless the command line says hz=N.
	DefaultHz = 1000
	MinHz     = 19 // the 16-bit divisor's limit at 1.193182 MHz
	MaxHz     = 10000

	ch0 = 0x40
	cmd = 0x43

	modeRate    = 0x34 // channel 0, lo/hi byte, mode 2 (rate generator), binary
	modeOneShot = 0x30 // channel 0, lo/hi byte, mode 0 (interrupt on terminal count)
	latch0      = 0x00 // latch channel 0's count
	// Read-back command (8254 data sheet, "Read-Back Command"): latch
	// channel 0's status byte only; its bit 7 is the OUT pin, which in
	// mode 0 goes high at the terminal count and stays high.
	readBackStatus0 = 0xE2
	statusOut       = 1 << 7
	maxCount        = 0xFFFF
)

var (
	ticks   atomic.Uint64 // tick periods elapsed since Init
	rem     uint64        // input clocks counted towards the next tick
	divisor uint64        // input clocks per periodic tick
	hz      uint64

	oneShot      bool   // the periodic tick is stopped for a one-shot count
	oneShotCount uint64 // what the one-shot was armed with
	fired        bool   // the one-shot's interrupt came
)

// Init programs channel 0 as a rate generator (mode 2) at rate Hz, clamped
// to [MinHz, MaxHz], and returns the rate it set: the divisor is an
// integer, so the real rate is InputHz / divisor.
//
//go:nosplit
func Init(rate uint64) uint64 {
	if rate < MinHz {
		rate = MinHz
	}
	if rate > MaxHz {
		rate = MaxHz
	}
	divisor = (InputHz + rate/2) / rate
	hz = rate
	periodic()
	return InputHz / divisor
}

//go:nosplit
func periodic() {
	arch.Outb(cmd, modeRate)
	arch.Outb(ch0, uint8(divisor))
	arch.Outb(ch0, uint8(divisor>>8))
}

// add counts n input clocks. A loop, not a division: the interrupt path
// may not divide by a variable (the compiler's zero check calls the
// runtime), and n is at most a few dozen ticks.
//
//go:nosplit
func add(n uint64) {
	rem += n
	for rem >= divisor && divisor != 0 {
		rem -= divisor
		ticks.Add(1)
	}
}

// Interrupt accounts for one IRQ 0. Called from the IRQ 0 handler.
//
// In one-shot mode the interrupt may still be the periodic tick's: one
// that came while StopTick ran with interrupts disabled stays pending in
// the PIC and arrives right after the halt begins. Crediting the whole
// one-shot count for it would run the tick count ahead of time (a test
// saw 253 ticks in 201 ms), so the one-shot's own interrupt is told by
// the counter's OUT pin, high only once the count has run out.
//
//go:nosplit
func Interrupt() {
	if oneShot {
		if fired {
			return
		}
		if !terminalCount() {
			ticks.Add(1) // the periodic tick that was pending
			return
		}
		fired = true
		add(oneShotCount)
		return
	}
	ticks.Add(1)
}

// terminalCount reports whether the one-shot count has run out.
//
//go:nosplit
func terminalCount() bool {
	arch.Outb(cmd, readBackStatus0)
	return arch.Inb(ch0)&statusOut != 0
}

// StopTick replaces the periodic tick with one interrupt after ns (at most
// about 55 ms, the counter's range). The idle loop calls it, with
// interrupts disabled, right before it halts. Preconditions: the periodic
// tick is running.
//
//go:nosplit
func StopTick(ns int64) {
	if oneShot || divisor == 0 {
		return
	}
	// Whole ticks only, so that the tick count keeps its phase. The check
	// above proves divisor nonzero, so these divisions need no runtime
	// check (the idle loop is a ring-0 path too).
	n := uint64(ns) * InputHz / 1_000_000_000 / divisor * divisor
	if n > maxCount {
		n = maxCount / divisor * divisor
	}
	if n < 2*divisor {
		return // not worth it
	}
	oneShot, fired, oneShotCount = true, false, n
	arch.Outb(cmd, modeOneShot)
	arch.Outb(ch0, uint8(n))
	arch.Outb(ch0, uint8(n>>8))
}

// RestartTick goes back to the periodic tick after StopTick, adding the
// clocks that elapsed if an interrupt other than the one-shot ended the
// halt. Interrupts disabled.
//
//go:nosplit
func RestartTick() {
	if !oneShot {
		return
	}
	switch {
	case fired:
	case terminalCount():
		// The count ran out but its interrupt is still pending (it
		// arrives after the restart and counts as one tick); the
		// counter has wrapped past zero, so it says nothing.
		add(oneShotCount)
	default:
		arch.Outb(cmd, latch0)
		lo := uint64(arch.Inb(ch0))
		left := uint64(arch.Inb(ch0))<<8 | lo
		if left <= oneShotCount {
			add(oneShotCount - left)
		}
	}
	oneShot = false
	periodic()
}

// Ticks returns the number of tick periods since Init.
//
//go:nosplit
func Ticks() uint64 { return ticks.Load() }

// Hz returns the programmed rate.
//
//go:nosplit
func Hz() uint64 { return hz }

// NsPerTick returns the length of a tick period in nanoseconds.
//
//go:nosplit
func NsPerTick() int64 {
	if hz == 0 {
		return 0
	}
	return int64(1_000_000_000 / hz)
}
