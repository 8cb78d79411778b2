package irq

import (
	"gokernel/kernel/dev/ioapic"
	"gokernel/kernel/dev/lapic"
	"gokernel/kernel/dev/pic"
)

// The APICs: each device line goes to an I/O APIC pin, which sends the
// line's vector to the boot CPU's local APIC. The ACPI MADT says which pin
// (interrupt source overrides: ISA IRQ 0 is usually GSI 2) and with which
// polarity and trigger mode.

// Route is how an ISA line reaches the CPU.
type Route struct {
	GSI              uint32
	Vector           uint8
	ActiveLow, Level bool
	Enabled          bool
}

var (
	routes     [16]Route
	chips      [ioapic.MaxChips]ioapic.Chip
	nchips     int
	dest       uint32 // the APIC ID interrupts go to: the boot CPU's
	apicErrors uint32 // the local APIC's error bits seen (ESR)
)

// AddIOAPIC takes the I/O APIC mapped at va whose first pin is gsiBase,
// with every pin masked. It reports false for a chip that does not answer
// or one too many.
//
//go:nosplit
func AddIOAPIC(va uintptr, gsiBase uint32) (*ioapic.Chip, bool) {
	if nchips >= len(chips) {
		return nil, false
	}
	c := &chips[nchips]
	if !c.Init(va, gsiBase) {
		return nil, false
	}
	nchips++
	return c, true
}

// SetRoute records how ISA line reaches the I/O APICs (the MADT's override
// or the ISA default, GSI = line, edge, active high).
//
//go:nosplit
func SetRoute(line uint8, gsi uint32, activeLow, level bool) {
	if line < 16 {
		routes[line] = Route{GSI: gsi, Vector: Base + line, ActiveLow: activeLow, Level: level}
	}
}

// UseAPIC makes the APICs the controller: the local APIC is up (lapic.Init)
// and the I/O APICs added. With pcat, the firmware says the PICs exist;
// if the probe finds them they are initialised (so they do not deliver a
// stray vector in the exception range) and masked. It reports whether
// the PICs were found and masked.
//
//go:nosplit
func UseAPIC(pcat bool) bool {
	ctrl = APIC
	dest = lapic.ID()
	if pcat && pic.Present() {
		pic.Init(Base)
		return true
	}
	return false
}

//go:nosplit
func enableAPIC(line uint8) bool {
	r := &routes[line&15]
	for i := 0; i < nchips && i < len(chips); i++ {
		if pin, ok := chips[i].Has(r.GSI); ok {
			if chips[i].Route(pin, r.Vector, dest, r.ActiveLow, r.Level) {
				r.Enabled = true
				return true
			}
		}
	}
	return false
}

// MaskAll masks every interrupt source the kernel set up: the I/O APIC
// pins or the PIC lines, and the local APIC's timer and LINT lines. For a
// halted machine, which only an NMI should wake.
//
//go:nosplit
func MaskAll() {
	if ctrl == PIC {
		for l := uint8(0); l < 16; l++ {
			pic.Mask(l)
		}
		return
	}
	for i := 0; i < nchips && i < len(chips); i++ {
		for p := uint32(0); p < chips[i].Pins; p++ {
			chips[i].Mask(p)
		}
	}
	lapic.MaskAll()
}
