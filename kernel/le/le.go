// Package le reads little-endian fields of firmware and boot structures
// (ACPI tables, Multiboot information, ...) out of byte slices, for ring 0:
// every reader is nosplit and returns 0 for a field that does not lie
// wholly inside b, so a wrong offset cannot become a bounds panic (whose
// runtime call ring 0 may not make). The parsers check sizes before they
// read, so the 0 never shows on their paths. encoding/binary is not used:
// its b[off:] slicing and its own bounds checks leave panic calls in the
// code. Pure: it imports nothing, and tests on the host.
package le

// U8 returns b[off], or 0.
//
//go:nosplit
func U8(b []byte, off int) uint8 {
	if uint(off) >= uint(len(b)) {
		return 0
	}
	return b[off]
}

// U16 returns the little-endian uint16 at b[off:], or 0.
//
//go:nosplit
func U16(b []byte, off int) uint16 {
	if off < 0 || off > len(b)-2 {
		return 0
	}
	s := b[off:]
	if len(s) < 2 {
		return 0
	}
	return uint16(s[0]) | uint16(s[1])<<8
}

// U32 returns the little-endian uint32 at b[off:], or 0.
//
//go:nosplit
func U32(b []byte, off int) uint32 {
	if off < 0 || off > len(b)-4 {
		return 0
	}
	s := b[off:]
	if len(s) < 4 {
		return 0
	}
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// U64 returns the little-endian uint64 at b[off:], or 0 (each half 0
// where it does not lie inside b).
//
//go:nosplit
func U64(b []byte, off int) uint64 {
	return uint64(U32(b, off)) | uint64(U32(b, off+4))<<32
}
