package firmware

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/u-root/u-root/pkg/smbios"
)

// SMBIOS entry points (DMTF DSP0134 3.7 §5.2): the 32-bit one ("_SM_",
// 0x1F bytes) and the 64-bit one ("_SM3_", 0x18 bytes).
const (
	smbios2EntrySize = 0x1f
	smbios3EntrySize = 0x18
	biosAreaStart    = 0xf0000 // §5.2.1: anchors on 16-byte boundaries in 0xF0000-0xFFFFF
	biosAreaSize     = 0x10000
	maxBadAnchors    = 4 // invalid anchors an error lists
)

// smbiosEntry is a checked entry point.
type smbiosEntry struct {
	e32  *smbios.Entry32
	e64  *smbios.Entry64
	at   uint64
	from string
}

// smbios finds the entry point, reads the structure table and fills the
// SMBIOS fields of the Machine.
func (p *prober) smbios() {
	e, ok := p.smbiosEntry()
	if !ok {
		return
	}
	p.m.SMBIOSAt, p.m.SMBIOSFrom = e.at, e.from
	var addr uint64
	var size, count int
	if e.e64 != nil {
		v := e.e64
		p.m.SMBIOSVersion = fmt.Sprintf("%d.%d.%d", v.SMBIOSMajorVersion, v.SMBIOSMinorVersion, v.SMBIOSDocRev)
		// A maximum, not the exact size: the table ends with its type 127
		// structure (§5.2.2).
		addr, size = v.StructTableAddr, int(v.StructMaxSize)
	} else {
		v := e.e32
		p.m.SMBIOSVersion = fmt.Sprintf("%d.%d", v.SMBIOSMajorVersion, v.SMBIOSMinorVersion)
		addr, size, count = uint64(v.StructTableAddr), int(v.StructTableLength), int(v.NumberOfStructs)
	}
	if size == 0 || addr == 0 {
		p.fail("SMBIOS %s entry point at %#x: empty structure table", p.m.SMBIOSVersion, e.at)
		return
	}
	data, err := p.r.bytes(addr, min(size, MaxTable))
	if err != nil {
		p.fail("SMBIOS structure table: %v", err)
		return
	}

	// smbios.ParseInfo would parse the whole buffer, but with a 64-bit
	// entry point the buffer may hold garbage after the end-of-table
	// structure, and ParseInfo does not stop there; so split the table
	// with ParseTable here, stopping at type 127 (or, for a 32-bit entry
	// point, at NumberOfStructs), and keep what was read before a fault.
	info := &smbios.Info{Entry32: e.e32, Entry64: e.e64}
	for rest := data; len(rest) > 0; {
		if count > 0 && len(info.Tables) == count {
			break
		}
		t, next, err := smbios.ParseTable(rest)
		if t == nil {
			p.fail("SMBIOS structure %d at %#x: %v", len(info.Tables), addr+uint64(len(data)-len(rest)), err)
			break
		}
		info.Tables = append(info.Tables, t)
		if t.Type == smbios.TableTypeEndOfTable {
			break
		}
		rest = next
	}
	p.m.SMBIOSTables = len(info.Tables)

	if si, err := info.GetSystemInfo(); err == nil {
		p.m.Vendor, p.m.Product, p.m.Version = dmi(si.Manufacturer), dmi(si.ProductName), dmi(si.Version)
	} else {
		p.fail("SMBIOS system information (type 1): %v", err)
	}
	if bi, err := info.GetBIOSInfo(); err == nil {
		p.m.BIOSVendor, p.m.BIOSVersion, p.m.BIOSDate = dmi(bi.Vendor), dmi(bi.Version), dmi(bi.ReleaseDate)
	}
	if bb, err := info.GetBaseboardInfo(); err == nil && len(bb) > 0 {
		p.boardVendor, p.boardProduct = dmi(bb[0].Manufacturer), dmi(bb[0].Product)
	}
}

