package acpi

import "gokernel/kernel/le"

// The Generic Address Structure (ACPI 6.5 §5.2.3.2, Table 5.1): where a
// register is, in which address space, and how wide it is.
const gasSize = 12

// Address space IDs (§5.2.3.2, Table 5.1).
const (
	SpaceMemory    = 0 // system memory
	SpaceIO        = 1 // system I/O ports
	SpacePCIConfig = 2 // PCI configuration space
)

// Access sizes (§5.2.3.2).
const (
	AccessUndefined = 0 // legacy reasons: use BitWidth
	AccessByte      = 1
	AccessWord      = 2
	AccessDWord     = 3
	AccessQWord     = 4
)

// GAS is a Generic Address Structure. A zero Address means "not present".
type GAS struct {
	Space      uint8 // a Space* constant
	BitWidth   uint8 // register width in bits
	BitOffset  uint8
	AccessSize uint8 // an Access* constant
	Address    uint64
}

// parseGAS decodes the GAS at b[off:]; the zero GAS when it is not wholly
// inside b.
//
//go:nosplit
func parseGAS(b []byte, off int) GAS {
	if off < 0 || off > len(b)-gasSize {
		return GAS{}
	}
	return GAS{
		Space:      le.U8(b, off),
		BitWidth:   le.U8(b, off+1),
		BitOffset:  le.U8(b, off+2),
		AccessSize: le.U8(b, off+3),
		Address:    le.U64(b, off+4),
	}
}

// ioGAS makes the GAS that a 32-bit FADT block address means: a port in
// system I/O space, len bytes wide (§5.2.9: the PM blocks' *_BLK fields
// are "system port address"es). Address 0 stays the zero GAS.
//
//go:nosplit
func ioGAS(port uint32, length uint8) GAS {
	if port == 0 {
		return GAS{}
	}
	return GAS{Space: SpaceIO, BitWidth: length * 8, Address: uint64(port)}
}

// Port returns the register's I/O port when it is in system I/O space,
// non-zero and below 0x10000.
//
//go:nosplit
func (g GAS) Port() (port uint16, ok bool) {
	if g.Space != SpaceIO || g.Address == 0 || g.Address > 0xFFFF {
		return 0, false
	}
	return uint16(g.Address), true
}
