package acpi

import "gokernel/kernel/le"

// The Root System Description Pointer (ACPI 6.5 §5.2.5.3, Table 5.3). The
// first 20 bytes are the ACPI 1.0 structure, whose checksum covers them;
// revision 2 and later add a Length, the XSDT address and an extended
// checksum over Length (36) bytes.
const (
	RSDPSize1 = 20 // revision 0
	RSDPSize2 = 36 // revision 2 and later

	rsdpSignature = "RSD PTR "
	rsdpOEMID     = 9
	rsdpRevision  = 15
	rsdpRSDT      = 16
	rsdpLength    = 20
	rsdpXSDT      = 24
)

// RSDP is a checked RSDP.
type RSDP struct {
	Revision uint8   // 0 for ACPI 1.0, 2 for ACPI 2.0 and later
	OEMID    [6]byte // as stored, padded with spaces or NULs
	RSDT     uint32  // physical address of the RSDT; may be 0 from revision 2 on
	// XSDT is the physical address of the XSDT, set only when Extended.
	XSDT uint64
	// Extended reports that the 36-byte form was present and valid:
	// revision >= 2, Length 36 or more, and the extended checksum zero.
	Extended bool
	// ExtErr says why a revision >= 2 RSDP was taken as a 20-byte one
	// (RSDT only): ErrShort (fewer than 36 bytes given), ErrLength (its
	// Length field below 36 or past the bytes given) or ErrChecksum (the
	// extended checksum). OK otherwise. Linux does the same (it falls
	// back to the RSDT when the XSDT cannot be used).
	ExtErr Error
}

// ParseRSDP checks the RSDP at the start of b (the signature "RSD PTR "
// and the checksum of the first 20 bytes) and fills r. A revision >= 2
// RSDP whose extended part is missing or bad is still OK, with Extended
// false and the reason in ExtErr. b may be longer than the RSDP: the
// loader's copy (multiboot2 tags 14/15), or a view into the BIOS area.
//
//go:nosplit
func ParseRSDP(b []byte, r *RSDP) Error {
	if r == nil {
		return ErrNilArgument
	}
	*r = RSDP{}
	if len(b) < RSDPSize1 {
		return ErrShort
	}
	if !hasPrefix(b, rsdpSignature) {
		return ErrSignature
	}
	if sum(b[:RSDPSize1]) != 0 {
		return ErrChecksum
	}
	r.Revision = b[rsdpRevision]
	for i := range r.OEMID {
		r.OEMID[i] = le.U8(b, rsdpOEMID+i)
	}
	r.RSDT = le.U32(b, rsdpRSDT)
	if r.Revision < 2 {
		return OK
	}
	if len(b) < RSDPSize2 {
		r.ExtErr = ErrShort
		return OK
	}
	n := int(le.U32(b, rsdpLength))
	if n < RSDPSize2 || n > len(b) {
		r.ExtErr = ErrLength
		return OK
	}
	if sum(b[:n]) != 0 {
		r.ExtErr = ErrChecksum
		return OK
	}
	r.XSDT = le.U64(b, rsdpXSDT)
	r.Extended = true
	return OK
}

// Root returns the physical address of the root table to walk and
// whether it is an XSDT (8-byte entries) rather than an RSDT (4-byte
// entries): the XSDT when there is one, as §5.2.5.3 tells an OS to, else
// the RSDT. It returns 0 when there is neither.
//
//go:nosplit
func (r *RSDP) Root() (pa uint64, xsdt bool) {
	if r.Extended && r.XSDT != 0 {
		return r.XSDT, true
	}
	return uint64(r.RSDT), false
}

// FindRSDP returns the offset in area of the first valid RSDP (one that
// ParseRSDP accepts) on a 16-byte boundary, or -1. §5.2.5.1 says where a
// legacy BIOS puts it: on a 16-byte boundary in the first KiB of the EBDA
// or in 0xE0000-0xFFFFF; area must start at a 16-byte aligned address
// for the offsets to be those boundaries. An RSDP in the last 35 bytes of
// area is found but may come back with ExtErr == ErrShort: parse it
// again from a longer view.
//
//go:nosplit
func FindRSDP(area []byte) int {
	var r RSDP
	for off, b := 0, area; len(b) >= RSDPSize1; off, b = off+16, b[16:] {
		if ParseRSDP(b, &r) == OK {
			return off
		}
	}
	return -1
}
