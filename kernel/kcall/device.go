package kcall

import (
	"gokernel/arch"
	"gokernel/kernel/boot"
	"gokernel/kernel/irq"
	"gokernel/kernel/linux"
	"gokernel/kernel/mem"
)

// The device operations: what a driver in ring 3 (the xHCI glue,
// kernel/usbhost) needs of ring 0 to reach a PCI device: its registers
// mapped, memory the device can read and write, and an interrupt vector.
// Ring 0: see Dispatch.

// deviceMin is where device ranges may start: the first MiB is the BIOS's
// and the legacy devices' (its RAM holds the AP trampoline), and no PCI
// BAR or configuration window lies there.
const deviceMin = 1 << 20

// mapDevice maps RDX bytes of device registers at physical address RSI
// into the program's device area, uncached; RAX is the virtual address
// of RSI. Refused with EINVAL: a range below 1 MiB, one the memory map
// gives to RAM (the kernel's frames all come from there), one the kernel
// maps for itself (the APICs, the HPET), an empty or too large one.
// ENOMEM when the device area or the page tables' memory runs out.
//
//go:nosplit
func mapDevice(f *arch.Frame) uint64 {
	pa, n := f.RSI, f.RDX
	end := pa + n
	if n == 0 || n > mem.MaxDeviceMap || end < pa || pa < deviceMin ||
		boot.Info().Claims(pa, end) || mem.KernelDevice(pa, end) {
		return linux.EINVAL.Ret()
	}
	va, ok := mem.MapDevice(pa, n)
	if !ok {
		return linux.ENOMEM.Ret()
	}
	return uint64(va)
}

// DMA flags, in RDX.
const DMABelow4G = 1 // the frames must lie below 4 GiB

// allocDMA allocates RSI zeroed, physically contiguous pages (1 to 16)
// for a device, mapped into the program's device area; RAX is their
// virtual address, RDX their physical address. RDX flags: DMABelow4G.
//
//go:nosplit
func allocDMA(f *arch.Frame) uint64 {
	if f.RDX&^DMABelow4G != 0 {
		return linux.EINVAL.Ret()
	}
	va, pa, ok := mem.AllocDMA(f.RSI, f.RDX&DMABelow4G != 0)
	if !ok {
		return linux.ENOMEM.Ret()
	}
	f.RDX = pa
	return uint64(va)
}

// allocVector hands out an interrupt vector for MSI or MSI-X; RAX is the
// vector, RDX the APIC ID of the CPU the message must go to. ENOSPC when
// none is left, ENODEV without the APICs.
//
//go:nosplit
func allocVector(f *arch.Frame) uint64 {
	if irq.Active() != irq.APIC {
		return linux.ENODEV.Ret()
	}
	v, id, ok := irq.AllocMSI()
	if !ok {
		return linux.ENOSPC.Ret()
	}
	f.RDX = uint64(id)
	return uint64(v)
}
