package main

import (
	"gokernel/arch"
	"gokernel/kernel/clock"
	"gokernel/kernel/console"
	"gokernel/kernel/linux"
	"gokernel/kernel/machine"
	"gokernel/kernel/pic"
	"gokernel/kernel/sched"
)

// The gokernel system call: a call number no Linux uses, for the few things
// the kernel's own Go code asks of the ring-0 core that Linux has no call
// for. RDI selects the operation. Test operations exist only in test mode.
const (
	sysGokernel = 4096

	opFaultWait   = 1 // the fault reporter waits for a kernel fault
	opFaultDone   = 2 // the fault reporter printed its part: stop
	opWaitIRQ     = 3 // wait until the next hardware interrupt, or RSI ns (0: no limit)
	opEnableIRQ   = 4 // unmask PIC line RSI (only lines with a handler)
	opKernelStats = 5 // copy counters to the buffer at RSI (see kernelStats)
	opReadPhys    = 6 // copy R10 bytes of physical memory at RSI to the buffer at RDX
	opReboot      = 7 // reset the machine (machine.Reset); does not return
	opHalt        = 8 // stop the CPU for good (machine.Halt); does not return

	opTestPageFault   = 100 // read an unmapped kernel address in ring 0
	opTestStackOverfl = 101 // overflow the kernel stack (a double fault)
	opTestConsoleHeld = 102 // fault while holding the console lock
	opTestFaultInRep  = 103 // fault, and fault again inside the report
	opTestInt3        = 104 // int3 in ring 0: reported, execution resumes
	opTestBadVector   = 105 // INT 0x81 in ring 0: nobody handles vector 129
	opTestTickRace    = 106 // stop the tick with a tick pending; RAX ticks, RDX ns (tickRace)
)

// badKernelAddr is in the kernel half, below the kernel stacks and above
// the direct map: never mapped.
const badKernelAddr = 0xffff_ff7f_dead_0000

var faultInReport bool

//go:nosplit
func gokernelCall(f *arch.Frame) {
	op := f.RDI
	f.RAX = 0
	switch {
	case op == opFaultWait:
		sched.Block(sched.WaitFault, 0, 0)
		return
	case op == opFaultDone:
		console.Line("kernel: stopped after the fault above")
		machine.Stop(false)
		return
	case op == opWaitIRQ:
		// The second half of the executor's race-free idle: it disabled
		// interrupts (CLI, allowed by IOPL 3), found its run queue
		// empty, and asks to sleep until an interrupt. An interrupt that
		// arrived after its CLI is still pending and wakes it as soon as
		// the kernel enables interrupts, in another thread or in the idle
		// loop's STI;HLT: no wake-up between the check and the halt is
		// lost. The timeout is the executor's next timer: the timer
		// interrupt ends the wait then.
		var deadline int64
		if d := int64(f.RSI); d > 0 {
			deadline = clock.Nanotime() + d
		}
		sched.Block(sched.WaitIRQ, 0, deadline)
		return
	case op == opEnableIRQ:
		if irq := f.RSI; irq < 16 && irqHandled(uint8(irq)) {
			pic.Unmask(uint8(irq))
			return
		}
	case op == opReadPhys:
		if readPhys(f.RSI, f.RDX, f.R10) {
			return
		}
		f.RAX = linux.EFAULT.Ret()
		return
	case op == opReboot:
		machine.Reset()
	case op == opHalt:
		console.Line("kernel: halted; the machine may be turned off")
		machine.Halt()
	case op == opKernelStats:
		if copyStats(f.RSI) {
			return
		}
		f.RAX = linux.EFAULT.Ret()
		return
	case op >= 100 && op < 200 && machine.TestMode:
		testHook(op, f)
		return
	}
	f.RAX = linux.EINVAL.Ret()
}

// Implemented in gokernel_amd64.s.
func overflowStack()
func int3()
func int81()
