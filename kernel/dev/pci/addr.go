package pci

import "fmt"

// Addr is where a function sits: its bus, device (0-31) and function
// (0-7) number, the "BDF" (PCI Local Bus 3.0 §3.2.2.3.2).
type Addr struct {
	Bus, Dev, Fn uint8
}

// Valid reports whether Dev and Fn are in range.
func (a Addr) Valid() bool { return a.Dev < 32 && a.Fn < 8 }

// String formats a as Linux's lspci does: "00:1f.2", in hex.
func (a Addr) String() string { return fmt.Sprintf("%02x:%02x.%x", a.Bus, a.Dev, a.Fn) }

// less orders addresses by bus, device, function.
func (a Addr) less(b Addr) bool {
	if a.Bus != b.Bus {
		return a.Bus < b.Bus
	}
	if a.Dev != b.Dev {
		return a.Dev < b.Dev
	}
	return a.Fn < b.Fn
}
