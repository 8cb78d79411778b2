package acpi

import "gokernel/kernel/le"

// Byte helpers for the parsers. ACPI structures are little-endian (ACPI
// 6.5 §5.2: "all numeric values ... are little-endian"); their fields are
// read with kernel/le, which returns 0 rather than panic on a wrong offset.

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
	return [4]byte{le.U8(b, 0), le.U8(b, 1), le.U8(b, 2), le.U8(b, 3)}
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
