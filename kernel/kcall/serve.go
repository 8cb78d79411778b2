package kcall

import (
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/bkl"
	"gokernel/kernel/clock"
	"gokernel/kernel/console"
	"gokernel/kernel/cpu"
	"gokernel/kernel/irq"
	"gokernel/kernel/linux"
	"gokernel/kernel/machine"
	"gokernel/kernel/mem"
	"gokernel/kernel/sched"
	"gokernel/kernel/smp"
	"gokernel/kernel/sys"
	"gokernel/kernel/timer"
	"gokernel/kernel/tlb"
	"gokernel/kernel/trap"
	"gokernel/kernel/vdso"
)

// The production operations' ring-0 handlers. Ring 0: see Dispatch.

//go:nosplit
func faultWait(*arch.Frame) uint64 {
	sched.Block(sched.WaitFault, 0, 0)
	return 0
}

//go:nosplit
func faultDone(*arch.Frame) uint64 {
	console.Line("kernel: stopped after the fault above")
	machine.Stop(false)
	return 0
}

// waitIRQ is the second half of the executor's race-free idle: it
// disabled interrupts (CLI, allowed by IOPL 3), found its run queue empty,
// and asks to sleep until an interrupt. An interrupt that arrived after
// its CLI is still pending and wakes it as soon as the kernel enables
// interrupts, in another thread or in the idle loop's STI;HLT: no wake-up
// between the check and the halt is lost. The timeout is the executor's
// next timer: the timer interrupt ends the wait then.
//
// With a park word (RDX not 0) it is also the executor's WaitFunc for a
// runner that parks (task/idle.go, "The park word"): the wait starts only
// if the word still holds R10, as a FUTEX_WAIT's does, and a FUTEX_WAKE of
// the word ends it as well as an interrupt does. The check and the block
// happen under the kernel lock, and an interrupt handler's wakes
// (WakeIRQWaiters) take it too, so a handler that marked the word after
// the check still finds the thread blocked and wakes it.
//
//go:nosplit
func waitIRQ(f *arch.Frame) uint64 {
	var deadline int64
	if d := int64(f.RSI); d > 0 {
		deadline = clock.Nanotime() + d
	}
	word := f.RDX
	if word != 0 {
		if word&3 != 0 {
			return linux.EINVAL.Ret()
		}
		cur, ok := mem.UserU32(word)
		if !ok {
			return linux.EFAULT.Ret()
		}
		if cur != uint32(f.R10) {
			return linux.EAGAIN.Ret()
		}
	}
	sched.Block(sched.WaitIRQ, word, deadline)
	return 0
}

//go:nosplit
func enableIRQ(f *arch.Frame) uint64 {
	if f.RSI < 16 && irq.Enable(uint8(f.RSI)) {
		return 0
	}
	return linux.EINVAL.Ret()
}

//go:nosplit
func kernelStats(f *arch.Frame) uint64 {
	const n = uint64(unsafe.Sizeof(Stats{}))
	b, ok := mem.UserBytes(f.RSI, n, true)
	if !ok || uint64(len(b)) < n {
		return linux.EFAULT.Ret()
	}
	s7, s15, sa := irq.Spurious()
	tscHz, _ := clock.TSCHz()
	*(*Stats)(unsafe.Pointer(&b[0])) = Stats{
		Ticks: timer.Ticks(), TickHz: timer.Hz(), Halts: sched.Halts(), Preemptions: sched.Preemptions,
		Spurious7: s7, Spurious15: s15, SpuriousAPIC: sa,
		Timer: uint64(timer.Active()), ClockSource: uint64(clock.ClockSource()), Controller: uint64(irq.Active()),
		TSCHz: tscHz, TimerRate: timer.LAPICHz(),
		FreeFrames: mem.Frames.FreeCount(), TotalFrames: mem.Frames.Total(),
		Threads: uint64(sched.Count()), Uptime: uint64(clock.Nanotime()),
		Breakpoints: trap.Breakpoints(),
		CPUs:        uint64(cpu.Online()), CPUsListed: uint64(max(smp.Listed, 1)), TimerIRQs: uint64(timer.Fired()), WakeIPIs: sched.Kicks(),
		TimerWakes: sched.TimerWakes(),
		LockSpins:  bkl.Spins(), FastFaults: mem.FastFaults(),
	}
	st := (*Stats)(unsafe.Pointer(&b[0]))
	st.Shootdowns, st.ShootdownIPIs = tlb.Counts()
	if vdso.Enabled {
		st.VDSO = 1
	}
	if sched.FaultWaiting() {
		st.FaultReporter = 1
	}
	return 0
}

