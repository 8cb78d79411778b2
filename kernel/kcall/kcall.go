// Package kcall is the kernel's private call: system call number 4096,
// which no Linux uses, for the few things the kernel's own Go program asks
// of the ring-0 core that Linux has no call for (wait for an interrupt,
// enable an interrupt line, read physical memory, counters, reboot, the
// fault reporter's hand-shake, and a PCI device's registers, DMA memory
// and interrupt vector for the drivers in ring 3), and, in test mode only, the test
// operations that make the kernel fault on purpose.
//
// RDI selects the operation; RSI, RDX and R10 are its arguments (not RCX,
// which SYSCALL overwrites); RAX returns 0 or -errno. The table below
// (ops) is the one place the operations are listed; Dispatch serves them
// in ring 0 (serve.go, test.go) and the typed wrappers call them from ring
// 3 (user.go). Like every system call, a private call is counted and, with
// systrace on the command line, traced (kernel/sys), named by its
// operation.
//
// Both rings: Dispatch and everything it reaches run in ring 0 under the
// ring-0 rules (//go:nosplit, no allocation, no write barrier, checked by
// tools/ring0check); the wrappers are ordinary Go code in ring 3.
package kcall

import (
	"gokernel/arch"
	"gokernel/kernel/linux"
	"gokernel/kernel/machine"
	"gokernel/kernel/sys"
)

// Number is the private call's system call number.
const Number = 4096

// Op is a private call's operation, in RDI.
type Op uint64

// Production operations.
const (
	FaultWait     Op = 1  // the fault reporter waits for a kernel fault
	FaultDone     Op = 2  // the fault reporter printed its part: stop
	WaitIRQ       Op = 3  // wait until the next hardware interrupt, or RSI ns (0: no limit); RDX a park word to wait on while it holds R10 (0: none)
	EnableIRQ     Op = 4  // enable interrupt line RSI (only lines with a handler)
	KernelStats   Op = 5  // copy Stats to the buffer at RSI
	ReadPhys      Op = 6  // copy R10 bytes of physical memory at RSI to the buffer at RDX
	Reboot        Op = 7  // reset the machine; does not return
	Halt          Op = 8  // stop the CPU for good; does not return
	SyscallCounts Op = 9  // copy the system-call counts (sys.Counts) to the buffer at RSI, RDX bytes
	IRQTable      Op = 10 // copy the interrupt lines (irq.Table) to the buffer at RSI
	CPUTable      Op = 11 // copy the CPUs (CPUs) to the buffer at RSI
	MapDevice     Op = 12 // map RDX bytes of device registers at physical RSI; RAX the address
	AllocDMA      Op = 13 // RSI zeroed contiguous pages for a device, RDX flags; RAX virtual, RDX physical
	AllocVector   Op = 14 // an MSI vector; RAX the vector, RDX the APIC ID to send it to
	PowerOff      Op = 15 // switch the machine off (ACPI S5); returns only on failure
)

// Test operations, served only in test mode (test=NAME on the command
// line); otherwise they fail with EINVAL like unknown operations.
const (
	TestPageFault   Op = 100 // read an unmapped kernel address in ring 0
	TestStackOverfl Op = 101 // overflow the kernel stack (a double fault)
	TestConsoleHeld Op = 102 // fault while holding the console lock
	TestFaultInRep  Op = 103 // fault, and fault again inside the report
	TestInt3        Op = 104 // int3 in ring 0: reported, execution resumes
	TestBadVector   Op = 105 // INT 0x81 in ring 0: nobody handles vector 129
	TestTickRace    Op = 106 // stop the tick with a tick pending; RAX ticks, RDX ns
	TestCalibrate   Op = 107 // measure the TSC against clock source RSI; RAX Hz
	TestBadReturn   Op = 108 // make this call's IRETQ back to ring 3 fault (a null SS)
	TestLockOrder   Op = 109 // take the mm lock while holding a deeper one
	TestLockSwitch  Op = 110 // switch threads with the mm lock held
)

// handler serves an operation in ring 0 and returns RAX: 0 or a result,
// or -errno.
type handler func(f *arch.Frame) uint64

// op is one row of the table.
type op struct {
	name string
	fn   handler
	test bool // served only in test mode
	note string
}

