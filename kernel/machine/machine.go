// Package machine stops the machine: halting, and leaving QEMU through its
// isa-debug-exit device in test mode.
package machine

import (
	"sync/atomic"

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

// TestMode is set at boot when the command line has test=NAME or
// exit=qemu. It is read by the ring-0 core, so it is a plain variable
// written once before any thread runs.
var TestMode bool

// StatusExit is set by exit=qemu: a program's exit status leaves QEMU
// with a status that encodes it (ProgramExit).
var StatusExit bool

// A program's exit status N leaves QEMU through isa-debug-exit with the
// code ExitStatusBase+N, which QEMU turns into status (code<<1)|1: 65+2N.
// The code is 7 bits, so statuses above MaxExitStatus are reported as
// MaxExitStatus (the kernel prints the exact one first). The host side
// (tools/goexec) maps the status back; 33 and 35 stay the kernel's own
// pass and fail.
const (
	ExitStatusBase = 0x20
	MaxExitStatus  = 0x7f - ExitStatusBase // 95
)

// ProgramExit ends the machine after a program's exit_group: in QEMU with
// exit=qemu, with the status encoded; otherwise it halts.
//
//go:nosplit
func ProgramExit(status uint8) {
	if StatusExit {
		Exit(ExitStatusBase + min(status, MaxExitStatus))
	}
	Halt()
}

// Halt stops the machine for good: interrupts off, the other CPUs
// stopped, every interrupt source silenced, then HLT in a loop. Only an
// NMI (or SMI, INIT) can wake HLT with interrupts off (SDM Vol. 2A, HLT);
// the loop halts again after it. A halted machine so costs nothing, also
// to an emulator, which would otherwise keep running the ticks' timers.
//
// The other CPUs get an NMI, which no interrupt flag blocks, and their
// NMI handler parks them (Park): a CPU spinning for a lock this one holds
// stops as well as one that halts.
//
//go:nosplit
func Halt() {
	arch.Cli()
	if stopping.Swap(1) == 0 {
		lapic.SendOthers(0, lapic.NMI)
	}
	silence()
	park()
}

var stopping atomic.Uint32

// Stopping reports whether a CPU has stopped the machine: an NMI then
// means Park.
//
//go:nosplit
func Stopping() bool { return stopping.Load() != 0 }

// Park stops this CPU for good, for Halt on another: its local APIC
// silenced, HLT in a loop. Called from the NMI handler, which never
// returns, so the CPU blocks further NMIs too (SDM Vol. 3A §6.7.1).
//
//go:nosplit
func Park() {
	arch.Cli()
	lapic.Silence()
	park()
}

//go:nosplit
func park() {
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
