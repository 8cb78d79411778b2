package boot

import (
	"gokernel/arch"
	"gokernel/kernel/cmdline"
	"gokernel/kernel/console"
	"gokernel/kernel/cpu"
	"gokernel/kernel/dev/lapic"
	"gokernel/kernel/irq"
	"gokernel/kernel/mem"
	"gokernel/kernel/multiboot"
	"gokernel/kernel/smp"
	"gokernel/kernel/timer"
	"gokernel/kernel/trap"
)

// CPUs starts the other CPUs the MADT lists (enabled, or online-capable),
// up to cpus=N, none with nosmp, and prints the "smp:" line with the APIC
// IDs of those that run. They need the APICs and a local APIC timer of
// their own; an AP that does not answer is named and left out. tramp is
// the trampoline's bytes (boot/ap.s), entry main.apEntry.
//
//go:nosplit
func CPUs(tramp []byte, entry uint64) {
	if irq.Active() != irq.APIC || !haveMADT {
		console.Line("smp: 1 CPU: the other CPUs need the APICs and the MADT")
		return
	}
	cpu.Current().APICID = lapic.ID()
	limit := int(cmdline.Get(cmdline.CPUs).Num)
	switch {
	case cmdline.Get(cmdline.NoSMP).Set:
		limit = 1
	case !timer.PerCPU():
		smpLine("no local APIC timer")
		return
	}
	smp.Listed = min(madtCPUs(), limit, cpu.Max)
	if limit > 1 && madtCPUs() > 1 {
		startAPs(tramp, entry, limit)
	}
	smpLine("")
}

// madtCPUs counts the usable processor entries.
//
//go:nosplit
func madtCPUs() int {
	n := 0
	for i := 0; i < madt.NCPUs && i < len(madt.CPUs); i++ {
		if c := &madt.CPUs[i]; c.Enabled || c.OnlineCapable {
			n++
		}
	}
	return n
}

//go:nosplit
func startAPs(tramp []byte, entry uint64, limit int) {
	page, ok := trampolinePage()
	if !ok {
		console.Line("smp: no page below 1 MiB for the AP trampoline")
		return
	}
	t := smp.Trampoline{Page: page, Entry: entry}
	if !mem.Map(uintptr(page), page, arch.PTE_W) || !smp.Prepare(&t, tramp) {
		console.Line("smp: cannot set up the AP trampoline")
		return
	}
	self := lapic.ID()
	if cmdline.Get(cmdline.Test).Str == "apfault" {
		smp.Inject = 1 // the first AP faults; the test checks the others run
	}
	n := 1
	for i := 0; i < madt.NCPUs && i < len(madt.CPUs) && n < limit && n < cpu.Max; i++ {
		c := &madt.CPUs[i]
		if !(c.Enabled || c.OnlineCapable) || c.APICID == self {
			continue
		}
		if p := smp.StartAP(&t, n, c.APICID); p != smp.Started {
			console.WriteString("smp: the CPU with APIC ID ")
			console.Dec(int64(c.APICID))
			console.WriteString(" ")
			console.WriteString(p.String())
			if p == smp.Faulted {
				v, rip := smp.FaultOf(n)
				console.WriteString(": ")
				console.WriteString(trap.Name(v))
				console.WriteString(" at ")
				trap.Symbol(rip)
			}
			console.Line("; left out")
			continue
		}
		n++
		cpu.SetOnline(n)
	}
	mem.Unmap(uintptr(page))
}

// trampolinePage picks a page below 1 MiB for the trampoline: 0x8000 if
// the memory map says it is RAM, else the highest free one under the
// EBDA. The first MiB is never given to the frame allocator, so the page
// is the kernel's to use; the loader's structures in it were copied out
// at boot (Loader).
//
//go:nosplit
func trampolinePage() (uint64, bool) {
	ok := func(p uint64) bool {
		for i := 0; i < info.NRegions; i++ {
			r := &info.Regions[i]
			if r.Type == multiboot.MemAvailable && p >= r.Base && p+mem.PageSize <= r.End() {
				return true
			}
		}
		return false
	}
	if ok(0x8000) {
		return 0x8000, true
	}
	for p := uint64(0x9E000); p >= 0x1000; p -= mem.PageSize {
		if ok(p) {
			return p, true
		}
	}
	return 0, false
}

// smpLine prints "smp: N CPUs (APIC IDs a b c)", and why only one if why
// is not "".
//
//go:nosplit
func smpLine(why string) {
	n := cpu.Online()
	console.WriteString("smp: ")
	console.Dec(int64(n))
	if n == 1 {
		console.WriteString(" CPU (APIC ID ")
	} else {
		console.WriteString(" CPUs (APIC IDs ")
	}
	for i := 0; i < n && i < cpu.Max; i++ {
		if i > 0 {
			console.WriteString(" ")
		}
		console.Dec(int64(cpu.Blocks[i].APICID))
	}
	console.WriteString(")")
	if why != "" {
		console.WriteString(": ")
		console.WriteString(why)
	}
	console.Line("")
}
