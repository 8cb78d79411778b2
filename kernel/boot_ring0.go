package main

import (
	"gokernel/arch"
	"gokernel/kernel/bkl"
	"gokernel/kernel/boot"
	"gokernel/kernel/clock"
	"gokernel/kernel/cpu"
	"gokernel/kernel/sched"
	"gokernel/kernel/smp"
	"gokernel/kernel/stamp"
	"gokernel/kernel/tlb"
)

// start is the boot, in ring 0 before the Go runtime exists, from the
// stub's hand-off (kernelEntry, start_amd64.s) to the runtime's own entry
// in ring 3. Each phase is one call (kernel/boot); the phases print the
// status lines. magic and info are the loader's; [imageStart, imageEnd)
// is the kernel image with its bss, goBase the Go image's ELF header, rt0
// the address of _rt0_amd64_linux, stubTSC the TSC at the stub's start.
// stamp.Mark after each phase times it (the boottime option prints them).
func start(magic, info, imageStart, imageEnd, goBase, rt0, apStart, apEnd, stubTSC uint64) {
	stamp.SetStub(stubTSC)
	stamp.Mark(stamp.GoEntry)
	vecs, sysent := stubAddrs()
	boot.Console() // COM1 and the VGA text screen, for the first lines
	stamp.Mark(stamp.Console)
	boot.EarlyTraps(vecs, sysent) // an IDT on a boot stack: a fault during boot is reported
	boot.Loader(magic, info)      // memory map, command line, the loader's screen: "console:", "boot:"
	stamp.Mark(stamp.Loader)
	boot.Options()                           // the command line's options: a warning per problem
	boot.Image(imageStart, imageEnd, goBase) // the Go image's segments, from its ELF header
	boot.Memory()                            // frames, page tables, kernel stacks: "mem:"
	stamp.Mark(stamp.Memory)
	boot.Traps(vecs, sysent) // GDT, TSS, IDT, SYSCALL and GS on the kernel's stacks
	stamp.Mark(stamp.Traps)
	bkl.Enter()     // the big kernel lock: the other CPUs wait for it
	boot.Firmware() // the ACPI tables: MADT, FADT, HPET
	stamp.Mark(stamp.Firmware)
	boot.Interrupts() // the APICs, or the PICs, every line masked: "apic:"
	stamp.Mark(stamp.Interrupts)
	boot.Clock() // the TSC's frequency, the wall clock: "clock:"
	stamp.Mark(stamp.Clock)
	boot.Timer() // the tick and the idle's wake-up, checked to fire: "timer:"
	stamp.Mark(stamp.Timer)
	boot.CPUs(trampoline(apStart, apEnd), apEntryAddr()) // the other CPUs: "smp:"
	stamp.Mark(stamp.CPUs)
	clock.Refine()     // the TSC's frequency again, over the span since boot.Clock
	boot.Personality() // system calls, the Go program's address space, the vDSO
	stamp.Mark(stamp.Personality)
	f := boot.MainThread(rt0) // the runtime's first thread, with a Linux initial stack
	sched.Switch(f)
	tlb.LeaveToUser()
	bkl.Exit()
	stamp.Mark(stamp.Runtime)
	enterFrame(f) // IRETQ into _rt0_amd64_linux, interrupts on
}

// apMain is an AP's start in Go, from apEntry (ap_amd64.s) on its kernel
// stack: its own setup, then the scheduler, which waits (halted) until a
// thread is runnable and enters it.
//
//go:nosplit
func apMain(i uint64) {
	smp.APStart(int(i))
	bkl.Enter()
	f := (*arch.Frame)(arch.Ptr(uintptr(cpu.KernelStackTop() - arch.FrameSize)))
	*f = arch.Frame{}
	sched.Switch(f)
	tlb.LeaveToUser()
	bkl.Exit()
	enterFrame(f)
}

// trampoline returns the AP trampoline's bytes (boot/ap.s), which the
// stub passed as addresses in the image.
//
//go:nosplit
func trampoline(start, end uint64) []byte {
	if end <= start || end-start > 4096 {
		return nil
	}
	return (*[4096]byte)(arch.Ptr(uintptr(start)))[: end-start : end-start]
}

// Implemented in entry_amd64.s. None is called from Go: they are entered
// by the CPU (vectors, syscallEntry) or jumped to (trapCommon).
func vectors()
func trapCommon()
func syscallEntry()

// enterFrame starts running the state in f, which lies at the top of the
// kernel stack.
func enterFrame(f *arch.Frame)

// apEntry is where an AP's trampoline jumps (ap_amd64.s); apEntryAddr
// returns its address.
func apEntry()
func apEntryAddr() uint64

// stubAddrs returns the addresses of the interrupt stubs and the SYSCALL
// entry, for the IDT and MSR LSTAR.
func stubAddrs() (vectors, syscall uint64)