// smbiosEntry finds a valid entry point: from the EFI configuration table
// when it lists one, else by scanning the BIOS area. The 64-bit entry
// point is preferred when both kinds are present (§5.2.2: the 32-bit one
// may describe only part of the table).
func (p *prober) smbiosEntry() (smbiosEntry, bool) {
	for _, c := range []struct {
		at  uint64
		sm3 bool
	}{{p.efiSMBIOS3, true}, {p.efiSMBIOS, false}} {
		if c.at == 0 {
			continue
		}
		e, err := p.entryAt(c.at, c.sm3, FromEFI)
		if err == nil {
			return e, true
		}
		p.fail("%v", err)
	}

	area, err := p.r.bytes(biosAreaStart, biosAreaSize)
	if err != nil {
		p.fail("SMBIOS: reading the BIOS area: %v", err)
		return smbiosEntry{}, false
	}
	var found32 *smbiosEntry
	var bad []string
	for off := 0; off+smbios3EntrySize <= len(area); off += 16 {
		b, at := area[off:], uint64(biosAreaStart+off)
		sm3 := bytes.HasPrefix(b, []byte("_SM3_"))
		if !sm3 && (found32 != nil || !bytes.HasPrefix(b, []byte("_SM_"))) {
			continue
		}
		e, err := parseEntry(b, at, sm3, FromBIOS)
		switch {
		case err != nil:
			bad = append(bad, err.Error())
		case sm3:
			return e, true
		default:
			found32 = &e
		}
	}
	if found32 != nil {
		return *found32, true
	}
	where := "0xF0000-0xFFFFF"
	if p.efiSMBIOS3 != 0 || p.efiSMBIOS != 0 {
		where = "the EFI configuration table or " + where
	}
	if len(bad) > maxBadAnchors {
		bad = append(bad[:maxBadAnchors], fmt.Sprintf("%d more", len(bad)-maxBadAnchors))
	}
	if len(bad) > 0 {
		p.fail("SMBIOS: no valid entry point in %s (%s)", where, strings.Join(bad, "; "))
	} else {
		p.fail("SMBIOS: no entry point in %s", where)
	}
	return smbiosEntry{}, false
}

// entryAt reads and checks the entry point at addr.
func (p *prober) entryAt(addr uint64, sm3 bool, from string) (smbiosEntry, error) {
	size := smbios2EntrySize
	if sm3 {
		size = smbios3EntrySize
	}
	b, err := p.r.bytes(addr, size)
	if err != nil {
		return smbiosEntry{}, fmt.Errorf("SMBIOS entry point (%s): %v", from, err)
	}
	return parseEntry(b, addr, sm3, from)
}

// parseEntry checks the entry point at the start of b with u-root's
// Entry64 or Entry32 UnmarshalBinary, the anchor telling which (that is
// what smbios.ParseEntry does by trying both, which garbles its errors).
func parseEntry(b []byte, at uint64, sm3 bool, from string) (smbiosEntry, error) {
	if sm3 {
		var e smbios.Entry64
		if err := e.UnmarshalBinary(b); err != nil {
			return smbiosEntry{}, fmt.Errorf("SMBIOS 3 entry point at %#x (%s): %w", at, from, err)
		}
		return smbiosEntry{e64: &e, at: at, from: from}, nil
	}
	var e smbios.Entry32
	if err := e.UnmarshalBinary(b); err != nil {
		return smbiosEntry{}, fmt.Errorf("SMBIOS 2 entry point at %#x (%s): %w", at, from, err)
	}
	return smbiosEntry{e32: &e, at: at, from: from}, nil
}

// dmi cleans an SMBIOS string as u-root's parsers return it: an unset
// string ("Not Specified", string number 0) or a bad string number
// ("<BAD INDEX>") becomes "".
func dmi(s string) string {
	s = printable(s)
	if s == "Not Specified" || s == "<BAD INDEX>" {
		return ""
	}
	return s
}

// placeholder reports vendor or product strings that board makers leave
// in unconfigured SMBIOS tables.
func placeholder(s string) bool {
	switch strings.ToLower(s) {
	case "", "to be filled by o.e.m.", "system manufacturer", "system product name",
		"default string", "not applicable", "none", "oem", "o.e.m.", "unknown":
		return true
	}
	return false
}

// name picks the display name: SMBIOS system vendor and product, else the
// baseboard's, else the ACPI OEM ID and OEM table ID.
func (p *prober) name() string {
	for _, c := range [][2]string{
		{p.m.Vendor, p.m.Product},
		{p.boardVendor, p.boardProduct},
	} {
		v, prod := c[0], c[1]
		if placeholder(prod) {
			continue
		}
		if placeholder(v) || strings.HasPrefix(strings.ToLower(prod), strings.ToLower(v)) {
			return prod
		}
		return v + " " + prod
	}
	return join(p.oemID, p.oemTableID)
}
