package pci

// Config is access to configuration space: what the enumeration, the
// BAR sizing and the MSI programming use. Ports and ECAM implement it for
// real hardware; tests use fakes. Reads and writes are of aligned
// 32-bit registers: off is a multiple of 4, below 256 for conventional
// PCI and below 4096 for PCI Express. A read of a function that does not
// exist returns all ones (§6.1: the host bridge ends the master abort
// with 0xFFFFFFFF), and so must an implementation for an offset it
// cannot reach.
//
// The registers narrower than 32 bits are read through their dword
// (Read16, Read8) and written by writing the dword with the neighbours
// that a write must not disturb taken care of by the caller: the only
// narrow writes this package makes are to the Command register, whose
// neighbour Status is write-1-to-clear (writing zeros there changes
// nothing), and to the MSI and MSI-X Message Control registers, whose
// neighbours (the capability ID and next pointer) are read-only.
type Config interface {
	Read32(a Addr, off uint16) uint32
	Write32(a Addr, off uint16, v uint32)
}

// Read16 reads the 16-bit register at off (2-byte aligned).
func Read16(c Config, a Addr, off uint16) uint16 {
	return uint16(c.Read32(a, off&^3) >> (8 * (off & 2)))
}

// Read8 reads the byte at off.
func Read8(c Config, a Addr, off uint16) uint8 {
	return uint8(c.Read32(a, off&^3) >> (8 * (off & 3)))
}

// ReadSpace copies the first n bytes of a's configuration space (n a
// multiple of 4, at most 4096) into a new slice, so that the parsers
// (ParseHeader, Capabilities, ParseMSI, ...) can work on it.
func ReadSpace(c Config, a Addr, n int) []byte {
	n = min(max(n, 0), 4096) &^ 3
	b := make([]byte, n)
	for off := 0; off < n; off += 4 {
		putLE32(b[off:], c.Read32(a, uint16(off)))
	}
	return b
}

func le16(b []byte, off int) uint16 { return uint16(b[off]) | uint16(b[off+1])<<8 }

func le32(b []byte, off int) uint32 {
	return uint32(b[off]) | uint32(b[off+1])<<8 | uint32(b[off+2])<<16 | uint32(b[off+3])<<24
}

func putLE32(b []byte, v uint32) {
	b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}
