// Package machine stops the machine: halting, and leaving QEMU through its
// isa-debug-exit device in test mode.
package machine

import "gokernel/arch"

// QEMU's isa-debug-exit device (-device isa-debug-exit,iobase=0xf4,iosize=4)
// makes QEMU exit with status (v<<1)|1 when v is written to its port. On
// other machines nothing listens at 0xF4 and the write is ignored.
const (
	debugExitPort = 0xF4

	ExitPass = 0x10 // QEMU status 33
	ExitFail = 0x11 // QEMU status 35
)

// TestMode is set at boot when the command line has test=NAME. It is read
// by the ring-0 core, so it is a plain variable written once before any
// thread runs.
var TestMode bool

// Halt stops the CPU for good: interrupts off, then HLT in a loop (an NMI
// can still wake HLT).
//
//go:nosplit
func Halt() {
	for {
		arch.Cli()
		arch.Hlt()
	}
}

// Exit writes code to the debug-exit port, then halts if still running.
//
//go:nosplit
func Exit(code uint8) {
	arch.Outb(debugExitPort, code)
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
