// Package smp starts the other CPUs (application processors, APs) and
// brings each to the point where it can run threads: its GDT, TSS and IST
// stacks, the IDT, the SYSCALL MSRs, its local APIC and timer, its block
// of per-CPU data. The boot CPU (BSP) does Start; each AP runs APStart.
//
// The start of each AP follows the SDM's multiprocessor initialisation
// (Vol. 3A §8.4.4.1, "Typical BSP Initialization Sequence"): an INIT IPI,
// 10 ms, a startup IPI (SIPI) carrying the page of the trampoline
// (boot/ap.s), 200 us, a second SIPI if the AP has not started, then a
// bounded wait for it to say it is up. An AP that does not answer is
// reported with its APIC ID and left out, and sent INIT again, which puts
// it back to waiting for a SIPI: an AP that is merely slow (a virtual CPU
// on a busy host) must not run the trampoline later, when its page is
// unmapped (a triple fault, which resets the whole machine) or handed to
// the next AP (the trampoline halts a CPU that finds its block claimed).
//
// Ring 0, at boot, before the runtime: //go:nosplit, no allocation.
package smp

import (
	"sync/atomic"
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/clock"
	"gokernel/kernel/cpu"
	"gokernel/kernel/dev/lapic"
	"gokernel/kernel/irq"
	"gokernel/kernel/mem"
	"gokernel/kernel/timer"
	"gokernel/kernel/trap"
)

// The trampoline's data block (boot/ap.s), by offset.
const (
	data       = 0x100
	offGDTR    = data + 0x20 + 2
	offPMFar   = data + 0x28
	offLMFar   = data + 0x30
	offCR3     = data + 0x38
	offEFER    = data + 0x3C
	offStack   = data + 0x40
	offEntry   = data + 0x48
	offIndex   = data + 0x50
	offFS      = data + 0x58
	offGS      = data + 0x60
	offStarted = data + 0x68
	offIDTR    = data + 0x76
	trampSize  = data + 0x80
)

// Timing of the start (SDM Vol. 3A §8.4.4.1), and the waits for an AP.
const (
	initWait    = 10_000_000    // ns after INIT
	sipiWait    = 200_000       // ns after each SIPI
	startedWait = 2_000_000_000 // ns for the trampoline to run (Linux waits 10 s)
	upWait      = 2_000_000_000
)

var (
	stacks [cpu.Max][mem.NumStacks]mem.Stack
	up     [cpu.Max]atomic.Uint32
	faults [cpu.Max]fault
	x2apic bool

	// Listed counts the CPUs the firmware lists (up to cpus=): those
	// online and those left out.
	Listed int

	// Inject makes the AP of this index (0: none) execute UD2 in its
	// setup, once: test=apfault shows that such an AP is reported and
	// left out.
	Inject int
)

// fault is an exception an AP took during its bring-up.
type fault struct {
	taken       atomic.Uint32
	vector, rip uint64
}

// Problem says why an AP was left out.
type Problem uint8

const (
	Started  Problem = iota
	NoStacks         // no memory for its stacks
	NoAnswer         // the trampoline never ran
	NotUp            // it ran, but the AP did not finish its setup
	Faulted          // it took an exception during its setup (FaultOf)
)

// String says what went wrong.
//
//go:nosplit
func (p Problem) String() string {
	switch p {
	case NoStacks:
		return "no memory for its stacks"
	case NoAnswer:
		return "did not answer INIT and SIPI"
	case NotUp:
		return "started but did not finish its setup"
	case Faulted:
		return "faulted during its setup"
	}
	return "started"
}

// Trampoline is where the AP trampoline runs: a page below 1 MiB mapped
// at its own address, holding the bytes of boot/ap.s.
type Trampoline struct {
	Page  uint64 // physical = virtual address
	Entry uint64 // main.apEntry
}

// Prepare copies the trampoline's bytes to the page and fills the parts of
// its data block that are the same for every AP. The caller has mapped the
// page at its own address.
//
//go:nosplit
func Prepare(t *Trampoline, code []byte) bool {
	if len(code) < trampSize || t.Page >= 1<<20 || t.Page&0xFFF != 0 {
		return false
	}
	p := (*[trampSize]byte)(arch.Ptr(mem.Virt(t.Page)))
	copy(p[:], code)
	put32(p, offGDTR, get32(p, offGDTR)+uint32(t.Page))
	put32(p, offPMFar, get32(p, offPMFar)+uint32(t.Page))
	put32(p, offLMFar, get32(p, offLMFar)+uint32(t.Page))
	put32(p, offCR3, uint32(arch.ReadCR3()))
	efer := arch.Rdmsr(arch.MSR_EFER) & (arch.EFER_NXE | arch.EFER_SCE)
	put32(p, offEFER, uint32(efer))
	put64(p, offEntry, t.Entry)
	idtr := trap.IDTPointer()
	b := (*[10]byte)(arch.Ptr(uintptr(unsafe.Pointer(&idtr))))
	copy(p[offIDTR:offIDTR+10], b[:])
	x2apic = lapic.Active() == lapic.X2APIC
	return true
}

