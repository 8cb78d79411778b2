package acpi

import (
	"bytes"
	"encoding/binary"
	"testing"
)

func TestDumpRSDP(t *testing.T) {
	for _, tc := range []struct {
		dump     string
		revision uint8
		rsdt     uint32
		extended bool
		root     uint64
		xsdt     bool
	}{
		{"pc-seabios", 0, 0x7fe1b33, false, 0x7fe1b33, false},
		{"q35-seabios", 0, 0x7fe23e7, false, 0x7fe23e7, false},
		{"pc-ovmf", 2, 0x777d074, true, 0x777d0e8, true},
		{"q35-ovmf", 2, 0x777d074, true, 0x777d0e8, true},
	} {
		t.Run(tc.dump, func(t *testing.T) {
			d := loadDump(t, tc.dump)
			var r RSDP
			// A revision 0 RSDP may be followed by anything: give 36
			// bytes either way, as a boot loader's copy might.
			if err := ParseRSDP(d.read(d.rsdp, RSDPSize2), &r); err != OK {
				t.Fatalf("ParseRSDP: %v", err)
			}
			if r.Revision != tc.revision || r.RSDT != tc.rsdt || r.Extended != tc.extended || r.ExtErr != OK {
				t.Errorf("RSDP = %+v", r)
			}
			if string(r.OEMID[:]) != "BOCHS " {
				t.Errorf("OEMID = %q", r.OEMID)
			}
			if pa, x := r.Root(); pa != tc.root || x != tc.xsdt {
				t.Errorf("Root() = %#x, %v; want %#x, %v", pa, x, tc.root, tc.xsdt)
			}
			// SeaBIOS puts it on a 16-byte boundary in the BIOS area
			// (§5.2.5.1). OVMF's 2.0 RSDP is not on one (it is found
			// through the EFI configuration table), but 20 bytes before
			// it, at the start of the page, is the ACPI 1.0 RSDP that
			// OVMF also installs, with an RSDT of its own at 0x777D000.
			page := d.rsdp &^ 0xfff
			off := FindRSDP(d.read(page, 0x1000))
			want := int(d.rsdp - page)
			if tc.revision == 2 {
				want = 0
			}
			if off != want {
				t.Fatalf("FindRSDP = %#x, want %#x", off, want)
			}
			if tc.revision == 2 {
				var r1 RSDP
				if err := ParseRSDP(d.read(page, RSDPSize2), &r1); err != OK || r1.Revision != 0 || r1.RSDT != 0x777d000 {
					t.Errorf("OVMF's ACPI 1.0 RSDP: %v, %+v", err, r1)
				}
			}
		})
	}
}

// rsdp2 returns a valid 36-byte revision 2 RSDP.
func rsdp2(rsdt uint32, xsdt uint64) []byte {
	b := make([]byte, RSDPSize2)
	copy(b, rsdpSignature)
	copy(b[rsdpOEMID:], "GOKERN")
	b[rsdpRevision] = 2
	binary.LittleEndian.PutUint32(b[rsdpRSDT:], rsdt)
	binary.LittleEndian.PutUint32(b[rsdpLength:], RSDPSize2)
	binary.LittleEndian.PutUint64(b[rsdpXSDT:], xsdt)
	fixSum(b[:RSDPSize1], 8)
	fixSum(b, 32)
	return b
}

func TestParseRSDP(t *testing.T) {
	good := rsdp2(0x1000, 0x2000)
	edit := func(f func(b []byte)) []byte {
		b := bytes.Clone(good)
		f(b)
		return b
	}
	for _, tc := range []struct {
		name     string
		b        []byte
		err      Error
		extended bool
		extErr   Error
		root     uint64
	}{
		{"v2", good, OK, true, OK, 0x2000},
		{"v2 no XSDT address", rsdp2(0x1000, 0), OK, true, OK, 0x1000},
		{"v2 cut to 20 bytes", good[:RSDPSize1], OK, false, ErrShort, 0x1000},
		{"v2 bad extended checksum", edit(func(b []byte) { b[33]++ }), OK, false, ErrChecksum, 0x1000},
		{"v2 Length 20", edit(func(b []byte) {
			binary.LittleEndian.PutUint32(b[rsdpLength:], 20)
			fixSum(b, 32)
		}), OK, false, ErrLength, 0x1000},
		{"v2 Length past the bytes", edit(func(b []byte) {
			binary.LittleEndian.PutUint32(b[rsdpLength:], 0xFFFFFFFF)
			fixSum(b, 32)
		}), OK, false, ErrLength, 0x1000},
		{"v0 ignores the extension", edit(func(b []byte) {
			b[rsdpRevision] = 0
			fixSum(b[:RSDPSize1], 8)
		}), OK, false, OK, 0x1000},
		{"bad checksum", edit(func(b []byte) { b[16]++ }), ErrChecksum, false, OK, 0},
		{"bad signature", edit(func(b []byte) { b[0] = 'r' }), ErrSignature, false, OK, 0},
		{"short", good[:19], ErrShort, false, OK, 0},
		{"empty", nil, ErrShort, false, OK, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r RSDP
			err := ParseRSDP(tc.b, &r)
			if err != tc.err || r.Extended != tc.extended || r.ExtErr != tc.extErr {
				t.Fatalf("ParseRSDP = %v, %+v; want %v, Extended %v, ExtErr %v", err, r, tc.err, tc.extended, tc.extErr)
			}
			if pa, _ := r.Root(); pa != tc.root {
				t.Errorf("Root() = %#x, want %#x", pa, tc.root)
			}
		})
	}
	if ParseRSDP(good, nil) != ErrNilArgument {
		t.Error("ParseRSDP(nil out) did not fail")
	}
}

func TestFindRSDP(t *testing.T) {
	area := make([]byte, 0x100)
	copy(area[0x23:], rsdp2(1, 2)) // not on a 16-byte boundary
	bad := rsdp2(3, 4)
	bad[16]++
	copy(area[0x40:], bad) // bad checksum
	copy(area[0x70:], "RSD PTR ")
	if off := FindRSDP(area); off != -1 {
		t.Fatalf("FindRSDP = %#x, want -1", off)
	}
	copy(area[0xe0:], rsdp2(5, 6)) // the last 32 bytes: a 20-byte one
	if off := FindRSDP(area); off != 0xe0 {
		t.Fatalf("FindRSDP = %#x, want 0xe0", off)
	}
	var r RSDP
	if ParseRSDP(area[0xe0:], &r); r.RSDT != 5 || r.ExtErr != ErrShort {
		t.Errorf("RSDP at the end = %+v", r)
	}
	if FindRSDP(nil) != -1 || FindRSDP(area[:19]) != -1 {
		t.Error("FindRSDP found one in too few bytes")
	}
}