// maxReadPhys bounds one ReadPhys copy.
const maxReadPhys = 1 << 20

// readPhys copies R10 bytes of physical memory at RSI, through the direct
// map, to the user buffer at RDX: how the kernel's Go code reads firmware
// tables (SMBIOS, ACPI), which lie outside its own address space.
//
//go:nosplit
func readPhys(f *arch.Frame) uint64 {
	pa, dst, n := f.RSI, f.RDX, f.R10
	if n > maxReadPhys || pa+n < pa || pa+n > mem.DirectMapSize {
		return linux.EFAULT.Ret()
	}
	b, ok := mem.UserBytes(dst, n, true)
	if !ok || uint64(len(b)) < n {
		return linux.EFAULT.Ret()
	}
	src := (*[maxReadPhys]byte)(arch.Ptr(mem.Virt(pa)))
	copy(b, src[:n:n])
	return 0
}

//go:nosplit
func reboot(*arch.Frame) uint64 {
	machine.Reset()
	return 0
}

// powerOff enters ACPI S5. It returns ENODEV when the firmware did not
// say how (no PM1 control block, no \_S5 the kernel can read) and EIO
// when the machine is still on after the writes.
//
//go:nosplit
func powerOff(*arch.Frame) uint64 {
	if !machine.CanPowerOff() {
		return linux.ENODEV.Ret()
	}
	machine.PowerOff()
	return linux.EIO.Ret()
}

//go:nosplit
func halt(*arch.Frame) uint64 {
	console.Line("kernel: halted; the machine may be turned off")
	machine.Halt()
	return 0
}

//go:nosplit
func syscallCounts(f *arch.Frame) uint64 {
	const n = uint64(unsafe.Sizeof(sys.Counts))
	if f.RDX < n {
		return linux.EINVAL.Ret()
	}
	b, ok := mem.UserBytes(f.RSI, n, true)
	if !ok || uint64(len(b)) < n {
		return linux.EFAULT.Ret()
	}
	*(*[sys.MaxCounted]sys.Count)(unsafe.Pointer(&b[0])) = sys.Counts
	return 0
}

//go:nosplit
func cpuTable(f *arch.Frame) uint64 {
	const n = uint64(unsafe.Sizeof(CPUs{}))
	b, ok := mem.UserBytes(f.RSI, n, true)
	if !ok || uint64(len(b)) < n {
		return linux.EFAULT.Ret()
	}
	t := (*CPUs)(unsafe.Pointer(&b[0]))
	now := clock.Nanotime()
	t.N = uint64(min(cpu.Online(), len(t.CPU)))
	for i := 0; i < int(t.N) && i < len(t.CPU) && i < cpu.Max; i++ {
		runs, halts, wakes, idle := sched.CPUCounts(i, now)
		b := &cpu.Blocks[i]
		t.CPU[i] = CPU{APICID: uint64(b.APICID), Runs: runs, Halts: halts, TimerWakes: wakes,
			Interrupts: b.Interrupts, IdleNs: uint64(idle), UpNs: uint64(now - b.Since)}
	}
	return 0
}

//go:nosplit
func irqTable(f *arch.Frame) uint64 {
	const n = uint64(unsafe.Sizeof(irq.Table{}))
	b, ok := mem.UserBytes(f.RSI, n, true)
	if !ok || uint64(len(b)) < n {
		return linux.EFAULT.Ret()
	}
	irq.Snapshot((*irq.Table)(unsafe.Pointer(&b[0])))
	return 0
}
