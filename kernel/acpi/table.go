package acpi

import "gokernel/kernel/le"

// The system description table header (ACPI 6.5 §5.2.6, Table 5.4), which
// every table but the FACS starts with, and the root tables' entry arrays:
// the RSDT's 32-bit addresses (§5.2.7) and the XSDT's 64-bit ones
// (§5.2.8).
const (
	HeaderSize = 36

	hdrLength      = 4
	hdrRevision    = 8
	hdrOEMID       = 10
	hdrOEMTableID  = 16
	hdrOEMRevision = 24
	hdrCreatorID   = 28
	hdrCreatorRev  = 32
)

// Table signatures (§5.2.6, Table 5.5 and 5.6).
const (
	SigRSDT = "RSDT"
	SigXSDT = "XSDT"
	SigFADT = "FACP"
	SigDSDT = "DSDT"
	SigSSDT = "SSDT"
	SigMADT = "APIC"
	SigHPET = "HPET"
	SigMCFG = "MCFG"
)

// Header is a decoded table header.
type Header struct {
	Signature       [4]byte
	Length          uint32 // of the whole table, header included
	Revision        uint8
	OEMID           [6]byte
	OEMTableID      [8]byte
	OEMRevision     uint32
	CreatorID       [4]byte
	CreatorRevision uint32
}

// ParseHeader decodes the header at the start of b (at least HeaderSize
// bytes) into h. It checks only that Length covers the header; it does
// not check the checksum, which needs the whole table: read the first
// HeaderSize bytes, ParseHeader, read Length bytes, then CheckTable.
//
//go:nosplit
func ParseHeader(b []byte, h *Header) Error {
	if h == nil {
		return ErrNilArgument
	}
	*h = Header{}
	if len(b) < HeaderSize {
		return ErrShort
	}
	h.Signature = copy4(b)
	h.Length = le.U32(b, hdrLength)
	h.Revision = b[hdrRevision]
	for i := range h.OEMID {
		h.OEMID[i] = le.U8(b, hdrOEMID+i)
	}
	for i := range h.OEMTableID {
		h.OEMTableID[i] = le.U8(b, hdrOEMTableID+i)
	}
	h.OEMRevision = le.U32(b, hdrOEMRevision)
	h.CreatorID = copy4(b[hdrCreatorID:])
	h.CreatorRevision = le.U32(b, hdrCreatorRev)
	if h.Length < HeaderSize {
		return ErrLength
	}
	return OK
}

// CheckTable is the table header check: b must start with a header whose
// signature is sig (any signature when sig is ""), whose Length is at
// least HeaderSize and at most len(b), and whose Length bytes sum to
// zero. It returns the table cut to Length. On ErrChecksum the cut table
// is returned too (see the package doc); on any other error, nil.
//
//go:nosplit
func CheckTable(b []byte, sig string) ([]byte, Error) {
	if len(b) < HeaderSize {
		return nil, ErrShort
	}
	if sig != "" && !hasPrefix(b, sig) {
		return nil, ErrSignature
	}
	n := int(le.U32(b, hdrLength))
	if n < HeaderSize || n > len(b) {
		return nil, ErrLength
	}
	t := b[:n]
	if sum(t) != 0 {
		return t, ErrChecksum
	}
	return t, OK
}

// rootEntrySize returns 8 for an XSDT and 4 for an RSDT.
//
//go:nosplit
func rootEntrySize(xsdt bool) int {
	if xsdt {
		return 8
	}
	return 4
}

// RootEntries returns the number of entries of the root table root (an
// XSDT when xsdt, else an RSDT), as checked by CheckTable: (Length-36)
// divided by the entry size, with Length limited to len(root). Trailing
// bytes that do not make a whole entry are ignored, as ACPICA ignores
// them.
//
//go:nosplit
func RootEntries(root []byte, xsdt bool) int {
	n := int(le.U32(root, hdrLength))
	if n > len(root) {
		n = len(root)
	}
	if n < HeaderSize {
		return 0
	}
	if xsdt {
		return (n - HeaderSize) >> 3
	}
	return (n - HeaderSize) >> 2
}

// RootEntry returns the physical address in entry i of the root table
// root, or 0 when i is out of range. XSDT entries are 64-bit; they need
// not be 8-byte aligned (the header is 36 bytes), and are read bytewise.
//
//go:nosplit
func RootEntry(root []byte, xsdt bool, i int) uint64 {
	if i < 0 || i >= RootEntries(root, xsdt) {
		return 0
	}
	off := HeaderSize + i*rootEntrySize(xsdt)
	if xsdt {
		return le.U64(root, off)
	}
	return uint64(le.U32(root, off))
}