// StartAP starts CPU index i, whose local APIC ID is id, through the
// prepared trampoline, and waits until it is up or gives up.
//
//go:nosplit
func StartAP(t *Trampoline, i int, id uint32) Problem {
	if uint(i) >= cpu.Max {
		return NoStacks
	}
	st, ok := mem.CPUStacks(i)
	if !ok {
		return NoStacks
	}
	stacks[i] = st
	faults[i].taken.Store(0) // an AP given up on may have had index i
	cpu.Prepare(i, st[0].Top, 0, id)
	p := (*[trampSize]byte)(arch.Ptr(mem.Virt(t.Page)))
	// The AP's Go code runs below a frame's room at the stack's top,
	// where apMain then builds the frame it enters a thread with.
	put64(p, offStack, (st[0].Top-arch.FrameSize-64)&^15)
	put64(p, offIndex, uint64(i))
	put64(p, offFS, cpu.KernelFS(i))
	put64(p, offGS, cpu.Blocks[i].Self())
	put32(p, offStarted, 0)
	vector := uint8(t.Page >> 12)

	lapic.SendIPI(id, 0, lapic.INIT)
	wait(initWait)
	for try := 0; try < 2 && get32(p, offStarted) == 0; try++ {
		lapic.SendIPI(id, vector, lapic.Startup)
		wait(sipiWait)
	}
	if !until(func() bool { return get32(p, offStarted) != 0 }, startedWait) {
		reset(id)
		return NoAnswer
	}
	if !until(func() bool { return up[i].Load() != 0 || faults[i].taken.Load() != 0 }, upWait) {
		reset(id) // it holds block i and its stacks, which the next AP gets
		return NotUp
	}
	if faults[i].taken.Load() != 0 {
		reset(id)
		Inject = 0 // once: the next AP gets index i again
		return Faulted
	}
	return Started
}

// FaultOf returns the exception vector and RIP of AP i's fault during its
// bring-up.
//
//go:nosplit
func FaultOf(i int) (vector, rip uint64) {
	f := &faults[i&(cpu.Max-1)]
	return f.vector, f.rip
}

// Up reports whether this CPU has finished its bring-up; the boot CPU
// always has.
//
//go:nosplit
func Up() bool {
	i := cpu.ID()
	return i == 0 || up[i].Load() != 0
}

// Fault takes an exception of an AP during its bring-up (the dispatcher
// calls it for a CPU not yet Up, before anything that could wait for the
// boot CPU): it records the vector and RIP for StartAP, which reports
// them and resets the AP, and halts meanwhile. It does not return.
//
//go:nosplit
func Fault(f *arch.Frame) {
	i := cpu.ID()
	ft := &faults[i]
	ft.vector, ft.rip = f.Vector, f.RIP
	ft.taken.Store(1)
	for {
		arch.Cli()
		arch.Hlt()
	}
}

// reset sends INIT to an AP given up on, which stops whatever it runs and
// leaves it waiting for a SIPI (SDM Vol. 3A §8.4.1; §10.6.1, INIT).
//
//go:nosplit
func reset(id uint32) {
	lapic.SendIPI(id, 0, lapic.INIT)
	wait(initWait)
}

// APStart is an AP's own setup, from main.apMain, on its kernel stack with
// interrupts off: descriptor tables and SYSCALL, the local APIC in the
// boot CPU's mode, the timer's tick; then it says it is up.
//
//go:nosplit
func APStart(i int) {
	if uint(i) >= cpu.Max {
		return
	}
	if i == Inject {
		undefined()
	}
	st := &stacks[i]
	trap.InitCPU(i, trap.Stacks{Kernel: st[0].Top, DoubleFault: st[1].Top, NMI: st[2].Top, MachineCheck: st[3].Top})
	lapic.Init(lapic.VA(), x2apic, irq.SpuriousVector, irq.ErrorVector)
	timer.StartCPU()
	cpu.Current().Since = clock.Nanotime()
	up[i].Store(1)
}

// wait spins for ns nanoseconds of the clock.
//
//go:nosplit
func wait(ns int64) {
	for end := clock.Nanotime() + ns; clock.Nanotime() < end; {
		arch.Pause()
	}
}

// until polls cond until it holds or ns have passed, and reports which.
//
//go:nosplit
func until(cond func() bool, ns int64) bool {
	for end := clock.Nanotime() + ns; clock.Nanotime() < end; {
		if cond() {
			return true
		}
		arch.Pause()
	}
	return cond()
}

//go:nosplit
func get32(p *[trampSize]byte, off int) uint32 {
	return uint32(p[off]) | uint32(p[off+1])<<8 | uint32(p[off+2])<<16 | uint32(p[off+3])<<24
}

//go:nosplit
func put32(p *[trampSize]byte, off int, v uint32) {
	p[off], p[off+1], p[off+2], p[off+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}

//go:nosplit
func put64(p *[trampSize]byte, off int, v uint64) {
	put32(p, off, uint32(v))
	put32(p, off+4, uint32(v>>32))
}

// undefined executes UD2. Implemented in smp_amd64.s.
func undefined()
