package acpi

// Little-endian field access. ACPI structures are little-endian (ACPI 6.5
// §5.2: "all numeric values ... are little-endian"). The readers return 0
// for a field that does not lie wholly inside b; the parsers check sizes
// before reading, so that never happens on their paths, but it keeps a
// wrong offset from becoming a bounds panic. encoding/binary is not used:
// its b[off:] slicing and its own bounds checks leave panic calls in the
// code.

//go:nosplit
func u8(b []byte, off int) uint8 {
	if uint(off) >= uint(len(b)) {
		return 0
	}
	return b[off]
}

//go:nosplit
func le16(b []byte, off int) uint16 {
	if off < 0 || off > len(b)-2 {
		return 0
	}
	s := b[off:]
	if len(s) < 2 {
		return 0
	}
	return uint16(s[0]) | uint16(s[1])<<8
}

//go:nosplit
func le32(b []byte, off int) uint32 {
	if off < 0 || off > len(b)-4 {
		return 0
	}
	s := b[off:]
	if len(s) < 4 {
		return 0
	}
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

//go:nosplit
func le64(b []byte, off int) uint64 {
	return uint64(le32(b, off)) | uint64(le32(b, off+4))<<32
}

// sum returns the byte sum of b; ACPI structures sum to 0 (§5.2.5.3,
// §5.2.6).
//
//go:nosplit
func sum(b []byte) byte {
	var s byte
	for _, c := range b {
		s += c
	}
	return s
}

// hasPrefix reports whether b starts with the bytes of s.
//
//go:nosplit
func hasPrefix(b []byte, s string) bool {
	if len(b) < len(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if b[i] != s[i] {
			return false
		}
	}
	return true
}

// copy4 returns b's first four bytes (zeros past its end).
//
//go:nosplit
func copy4(b []byte) [4]byte {
	return [4]byte{u8(b, 0), u8(b, 1), u8(b, 2), u8(b, 3)}
}

// tail returns b[off:], or nil when off is outside 0..len(b).
//
//go:nosplit
func tail(b []byte, off int) []byte {
	if uint(off) > uint(len(b)) {
		return nil
	}
	return b[off:]
}

// span returns b[from:to], or nil when that is not a range of b.
//
//go:nosplit
func span(b []byte, from, to int) []byte {
	if from < 0 || to < from || to > len(b) {
		return nil
	}
	return b[from:to]
}
