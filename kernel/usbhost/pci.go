package usbhost

import (
	"gokernel/kernel/dev/pci"
)

// PCI is what the scan of PCI found and which functions have a driver:
// the shell's pci command lists it.
type PCI struct {
	Access    string // how configuration space is reached
	Functions []pci.Function
	Problems  []error
	drivers   map[pci.Addr]string
}

// ScanPCI enumerates the functions behind cfg.
func ScanPCI(cfg pci.Config, access string) *PCI {
	s := pci.Enumerate(cfg)
	return &PCI{Access: access, Functions: s.Functions, Problems: s.Problems, drivers: map[pci.Addr]string{}}
}

// Bind records that driver drives the function at a.
func (p *PCI) Bind(a pci.Addr, driver string) { p.drivers[a] = driver }

// Lines formats the listing, a function a line (pci.Line).
func (p *PCI) Lines() []string {
	var out []string
	for _, f := range p.Functions {
		out = append(out, pci.Line(f, p.drivers[f.Addr]))
	}
	return out
}
