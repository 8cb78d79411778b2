package acpi

import "gokernel/kernel/le"

// The PCI Express memory-mapped configuration table, signature "MCFG"
// (PCI Firmware Specification 3.x §4.1.2, Tables 4-2 and 4-3): after the
// header and 8 reserved bytes, one 16-byte allocation per range of buses
// whose configuration space is memory-mapped (ECAM).
const (
	mcfgEntries   = 44
	mcfgEntrySize = 16
)

// MaxECAM is the number of allocations MCFG keeps; more are counted in
// Dropped. A machine has one per PCI segment group, rarely more than a
// few.
const MaxECAM = 16

// ECAM is one MCFG allocation.
type ECAM struct {
	// Base is the physical address of bus 0's configuration space in
	// this segment, even when StartBus is not 0 (the range itself starts
	// at Base + StartBus<<20).
	Base     uint64
	Segment  uint16 // PCI segment group
	StartBus uint8
	EndBus   uint8
}

// MCFG is what ParseMCFG keeps.
type MCFG struct {
	_ [0]func() // not comparable: no generated equality function

	ECAM    [MaxECAM]ECAM
	N       int // entries of ECAM in use
	Dropped int
}

// ParseMCFG decodes the MCFG in b into m. Besides CheckTable's errors it
// returns ErrShort for a table shorter than its 44-byte fixed part.
// Trailing bytes that do not make a whole allocation are ignored, as
// Linux ignores them; allocations are kept as given, even with EndBus
// below StartBus (ConfigAddr then finds no bus in them).
//
//go:nosplit
func ParseMCFG(b []byte, m *MCFG) Error {
	if m == nil {
		return ErrNilArgument
	}
	*m = MCFG{}
	t, err := CheckTable(b, SigMCFG)
	if t == nil {
		return err
	}
	if len(t) < mcfgEntries {
		return ErrShort
	}
	for off := mcfgEntries; off <= len(t)-mcfgEntrySize; off += mcfgEntrySize {
		i := m.N
		if i < 0 || i >= len(m.ECAM) {
			m.Dropped++
			continue
		}
		m.ECAM[i] = ECAM{
			Base:     le.U64(t, off),
			Segment:  le.U16(t, off+8),
			StartBus: le.U8(t, off+10),
			EndBus:   le.U8(t, off+11),
		}
		m.N = i + 1
	}
	return err
}

// ConfigAddr returns the physical address of configuration register off
// of function fn of device dev on bus bus in e's range: Base + bus<<20 +
// dev<<15 + fn<<12 + off (PCI Express Base Specification §7.2.2). ok is
// false when bus is outside StartBus-EndBus, dev above 31, fn above 7 or
// off above 4095.
//
//go:nosplit
func (e ECAM) ConfigAddr(bus, dev, fn uint8, off uint16) (addr uint64, ok bool) {
	if bus < e.StartBus || bus > e.EndBus || dev > 31 || fn > 7 || off > 4095 {
		return 0, false
	}
	return e.Base + uint64(bus)<<20 + uint64(dev)<<15 + uint64(fn)<<12 + uint64(off), true
}
