package pci

import (
	"sync"

	"gokernel/arch"
)

// The configuration mechanism #1 (PCI Local Bus 3.0 §3.2.2.3.2): a dword
// written to CONFIG_ADDRESS (port 0xCF8) selects a register, whose value
// is then read or written at CONFIG_DATA (0xCFC-0xCFF).
const (
	configAddress = 0xCF8
	configData    = 0xCFC

	camEnable = 1 << 31
)

// camAddress encodes the CONFIG_ADDRESS dword for register off of a
// (Figure 3-2): enable bit 31, bus 23:16, device 15:11, function 10:8,
// register 7:2. ok is false for an offset the mechanism cannot reach
// (256 and above: PCI Express's extended space needs ECAM) or an
// invalid address.
func camAddress(a Addr, off uint16) (uint32, bool) {
	if off > 0xFF || off&3 != 0 || !a.Valid() {
		return 0, false
	}
	return camEnable | uint32(a.Bus)<<16 | uint32(a.Dev)<<11 | uint32(a.Fn)<<8 | uint32(off), true
}

// Ports is Config through the I/O ports 0xCF8/0xCFC: every PC has it,
// and it reaches the first 256 bytes of each function. The pair of
// accesses is made under a lock, so that goroutines do not interleave.
// Ring 3 with IOPL 3 (or ring 0).
type Ports struct {
	mu sync.Mutex
}

// Read32 reads the register; an offset out of reach reads all ones.
func (p *Ports) Read32(a Addr, off uint16) uint32 {
	addr, ok := camAddress(a, off)
	if !ok {
		return 0xFFFFFFFF
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	arch.Outl(configAddress, addr)
	return arch.Inl(configData)
}

// Write32 writes the register; an offset out of reach is ignored.
func (p *Ports) Write32(a Addr, off uint16, v uint32) {
	addr, ok := camAddress(a, off)
	if !ok {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	arch.Outl(configAddress, addr)
	arch.Outl(configData, v)
}

// ECAM is Config through the PCI Express enhanced configuration access
// mechanism (PCIe Base §7.2.2): each function's 4 KiB of configuration
// space is memory-mapped at (bus-StartBus)<<20 | dev<<15 | fn<<12 from
// the start of the window. The kernel maps the window of one ACPI MCFG
// allocation (acpi.ECAM: Base + StartBus<<20, through EndBus) uncached
// and gives it as Mem. Buses outside StartBus-EndBus read all ones.
type ECAM struct {
	StartBus, EndBus uint8
	Mem              MMIO
}

func (e ECAM) offset(a Addr, off uint16) (uintptr, bool) {
	if a.Bus < e.StartBus || a.Bus > e.EndBus || !a.Valid() || off > 0xFFC || off&3 != 0 {
		return 0, false
	}
	return uintptr(a.Bus-e.StartBus)<<20 | uintptr(a.Dev)<<15 | uintptr(a.Fn)<<12 | uintptr(off), true
}

// Read32 reads the register; an address outside the window reads all ones.
func (e ECAM) Read32(a Addr, off uint16) uint32 {
	o, ok := e.offset(a, off)
	if !ok {
		return 0xFFFFFFFF
	}
	return e.Mem.Read32(o)
}

// Write32 writes the register; an address outside the window is ignored.
func (e ECAM) Write32(a Addr, off uint16, v uint32) {
	if o, ok := e.offset(a, off); ok {
		e.Mem.Write32(o, v)
	}
}

// WindowSize returns the bytes of the ECAM window for buses start..end.
func WindowSize(start, end uint8) uint64 {
	if end < start {
		return 0
	}
	return (uint64(end) - uint64(start) + 1) << 20
}
