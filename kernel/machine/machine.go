// Package machine stops the machine: halting, and leaving QEMU through its
// isa-debug-exit device in test mode.
package machine

import (
	"gokernel/arch"
	"gokernel/kernel/dev/debugexit"
	"gokernel/kernel/dev/lapic"
	"gokernel/kernel/dev/pic"
	"gokernel/kernel/dev/pit"
)

// The codes the test harness reads from QEMU's isa-debug-exit device
// (kernel/dev/debugexit).
const (
	ExitPass = 0x10 // QEMU status 33
	ExitFail = 0x11 // QEMU status 35
)

// TestMode is set at boot when the command line has test=NAME. It is read
// by the ring-0 core, so it is a plain variable written once before any
// thread runs.
var TestMode bool

// Halt stops the CPU for good: interrupts off, every interrupt source
// silenced, then HLT in a loop. Only an NMI (or SMI, INIT) can wake HLT
// with interrupts off (SDM Vol. 2A, HLT); the loop halts again after it.
// A halted machine so costs nothing, also to an emulator, which would
// otherwise keep running the tick's timer.
//
//go:nosplit
func Halt() {
	arch.Cli()
	silence()
	for {
		arch.Cli()
		arch.Hlt()
	}
}

// silence masks every interrupt line and stops every timer that raises
// one: the 8259s and the 8254's channel 0, and the local APIC's timer and
// LINT lines, with its task priority raised to block every I/O APIC or MSI
// interrupt (SDM Vol. 3A §11.8.3.1).
//
//go:nosplit
func silence() {
	pic.MaskAll()
	pit.Stop()
	lapic.Silence()
}

// Exit writes code to the debug-exit port, then halts if still running.
//
//go:nosplit
func Exit(code uint8) {
	debugexit.Exit(code)
	Halt()
}

// Stop ends the kernel: in test mode QEMU exits with the pass or fail
// code; otherwise the CPU halts.
//
//go:nosplit
func Stop(pass bool) {
	if TestMode {
		if pass {
			Exit(ExitPass)
		}
		Exit(ExitFail)
	}
	Halt()
}
