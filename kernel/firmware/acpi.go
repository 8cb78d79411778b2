package firmware

import (
	"bytes"
	"fmt"

	"github.com/u-root/u-root/pkg/acpi"
	"github.com/u-root/u-root/pkg/boot/ebda"
)

// ACPI structures (ACPI 6.5): the RSDP (§5.2.5.3), the system description
// table header (§5.2.6), the FADT fields read here (§5.2.9, Table 5.9).
const (
	rsdpSize1         = 20 // ACPI 1.0 RSDP: checksum covers these
	rsdpSize2         = 36 // ACPI 2.0+ RSDP: extended checksum covers Length bytes
	rsdpOEMID         = 9
	rsdpRevision      = 15
	rsdpRSDT          = 16
	rsdpLength        = 20
	rsdpXSDT          = 24
	headerSize        = 36
	headerLength      = 4
	headerRevision    = 8
	headerOEMID       = 10
	headerOEMTableID  = 16
	fadtFirmwareCtrl  = 36  // FIRMWARE_CTRL: 32-bit FACS address
	fadtDSDT          = 40  // DSDT: 32-bit DSDT address
	fadtIAPCBootArch  = 109 // IAPC_BOOT_ARCH, 2 bytes (§5.2.9.3)
	fadtXFirmwareCtrl = 132 // X_FIRMWARE_CTRL: 64-bit FACS address
	fadtXDSDT         = 140 // X_DSDT: 64-bit DSDT address
	bootArch8042      = 1 << 1
	facsMinSize       = 64 // §5.2.10: the FACS has no checksum; Length >= 64

	ebdaScanSize  = 1 << 10 // §5.2.5.1: the EBDA's first KiB
	biosROMStart  = 0xe0000 // §5.2.5.1: 0xE0000-0xFFFFF
	biosROMSize   = 0x20000
	ebdaLowLimit  = 0x400   // a plausible EBDA lies above the BDA ...
	ebdaHighLimit = 0xa0000 // ... and below the VGA hole
	rsdpSignature = "RSD PTR "
)

// rsdp is a checked RSDP.
type rsdp struct {
	b    []byte // 20 or 36 bytes
	at   uint64 // 0 for the loader's copy
	from string
}

func (r rsdp) revision() int { return int(r.b[rsdpRevision]) }

// checkRSDP reports whether b starts with a valid RSDP and returns it cut
// to its size: 20 bytes for revision 0, 36 when the revision is 2 or more
// and the extended checksum holds. An ACPI 2.0 RSDP whose extended part is
// bad or missing is kept as a 1.0 one (RSDT only), with a note.
func checkRSDP(b []byte) ([]byte, string, bool) {
	if len(b) < rsdpSize1 || string(b[:8]) != rsdpSignature || checksum(b[:rsdpSize1]) != 0 {
		return nil, "", false
	}
	if b[rsdpRevision] < 2 {
		return b[:rsdpSize1], "", true
	}
	if len(b) < rsdpSize2 {
		return b[:rsdpSize1], "revision 2 RSDP cut to 20 bytes; using the RSDT", true
	}
	if n := le32(b, rsdpLength); n != rsdpSize2 {
		return b[:rsdpSize1], fmt.Sprintf("RSDP length %d, want %d; using the RSDT", n, rsdpSize2), true
	}
	if checksum(b[:rsdpSize2]) != 0 {
		return b[:rsdpSize1], "RSDP extended checksum mismatch; using the RSDT", true
	}
	return b[:rsdpSize2], "", true
}

