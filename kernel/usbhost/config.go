package usbhost

import (
	"fmt"

	"gokernel/kernel/boot"
	"gokernel/kernel/dev/pci"
)

// OpenConfig returns the way to PCI configuration space and says which:
// the PCI Express ECAM window of segment 0 that the ACPI MCFG lists
// (PCI Firmware 3.x §4.1.2), mapped a bus at a time as buses are first
// touched, else the configuration ports (PCI Local Bus 3.0 §3.2.2.3.2),
// which every PC has and which reach the first 256 bytes of a function.
func OpenConfig() (pci.Config, string) {
	if m, ok := boot.MCFG(); ok {
		for _, e := range m.ECAM[:min(m.N, len(m.ECAM))] {
			if e.Segment == 0 && e.StartBus <= e.EndBus {
				w := &ecamWindow{base: e.Base + uint64(e.StartBus)<<20}
				cfg := pci.ECAM{StartBus: e.StartBus, EndBus: e.EndBus, Mem: w}
				// The first bus's host bridge answers, or the window is
				// not what the table says.
				v := cfg.Read32(pci.Addr{Bus: e.StartBus}, 0)
				switch {
				case w.err != nil:
					return &pci.Ports{}, fmt.Sprintf("ports (ECAM at %#x: %v)", e.Base, w.err)
				case v != 0xFFFFFFFF:
					return cfg, fmt.Sprintf("ECAM at %#x, buses %d-%d", e.Base, e.StartBus, e.EndBus)
				}
			}
		}
	}
	return &pci.Ports{}, "ports"
}

// ecamWindow is an ECAM window's pci.MMIO: each bus's 1 MiB is mapped the
// first time one of its functions is read (most of the 256 MiB of a
// window is buses that do not exist).
type ecamWindow struct {
	base  uint64 // physical address of the window's first bus
	buses [256]*Regs
	err   error // the first mapping failure: the window reads all ones
}

const ecamBus = 1 << 20

func (w *ecamWindow) bus(off uintptr) (*Regs, uintptr) {
	b := off / ecamBus
	if b >= uintptr(len(w.buses)) || w.err != nil {
		return nil, 0
	}
	if w.buses[b] == nil {
		r, err := MapRegs(w.base+uint64(b)*ecamBus, ecamBus)
		if err != nil {
			w.err = err
			return nil, 0
		}
		w.buses[b] = r
	}
	return w.buses[b], off % ecamBus
}

func (w *ecamWindow) Read32(off uintptr) uint32 {
	r, o := w.bus(off)
	if r == nil {
		return 0xFFFFFFFF
	}
	return r.Read32(o)
}

func (w *ecamWindow) Write32(off uintptr, v uint32) {
	if r, o := w.bus(off); r != nil {
		r.Write32(o, v)
	}
}
