// Package pit drives channel 0 of the 8254 programmable interval timer
// (Intel 8254 data sheet), wired to IRQ 0 on PCs: the kernel's tick.
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
)

var (
	ticks atomic.Uint64
	hz    uint64
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
	div := (InputHz + rate/2) / rate
	arch.Outb(cmd, 0x34) // channel 0, lo/hi byte, mode 2, binary
	arch.Outb(ch0, uint8(div))
	arch.Outb(ch0, uint8(div>>8))
	hz = rate
	return InputHz / div
}

// Tick counts one timer interrupt. Called from the IRQ 0 handler.
//
//go:nosplit
func Tick() { ticks.Add(1) }

// Ticks returns the number of timer interrupts since Init.
//
//go:nosplit
func Ticks() uint64 { return ticks.Load() }

// Hz returns the programmed rate.
//
//go:nosplit
func Hz() uint64 { return hz }