// acpi finds the RSDP and reads the tables.
func (p *prober) acpi(loaderRSDP []byte) {
	r, ok := p.findRSDP(loaderRSDP)
	if !ok {
		return
	}
	p.m.ACPIRevision = r.revision()
	p.m.RSDPAt, p.m.RSDPFrom = r.at, r.from
	p.m.OEMID = cstr(r.b[rsdpOEMID : rsdpOEMID+6])

	// ACPI 6.5 §5.2.5.3: an OS uses the XSDT when there is one. (u-root's
	// RSDP.SDTAddr returns the RSDT whenever its address is set, and
	// acpi.RSDP can only be read from /dev/mem, so the choice is made
	// here.)
	type root struct {
		sig  string
		addr uint64
	}
	var roots []root
	if len(r.b) >= rsdpSize2 {
		if x := le64(r.b, rsdpXSDT); x != 0 {
			roots = append(roots, root{"XSDT", x})
		}
	}
	if a := le32(r.b, rsdpRSDT); a != 0 {
		roots = append(roots, root{"RSDT", uint64(a)})
	}
	if len(roots) == 0 {
		p.fail("ACPI: the RSDP gives neither an XSDT nor an RSDT address")
		return
	}
	var sdt *acpi.SDT
	for _, root := range roots {
		t, err := p.table(root.addr, root.sig)
		if err != nil {
			p.fail("ACPI %s: %v", root.sig, err)
			continue
		}
		s, err := acpi.NewSDT(t, int64(root.addr))
		if err != nil {
			p.fail("ACPI %s at %#x: %v", root.sig, root.addr, err)
			continue
		}
		sdt = s
		p.m.Root = root.sig
		p.oemID = cstr(t.Data()[headerOEMID : headerOEMID+6])
		p.oemTableID = cstr(t.Data()[headerOEMTableID : headerOEMTableID+8])
		break
	}
	if sdt == nil {
		return
	}
	addrs := sdt.Addrs
	if len(addrs) > MaxACPITables {
		p.fail("ACPI %s lists %d tables; reading the first %d", p.m.Root, len(addrs), MaxACPITables)
		addrs = addrs[:MaxACPITables]
	}
	seen := map[uint64]bool{}
	for _, a := range addrs {
		addr := uint64(a)
		if addr == 0 || seen[addr] {
			continue
		}
		seen[addr] = true
		t, err := p.table(addr, "")
		if err != nil {
			p.fail("ACPI %s entry: %v", p.m.Root, err)
			continue
		}
		p.m.Tables = append(p.m.Tables, t.Sig())
		if t.Sig() == "FACP" && !p.haveFADT {
			p.haveFADT = true
			p.fadt(t, seen)
		}
	}
	if !p.haveFADT {
		p.fail("ACPI: no FADT (FACP) in the %s", p.m.Root)
	}
}

// findRSDP returns the first valid RSDP among: the loader's copy, the EFI
// configuration table's, the EBDA's first KiB, 0xE0000-0xFFFFF.
func (p *prober) findRSDP(loader []byte) (rsdp, bool) {
	use := func(b []byte, at uint64, from string) (rsdp, bool) {
		c, note, ok := checkRSDP(b)
		if !ok {
			return rsdp{}, false
		}
		if note != "" {
			p.fail("ACPI RSDP (%s): %s", from, note)
		}
		return rsdp{b: c, at: at, from: from}, true
	}
	if len(loader) > 0 {
		if r, ok := use(loader, 0, FromBootInfo); ok {
			return r, true
		}
		p.fail("ACPI: the boot loader's RSDP copy is invalid (signature or checksum)")
	}
	for _, at := range []uint64{p.efiACPI20, p.efiACPI10} {
		if at == 0 {
			continue
		}
		b, err := p.r.bytes(at, rsdpSize2)
		if err != nil {
			// An ACPI 1.0 RSDP may end 20 bytes in, at the end of memory.
			b, err = p.r.bytes(at, rsdpSize1)
		}
		if err != nil {
			p.fail("ACPI RSDP from EFI: %v", err)
			continue
		}
		if r, ok := use(b, at, FromEFI); ok {
			return r, true
		}
		p.fail("ACPI: no valid RSDP at %#x (from EFI)", at)
	}

	// Scan the EBDA's first KiB (its segment is the word at 0x40E), then
	// the BIOS read-only area, on 16-byte boundaries (§5.2.5.1).
	type area struct {
		start uint64
		data  []byte
		from  string
	}
	var areas []area
	if e, err := ebda.ReadEBDA(&seeker{r: p.r}); err == nil && e.BaseOffset >= ebdaLowLimit && e.BaseOffset < ebdaHighLimit {
		areas = append(areas, area{uint64(e.BaseOffset), e.Data[:min(len(e.Data), ebdaScanSize)], FromEBDA})
	}
	if d, err := p.r.bytes(biosROMStart, biosROMSize); err == nil {
		areas = append(areas, area{biosROMStart, d, FromBIOS})
	} else {
		p.fail("ACPI: reading 0xE0000-0xFFFFF: %v", err)
	}
	for _, a := range areas {
		for off := 0; off+rsdpSize1 <= len(a.data); off += 16 {
			if !bytes.HasPrefix(a.data[off:], []byte(rsdpSignature)) {
				continue
			}
			at := a.start + uint64(off)
			b := a.data[off:]
			if len(b) < rsdpSize2 { // at the end of the area: read the rest
				if bb, err := p.r.bytes(at, rsdpSize2); err == nil {
					b = bb
				}
			}
			if r, ok := use(b, at, a.from); ok {
				return r, true
			}
		}
	}
	p.fail("ACPI: no RSDP (none from the boot loader or EFI; none in the EBDA or 0xE0000-0xFFFFF)")
	return rsdp{}, false
}