// ops lists every operation: its name (in traces and the README), its
// ring-0 handler, whether it is a test operation, and what it does.
var ops = [...]op{
	FaultWait:     {"fault-wait", faultWait, false, "the fault reporter's thread waits here for a kernel fault"},
	FaultDone:     {"fault-done", faultDone, false, "the reporter printed its part of a kernel fault: stop the machine"},
	WaitIRQ:       {"wait-irq", waitIRQ, false, "the executor's idle: block until an interrupt, RSI ns, or a FUTEX_WAKE of the park word at RDX (only while it holds R10)"},
	EnableIRQ:     {"enable-irq", enableIRQ, false, "enable interrupt line RSI, if the kernel has a handler for it"},
	KernelStats:   {"kernel-stats", kernelStats, false, "copy the ring-0 counters (Stats) to RSI"},
	ReadPhys:      {"read-phys", readPhys, false, "copy R10 bytes of physical memory at RSI to RDX (firmware tables)"},
	Reboot:        {"reboot", reboot, false, "reset the machine"},
	Halt:          {"halt", halt, false, "stop the CPU for good"},
	SyscallCounts: {"syscall-counts", syscallCounts, false, "copy the system-call counts to RSI, RDX bytes"},
	IRQTable:      {"irq-table", irqTable, false, "copy the interrupt lines, their routes and counts to RSI"},
	CPUTable:      {"cpu-table", cpuTable, false, "copy each CPU's APIC ID and counters to RSI"},
	MapDevice:     {"map-device", mapDevice, false, "map RDX bytes of device registers at physical RSI, uncached, into the device area (not RAM, not the kernel's devices)"},
	AllocDMA:      {"alloc-dma", allocDMA, false, "RSI zeroed, physically contiguous pages for a device (RDX 1: below 4 GiB); RAX virtual, RDX physical address"},
	AllocVector:   {"alloc-vector", allocVector, false, "an MSI/MSI-X vector routed to the boot CPU; RAX the vector, RDX its APIC ID"},
	PowerOff:      {"poweroff", powerOff, false, "switch the machine off: ACPI S5; ENODEV without \\_S5, EIO if it stays on"},

	TestPageFault:   {"test-page-fault", testPageFault, true, "read an unmapped kernel address in ring 0"},
	TestStackOverfl: {"test-stack-overflow", testStackOverflow, true, "overflow the kernel stack: a double fault"},
	TestConsoleHeld: {"test-console-held", testConsoleHeld, true, "fault while holding the console lock"},
	TestFaultInRep:  {"test-fault-in-report", testFaultInReport, true, "fault, and fault again inside the report"},
	TestInt3:        {"test-int3", testInt3, true, "int3 in ring 0: reported, execution resumes"},
	TestBadVector:   {"test-bad-vector", testBadVector, true, "INT 0x81 in ring 0: an unhandled vector, reported once"},
	TestTickRace:    {"test-tick-race", testTickRace, true, "stop the 8254's tick with a tick pending; RAX ticks, RDX ns"},
	TestCalibrate:   {"test-calibrate", testCalibrate, true, "measure the TSC's frequency against clock source RSI"},
	TestBadReturn:   {"test-bad-return", testBadReturn, true, "make the IRETQ back to ring 3 fault, as a non-canonical RIP does on real CPUs"},
	TestLockOrder:   {"test-lock-order", testLockOrder, true, "take the mm lock (level 1) while holding a level-2 lock: the order check reports it"},
	TestLockSwitch:  {"test-lock-switch", testLockSwitch, true, "yield with the mm lock held: the switch check reports it"},
}

// Dispatch serves the private call whose frame is f: it runs the
// operation's handler (a test operation only in test mode; anything else
// fails with EINVAL), puts the result in RAX, and has the call counted and
// traced. Ring 0, from the system-call entry.
//
//go:nosplit
func Dispatch(f *arch.Frame) {
	o := Op(f.RDI)
	a1, a2 := f.RSI, f.RDX
	ret := linux.EINVAL.Ret()
	if o < Op(len(ops)) && ops[o].fn != nil && (!ops[o].test || machine.TestMode) {
		ret = ops[o].fn(f)
	}
	f.RAX = ret
	sys.Account(Number, Name(o), uint64(o), a1, a2, ret)
}

// Name returns the operation's name, or "" for an unknown one.
//
//go:nosplit
func Name(o Op) string {
	if o < Op(len(ops)) {
		return ops[o].name
	}
	return ""
}

// Row describes one operation, for tests and the README.
type Row struct {
	Op         Op
	Name, Note string
	Test       bool
}

// Table returns the operations in order. It allocates: ordinary Go code
// only.
func Table() []Row {
	var rows []Row
	for o, e := range ops {
		if e.name != "" {
			rows = append(rows, Row{Op(o), e.name, e.note, e.test})
		}
	}
	return rows
}
