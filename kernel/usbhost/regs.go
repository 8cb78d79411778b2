package usbhost

import (
	"fmt"

	"gokernel/arch"
	"gokernel/kernel/kcall"
)

// Regs is a block of device registers (a PCI BAR, a part of the ECAM
// window) that the kernel mapped uncached into the device area
// (kcall.MapDeviceMemory): the xHCI driver's xhci.MMIO and the PCI code's
// pci.MMIO. An access outside the block reads all ones and writes
// nothing, as a bus does for an address no one decodes.
type Regs struct {
	base, size uintptr
}

// MapRegs maps size bytes of registers at physical address pa.
func MapRegs(pa, size uint64) (*Regs, error) {
	va, err := kcall.MapDeviceMemory(pa, size)
	if err != nil {
		return nil, fmt.Errorf("cannot map %#x (%d bytes): %w", pa, size, err)
	}
	return &Regs{base: va, size: uintptr(size)}, nil
}

// The accessors are not inlined, so that the compiler neither merges
// nor drops a register access: each is one MOV of its width.

//go:noinline
func (r *Regs) Read32(off uintptr) uint32 {
	if off&3 != 0 || off+4 > r.size || off+4 < off {
		return 0xFFFFFFFF
	}
	return *(*uint32)(arch.Ptr(r.base + off))
}

//go:noinline
func (r *Regs) Write32(off uintptr, v uint32) {
	if off&3 != 0 || off+4 > r.size || off+4 < off {
		return
	}
	*(*uint32)(arch.Ptr(r.base + off)) = v
}

// Write64 writes a 64-bit register as two dwords, low first, which the
// xHCI driver allows for every controller (xHCI §5.1).
func (r *Regs) Write64(off uintptr, v uint64) {
	r.Write32(off, uint32(v))
	r.Write32(off+4, uint32(v>>32))
}
