package acpi

import (
	"bytes"
	"encoding/binary"
	"testing"
)

func TestCheckTable(t *testing.T) {
	good := mkTable("TEST", 1, []byte{1, 2, 3, 4})
	edit := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	setLen := func(n uint32) []byte {
		return edit(func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[hdrLength:], n)
			fixSum(b, 9)
			return b
		})
	}
	for _, tc := range []struct {
		name string
		b    []byte
		sig  string
		err  Error
		n    int // length of the returned table; -1 for nil
	}{
		{"ok", good, "TEST", OK, 40},
		{"any signature", good, "", OK, 40},
		{"trailing bytes are cut", append(bytes.Clone(good), 9, 9), "TEST", OK, 40},
		{"wrong signature", good, "APIC", ErrSignature, -1},
		{"bad checksum", edit(func(b []byte) []byte { b[37]++; return b }), "TEST", ErrChecksum, 40},
		{"Length past the bytes", setLen(41), "TEST", ErrLength, -1},
		{"Length below the header", setLen(35), "TEST", ErrLength, -1},
		{"Length 0", setLen(0), "TEST", ErrLength, -1},
		{"Length 36", setLen(36), "", ErrChecksum, 36}, // the checksum was fixed over 40 bytes
		{"truncated", good[:39], "TEST", ErrLength, -1},
		{"shorter than a header", good[:35], "TEST", ErrShort, -1},
		{"empty", nil, "", ErrShort, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := CheckTable(tc.b, tc.sig)
			if err != tc.err || (b == nil) != (tc.n < 0) || (b != nil && len(b) != tc.n) {
				t.Errorf("CheckTable = %d bytes, %v; want %d, %v", len(b), err, tc.n, tc.err)
			}
		})
	}
}

func TestParseHeader(t *testing.T) {
	d := loadDump(t, "q35-ovmf")
	var h Header
	if err := ParseHeader(d.mustTable(t, SigMADT), &h); err != OK {
		t.Fatal(err)
	}
	want := Header{Signature: [4]byte{'A', 'P', 'I', 'C'}, Length: 144, Revision: 1,
		OEMID: [6]byte{'B', 'O', 'C', 'H', 'S', ' '}, OEMTableID: [8]byte{'B', 'X', 'P', 'C', ' ', ' ', ' ', ' '},
		OEMRevision: 1, CreatorID: [4]byte{'B', 'X', 'P', 'C'}, CreatorRevision: 1}
	if h != want {
		t.Errorf("ParseHeader =\n%+v\nwant\n%+v", h, want)
	}
	if ParseHeader(make([]byte, 35), &h) != ErrShort || ParseHeader(make([]byte, 36), &h) != ErrLength {
		t.Error("ParseHeader accepted a short buffer or a zero Length")
	}
	if ParseHeader(nil, nil) != ErrNilArgument {
		t.Error("ParseHeader(nil out) did not fail")
	}
}

func TestRootEntries(t *testing.T) {
	rsdt := mkTable(SigRSDT, 1, u32b(0x1000), u32b(0x2000), []byte{0xAA, 0xBB}) // 2 trailing bytes
	xsdt := mkTable(SigXSDT, 1, u64b(0x1_0000_1000), u64b(0x3000), u32b(7))     // 4 trailing bytes
	for _, tc := range []struct {
		name string
		root []byte
		x    bool
		want []uint64
	}{
		{"RSDT", rsdt, false, []uint64{0x1000, 0x2000}},
		{"XSDT", xsdt, true, []uint64{0x1_0000_1000, 0x3000}},
		{"RSDT cut short of its Length", rsdt[:43], false, []uint64{0x1000}},
		{"header only", rsdt[:36], false, nil},
		{"too short for a header", rsdt[:20], false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := RootEntries(tc.root, tc.x)
			var got []uint64
			for i := 0; i < n; i++ {
				got = append(got, RootEntry(tc.root, tc.x, i))
			}
			if !equal(got, tc.want) {
				t.Errorf("entries = %#x, want %#x", got, tc.want)
			}
			if RootEntry(tc.root, tc.x, -1) != 0 || RootEntry(tc.root, tc.x, n) != 0 {
				t.Error("RootEntry out of range is not 0")
			}
		})
	}
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
