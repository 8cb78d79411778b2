package irq

import "gokernel/kernel/dev/pic"

// The 8259 pair: the fallback when there is no APIC (apic=off, or no or a
// broken MADT). Line n is IRQ n of the pair.

// UsePIC makes the PICs the controller, every line masked, IRQ n on vector
// Base+n.
//
//go:nosplit
func UsePIC() {
	ctrl = PIC
	pic.Init(Base)
	for l := range routes {
		routes[l] = Route{GSI: uint32(l), Vector: Base + uint8(l)}
	}
}

// Enable enables line if it has a handler, and reports whether it did.
//
//go:nosplit
func Enable(line uint8) bool {
	if !Handled(line) || line >= 16 {
		return false
	}
	if ctrl == APIC {
		return enableAPIC(line)
	}
	pic.Unmask(line)
	routes[line].Enabled = true
	return true
}
