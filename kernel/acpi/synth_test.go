package acpi

import "encoding/binary"

// Builders of synthetic tables for the corruption and edge-case tests.

// mkTable returns a table with signature sig, revision rev and body after
// the header, with a correct Length and checksum.
func mkTable(sig string, rev byte, body ...[]byte) []byte {
	b := make([]byte, HeaderSize)
	copy(b, sig)
	b[hdrRevision] = rev
	copy(b[hdrOEMID:], "GOKERN")
	copy(b[hdrOEMTableID:], "TESTTABL")
	for _, p := range body {
		b = append(b, p...)
	}
	binary.LittleEndian.PutUint32(b[hdrLength:], uint32(len(b)))
	fixSum(b, 9)
	return b
}

// reseal recomputes t's Length and checksum after an edit.
func reseal(t []byte) []byte {
	binary.LittleEndian.PutUint32(t[hdrLength:], uint32(len(t)))
	fixSum(t, 9)
	return t
}

func u16b(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func u32b(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func u64b(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// MADT entries (§5.2.12).
func eLAPIC(uid, id uint8, flags uint32) []byte {
	return cat([]byte{0, 8, uid, id}, u32b(flags))
}
func eIOAPIC(id uint8, addr, gsi uint32) []byte {
	return cat([]byte{1, 12, id, 0}, u32b(addr), u32b(gsi))
}
func eOverride(bus, src uint8, gsi uint32, flags uint16) []byte {
	return cat([]byte{2, 10, bus, src}, u32b(gsi), u16b(flags))
}
func eNMISource(flags uint16, gsi uint32) []byte {
	return cat([]byte{3, 8}, u16b(flags), u32b(gsi))
}
func eLAPICNMI(uid uint8, flags uint16, lint uint8) []byte {
	return cat([]byte{4, 6, uid}, u16b(flags), []byte{lint})
}
func eLAPICAddr(addr uint64) []byte {
	return cat([]byte{5, 12, 0, 0}, u64b(addr))
}
func eX2APIC(id, flags, uid uint32) []byte {
	return cat([]byte{9, 16, 0, 0}, u32b(id), u32b(flags), u32b(uid))
}
func eX2APICNMI(flags uint16, uid uint32, lint uint8) []byte {
	return cat([]byte{10, 12}, u16b(flags), u32b(uid), []byte{lint, 0, 0, 0})
}

// mkMADT returns a MADT of revision rev with the QEMU local APIC address
// and PCAT_COMPAT, and the entries.
func mkMADT(rev byte, entries ...[]byte) []byte {
	return mkTable(SigMADT, rev, append([][]byte{u32b(0xFEE00000), u32b(1)}, entries...)...)
}
