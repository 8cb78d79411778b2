package firmware

import (
	"bytes"
	"fmt"
	"unicode/utf16"
)

// The EFI system table (UEFI 2.10 §4.3.1) on x86-64: a 24-byte table
// header, then pointers and UINTNs of 8 bytes.
const (
	efiSystemTableSignature = 0x5453595320494249 // "IBI SYST"
	efiSysHeaderSize        = 12                 // UINT32 HeaderSize
	efiSysRevision          = 8                  // UINT32 Revision
	efiSysFirmwareVendor    = 24                 // CHAR16 *FirmwareVendor
	efiSysNumTables         = 104                // UINTN NumberOfTableEntries
	efiSysConfigTable       = 112                // EFI_CONFIGURATION_TABLE *ConfigurationTable
	efiSysSize              = 120
	efiConfigEntrySize      = 24 // EFI_GUID VendorGuid; VOID *VendorTable (§4.6)
	efiMaxVendorChars       = 64
)

// GUIDs of the configuration table entries Probe uses (UEFI 2.10 §4.6.1),
// in their memory layout: Data1 (LE32), Data2 (LE16), Data3 (LE16), Data4.
var (
	guidSMBIOS3 = guid(0xf2fd1544, 0x9794, 0x4a2c, 0x99, 0x2e, 0xe5, 0xbb, 0xcf, 0x20, 0xe3, 0x94)
	guidSMBIOS  = guid(0xeb9d2d31, 0x2d88, 0x11d3, 0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d)
	guidACPI20  = guid(0x8868e871, 0xe4f1, 0x11d3, 0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81)
	guidACPI10  = guid(0xeb9d2d30, 0x2d88, 0x11d3, 0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d)
)

func guid(d1 uint32, d2, d3 uint16, d4 ...byte) [16]byte {
	var g [16]byte
	g[0], g[1], g[2], g[3] = byte(d1), byte(d1>>8), byte(d1>>16), byte(d1>>24)
	g[4], g[5] = byte(d2), byte(d2>>8)
	g[6], g[7] = byte(d3), byte(d3>>8)
	copy(g[8:], d4)
	return g
}

// efi reads the EFI system table at addr and records the SMBIOS and ACPI
// entry points its configuration table lists (the first of each GUID).
// u-root's smbios.SMBIOSBaseEFI and acpi.GetRSDPEFI read Linux's
// /sys/firmware/efi/systab instead, so this walk is done here.
func (p *prober) efi(addr uint64) {
	st, err := p.r.bytes(addr, efiSysSize)
	if err != nil {
		p.fail("EFI system table: %v", err)
		return
	}
	if le64(st, 0) != efiSystemTableSignature {
		p.fail("EFI system table at %#x: bad signature %q", addr, st[:8])
		return
	}
	if hs := le32(st, efiSysHeaderSize); hs < efiSysSize {
		p.fail("EFI system table at %#x: header size %d, want at least %d", addr, hs, efiSysSize)
		return
	}
	// Revision: major << 16 | minor, minor in tenths: 2.70 is (2<<16)|70,
	// printed "2.7" as Linux does; 2.31 is "2.3.1".
	rev := le32(st, efiSysRevision)
	major, minor := rev>>16, rev&0xffff
	p.m.EFIRevision = fmt.Sprintf("%d.%d", major, minor/10)
	if minor%10 != 0 {
		p.m.EFIRevision += fmt.Sprintf(".%d", minor%10)
	}
	if v := le64(st, efiSysFirmwareVendor); v != 0 {
		if b, err := p.r.bytes(v, 2*efiMaxVendorChars); err == nil {
			p.m.EFIVendor = ucs2(b)
		}
	}

	n, at := le64(st, efiSysNumTables), le64(st, efiSysConfigTable)
	if n == 0 || at == 0 {
		p.fail("EFI system table at %#x: no configuration table", addr)
		return
	}
	if n > MaxEFITables {
		p.fail("EFI system table at %#x: %d configuration table entries, searching the first %d", addr, n, MaxEFITables)
		n = MaxEFITables
	}
	ct, err := p.r.bytes(at, int(n)*efiConfigEntrySize)
	if err != nil {
		p.fail("EFI configuration table: %v", err)
		return
	}
	for e := ct; len(e) >= efiConfigEntrySize; e = e[efiConfigEntrySize:] {
		ptr := le64(e, 16)
		var slot *uint64
		switch g := e[:16]; {
		case bytes.Equal(g, guidSMBIOS3[:]):
			slot = &p.efiSMBIOS3
		case bytes.Equal(g, guidSMBIOS[:]):
			slot = &p.efiSMBIOS
		case bytes.Equal(g, guidACPI20[:]):
			slot = &p.efiACPI20
		case bytes.Equal(g, guidACPI10[:]):
			slot = &p.efiACPI10
		default:
			continue
		}
		if *slot == 0 {
			*slot = ptr
		}
	}
}

// ucs2 decodes a NUL-terminated UCS-2 string.
func ucs2(b []byte) string {
	var u []uint16
	for i := 0; i+1 < len(b); i += 2 {
		c := le16(b, i)
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return printable(string(utf16.Decode(u)))
}
