package acpi

import "gokernel/kernel/le"

// \_S5, the soft-off sleep state (ACPI 6.5 §7.4.2): a package whose
// first two integers are SLP_TYPa and SLP_TYPb, the values to write to
// the SLP_TYP field (bits 10-12) of PM1a_CNT and PM1b_CNT, with SLP_EN
// (bit 13), to power the machine off (§4.8, Table 4.13; chapter 16).
//
// FindS5 does not run AML. It looks for the common static definition,
//
//	Name (_S5, Package (n) { a, b, ... })   // or Name (\_S5, ...)
//
// encoded (§20.2) as NameOp (0x08), an optional root prefix '\' (0x5C),
// the NameSeg "_S5_", PackageOp (0x12), a PkgLength (§20.2.4), the
// element count, and the elements as integer constants: ZeroOp (0x00),
// OneOp (0x01), OnesOp (0xFF), or BytePrefix (0x0A), WordPrefix (0x0B),
// DWordPrefix (0x0C) or QWordPrefix (0x0E) and the value (§20.2.3).
//
// What it does not handle, all of which need an AML interpreter:
//   - an \_S5 computed by a method (Method (_S5) { Return (...) }), or a
//     package whose elements are names or expressions rather than
//     constants (FindS5 returns ErrNotFound or ErrAML);
//   - definitions under If/Else (it takes the first in byte order,
//     whichever branch the firmware would take);
//   - an \_S5 defined in an SSDT only (pass each SSDT to FindS5 in turn);
//   - a "_S5_" NameOp pattern inside a buffer or string, which it cannot
//     tell from code (no such firmware is known).
//
// Values are returned truncated to 8 bits, as ACPICA's
// acpi_get_sleep_type_data does; the caller shifts them into SLP_TYP
// (bits 10-12 of PM1_CNT), keeping the low 3 bits.
const (
	amlZeroOp      = 0x00
	amlOneOp       = 0x01
	amlNameOp      = 0x08
	amlBytePrefix  = 0x0A
	amlWordPrefix  = 0x0B
	amlDWordPrefix = 0x0C
	amlQWordPrefix = 0x0E
	amlPackageOp   = 0x12
	amlRootChar    = '\\'
	amlOnesOp      = 0xFF
)

// FindS5 finds \_S5 in the DSDT (or an SSDT) t, with its header, and
// returns SLP_TYPa and SLP_TYPb. A package with one element holds both,
// a in bits 0-7 and b in bits 8-15, as ACPICA reads it. Besides
// CheckTable's errors (on ErrChecksum the values are still returned),
// ErrSignature for a table that is neither a DSDT nor an SSDT,
// ErrNotFound when no NameOp defines _S5_, and ErrAML when no such
// definition is a well-formed package of integer constants. A malformed
// match does not end the search (the bytes 0x08 "_S5_" may also be a
// method's PkgLength and name), so a later good one still wins.
//
//go:nosplit
func FindS5(t []byte) (slpTypA, slpTypB uint8, err Error) {
	t, err = CheckTable(t, "")
	if t == nil {
		return 0, 0, err
	}
	if !hasPrefix(t, SigDSDT) && !hasPrefix(t, SigSSDT) {
		return 0, 0, ErrSignature
	}
	aml := tail(t, HeaderSize)
	notFound := ErrNotFound
	for i := 0; i+4 <= len(aml); i++ {
		if le.U8(aml, i) != '_' || le.U8(aml, i+1) != 'S' || le.U8(aml, i+2) != '5' || le.U8(aml, i+3) != '_' {
			continue
		}
		j := i - 1
		if le.U8(aml, j) == amlRootChar {
			j--
		}
		if j < 0 || le.U8(aml, j) != amlNameOp {
			continue // a reference, a method, or data
		}
		a, b, e := s5Package(tail(aml, i+4))
		if e != OK {
			notFound = e
			continue
		}
		return a, b, err
	}
	return 0, 0, notFound
}

// s5Package decodes the package that should start at aml[0].
//
//go:nosplit
func s5Package(aml []byte) (a, b uint8, err Error) {
	if le.U8(aml, 0) != amlPackageOp {
		return 0, 0, ErrAML
	}
	rest := tail(aml, 1)
	n, size := pkgLength(rest)
	// PkgLength counts its own bytes and the package's contents; the
	// contents hold at least the element count.
	body := span(rest, size, n)
	if size == 0 || len(body) == 0 {
		return 0, 0, ErrAML
	}
	count := le.U8(body, 0)
	v0, next, ok := amlInteger(body, 1)
	if count == 0 || !ok {
		return 0, 0, ErrAML
	}
	if count == 1 {
		return uint8(v0), uint8(v0 >> 8), OK
	}
	v1, _, ok := amlInteger(body, next)
	if !ok {
		return 0, 0, ErrAML
	}
	return uint8(v0), uint8(v1), OK
}

// pkgLength decodes the PkgLength at the start of b (§20.2.4): a lead
// byte whose bits 7-6 count the bytes that follow (0-3); with none, bits
// 5-0 are the length; otherwise bits 3-0 are its low nibble and each
// following byte the next 8 bits. It returns the length and the encoding's
// size in bytes, or size 0 when b is too short or bits 5-4 of a
// multi-byte lead byte are set.
//
//go:nosplit
func pkgLength(b []byte) (n, size int) {
	if len(b) == 0 {
		return 0, 0
	}
	lead := b[0]
	follow := int(lead >> 6)
	if follow == 0 {
		return int(lead & 0x3F), 1
	}
	if lead&0x30 != 0 || len(b) < 1+follow {
		return 0, 0
	}
	n = int(lead & 0x0F)
	for k := 1; k <= follow; k++ {
		n |= int(le.U8(b, k)) << uint(4+8*(k-1))
	}
	return n, 1 + follow
}

// amlInteger decodes the integer constant at b[off] (§20.2.3) and returns
// it and the offset after it.
//
//go:nosplit
func amlInteger(b []byte, off int) (v uint64, next int, ok bool) {
	if off < 0 || off >= len(b) {
		return 0, off, false
	}
	var size int
	switch b[off] {
	case amlZeroOp:
		return 0, off + 1, true
	case amlOneOp:
		return 1, off + 1, true
	case amlOnesOp:
		return ^uint64(0), off + 1, true
	case amlBytePrefix:
		size = 1
	case amlWordPrefix:
		size = 2
	case amlDWordPrefix:
		size = 4
	case amlQWordPrefix:
		size = 8
	default:
		return 0, off, false
	}
	if size > len(b)-off-1 {
		return 0, off, false
	}
	for k := 0; k < size; k++ {
		v |= uint64(le.U8(b, off+1+k)) << (8 * k)
	}
	return v, off + 1 + size, true
}
