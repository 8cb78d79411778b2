package acpi

// Interrupt routing from the MADT: the MPS INTI flags of overrides and
// NMI sources (ACPI 6.5 §5.2.12.5, Table 5.26), and the pure decisions a
// kernel makes with them when it moves ISA devices from the 8259s to an
// I/O APIC.

// INTIFlags are the MPS INTI flags: polarity in bits 0-1, trigger mode
// in bits 2-3.
type INTIFlags uint16

// Polarity is an INTI polarity.
type Polarity uint8

// Polarities (Table 5.26).
const (
	PolarityConforms Polarity = 0 // as the bus specifies (ISA: active high)
	PolarityHigh     Polarity = 1
	PolarityReserved Polarity = 2
	PolarityLow      Polarity = 3
)

// Trigger is an INTI trigger mode.
type Trigger uint8

// Trigger modes (Table 5.26).
const (
	TriggerConforms Trigger = 0 // as the bus specifies (ISA: edge)
	TriggerEdge     Trigger = 1
	TriggerReserved Trigger = 2
	TriggerLevel    Trigger = 3
)

// Polarity returns bits 0-1.
//
//go:nosplit
func (f INTIFlags) Polarity() Polarity { return Polarity(f & 3) }

// Trigger returns bits 2-3.
//
//go:nosplit
func (f INTIFlags) Trigger() Trigger { return Trigger(f >> 2 & 3) }

// ActiveLow decodes the polarity for a bus whose default is active high
// (ISA, §5.2.12.5). The reserved value is taken as active low, as Linux
// does (irq_polarity in arch/x86/kernel/apic/io_apic.c warns and falls
// through to active low).
//
//go:nosplit
func (f INTIFlags) ActiveLow() bool {
	p := f.Polarity()
	return p == PolarityLow || p == PolarityReserved
}

// Level decodes the trigger mode for a bus whose default is edge (ISA).
// The reserved value is taken as level, as Linux does (irq_trigger).
//
//go:nosplit
func (f INTIFlags) Level() bool {
	t := f.Trigger()
	return t == TriggerLevel || t == TriggerReserved
}

// Route is where an ISA IRQ arrives at the I/O APICs.
type Route struct {
	GSI        uint32
	ActiveLow  bool
	Level      bool
	Overridden bool // an Interrupt Source Override applied
}

// ISARoute maps ISA IRQ irq through the overrides ov: the first override
// for bus 0 and source irq gives the GSI and flags (conforming polarity
// and trigger meaning ISA's active high and edge); without one, the
// identity mapping with ISA's defaults, which §5.2.12.5 says holds for
// every ISA IRQ that has no override. It does not check that the GSI
// exists: an override may name a GSI that no I/O APIC has, which
// IOAPICFor and the I/O APIC's size reveal.
//
//go:nosplit
func ISARoute(ov []Override, irq uint8) Route {
	for i := range ov {
		o := &ov[i]
		if o.Bus == 0 && o.Source == irq {
			return Route{GSI: o.GSI, ActiveLow: o.Flags.ActiveLow(), Level: o.Flags.Level(), Overridden: true}
		}
	}
	return Route{GSI: uint32(irq)}
}

// ISARoute is ISARoute over the table's overrides.
//
//go:nosplit
func (m *MADT) ISARoute(irq uint8) Route {
	ov := m.Overrides[:]
	if n := m.NOverrides; uint(n) < uint(len(ov)) {
		ov = ov[:n]
	}
	return ISARoute(ov, irq)
}

// IOAPICFor returns the index in m.IOAPICs of the I/O APIC whose inputs
// would include gsi, the one with the greatest GSIBase not above it, and
// the input (pin) number gsi - GSIBase. ok is false when there is no
// such I/O APIC. The MADT does not say how many inputs an I/O APIC has:
// the caller must check pin against the I/O APIC's version register
// before using it (an override may name a line that does not exist).
//
//go:nosplit
func (m *MADT) IOAPICFor(gsi uint32) (index int, pin uint32, ok bool) {
	index = -1
	var base uint32
	for i := range m.IOAPICs {
		if i >= m.NIOAPICs {
			break
		}
		if b := m.IOAPICs[i].GSIBase; b <= gsi && (index < 0 || b > base) {
			index, base = i, b
		}
	}
	if index < 0 {
		return -1, 0, false
	}
	return index, gsi - base, true
}