// table reads the ACPI table at addr and returns it as a u-root
// acpi.Table. It checks the header first (u-root's acpi.NewRaw loops
// forever on a zero length, and the Raw tables it makes from a length
// below the header size panic in Sig and TableData) and
// that the signature is want, when want is set, or else plausible (four
// printable ASCII characters). A checksum mismatch is reported but the
// table is still returned, as Linux uses such tables too.
func (p *prober) table(addr uint64, want string) (acpi.Table, error) {
	h, err := p.r.bytes(addr, headerSize)
	if err != nil {
		return nil, err
	}
	sig := string(h[:4])
	if want != "" && sig != want {
		return nil, fmt.Errorf("at %#x: signature %q, want %q", addr, sig, want)
	}
	for _, c := range h[:4] {
		if c < 0x20 || c > 0x7e {
			return nil, fmt.Errorf("at %#x: bad signature %q", addr, sig)
		}
	}
	n := le32(h, headerLength)
	if n < headerSize || n > MaxTable {
		return nil, fmt.Errorf("%s at %#x: length %d", sig, addr, n)
	}
	b, err := p.r.bytes(addr, int(n))
	if err != nil {
		return nil, fmt.Errorf("%s at %#x: %v", sig, addr, err)
	}
	if checksum(b) != 0 {
		p.fail("ACPI %s at %#x: checksum mismatch", sig, addr)
	}
	ts, err := acpi.NewRaw(b)
	if err != nil || len(ts) != 1 {
		return nil, fmt.Errorf("%s at %#x: %v", sig, addr, err)
	}
	return ts[0], nil
}

// fadt reads the FADT's boot architecture flags and follows its DSDT and
// FACS pointers, listing those tables after it.
func (p *prober) fadt(t acpi.Table, seen map[uint64]bool) {
	b := t.Data()
	p.m.FADTRevision = int(t.Revision())
	// IAPC_BOOT_ARCH is reserved in the ACPI 1.0 FADT (revision 1) and
	// defined from ACPI 2.0 (revision 3); Linux reads it from revision 2,
	// the ACPI 1.0b-era FADT, on, and so does this.
	if t.Revision() >= 2 && len(b) >= fadtIAPCBootArch+2 {
		p.m.IAPCBootArch = le16(b, fadtIAPCBootArch)
		p.m.Know8042 = true
		p.m.Has8042 = p.m.IAPCBootArch&bootArch8042 != 0
	}

	// The 64-bit pointers win when set (§5.2.9: X_DSDT, X_FIRMWARE_CTRL).
	if len(b) < fadtDSDT+4 {
		p.fail("ACPI FADT: %d bytes, too short for its DSDT pointer", len(b))
		return
	}
	dsdt := uint64(le32(b, fadtDSDT))
	if len(b) >= fadtXDSDT+8 && le64(b, fadtXDSDT) != 0 {
		dsdt = le64(b, fadtXDSDT)
	}
	facs := uint64(le32(b, fadtFirmwareCtrl))
	if len(b) >= fadtXFirmwareCtrl+8 && le64(b, fadtXFirmwareCtrl) != 0 {
		facs = le64(b, fadtXFirmwareCtrl)
	}
	if dsdt != 0 && !seen[dsdt] {
		seen[dsdt] = true
		if _, err := p.table(dsdt, "DSDT"); err != nil {
			p.fail("ACPI DSDT (from the FADT): %v", err)
		} else {
			p.m.Tables = append(p.m.Tables, "DSDT")
		}
	}
	// The FACS has a signature and a length but no checksum (§5.2.10).
	if facs != 0 && !seen[facs] {
		seen[facs] = true
		h, err := p.r.bytes(facs, 8)
		switch {
		case err != nil:
			p.fail("ACPI FACS (from the FADT): %v", err)
		case string(h[:4]) != "FACS" || le32(h, 4) < facsMinSize:
			p.fail("ACPI FACS at %#x (from the FADT): signature %q, length %d", facs, h[:4], le32(h, 4))
		default:
			p.m.Tables = append(p.m.Tables, "FACS")
		}
	}
}
