// Package boot is the kernel's boot, from the stub's hand-off to the Go
// runtime's entry: the phases that kernel/boot_ring0.go lists in order.
// Each phase is one exported function that prints its own status lines.
//
// Ring 0, before the Go runtime exists: interrupts off, on the stub's boot
// stack, no allocation, no goroutines, no package initialisation yet (so
// the phases only touch variables without initialisers, which the loader
// zeroed). Every function is //go:nosplit or called only here. The job is
// to make the machine look like Linux to the runtime: memory, descriptor
// tables, the SYSCALL entry, a clock, a main thread with a Linux initial
// stack, then an IRETQ into _rt0_amd64_linux in ring 3.
//
// After boot, ring-3 code may read what boot found through Info and
// Cmdline; nothing writes it again.
package boot

import (
	"gokernel/kernel/console"
	"gokernel/kernel/machine"
	"gokernel/kernel/mem"
	"gokernel/kernel/multiboot"
)

var (
	info     multiboot.Info
	line     string // the kernel command line, without a Multiboot 1 file name
	segs     [8]mem.Segment
	nsegs    int
	earlyIST [4096]uint64 // stack for faults during boot, before Memory
)

// Info returns the boot loader's information as boot read it.
func Info() *multiboot.Info { return &info }

// Cmdline returns the kernel's command line (without the file name a
// Multiboot 1 loader puts first).
func Cmdline() string { return line }

// fail reports a fatal boot problem and stops with the fail code: in QEMU
// the test harness sees status 35; on a PC the CPU halts with the message
// on screen.
//
//go:nosplit
func fail(msg, detail string) {
	console.WriteString(msg)
	console.Line(detail)
	machine.Exit(machine.ExitFail)
}
