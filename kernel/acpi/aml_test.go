package acpi

import (
	"bytes"
	"testing"
)

func TestDumpS5(t *testing.T) {
	// QEMU 7.2 defines Name (_S5, Package (0x04) { Zero, Zero, Zero,
	// Zero }) on both machines: SLP_TYP 0 powers the PIIX4 and ICH9 off.
	for _, name := range dumps {
		t.Run(name, func(t *testing.T) {
			d := loadDump(t, name)
			dsdt := d.mustTable(t, SigDSDT)
			if !bytes.Contains(dsdt, []byte{0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0}) {
				t.Fatal("the DSDT does not hold the expected bytes")
			}
			if a, b, err := FindS5(dsdt); a != 0 || b != 0 || err != OK {
				t.Errorf("FindS5 = %d, %d, %v", a, b, err)
			}
		})
	}
}

// dsdt wraps AML in a DSDT header.
func dsdt(aml ...[]byte) []byte { return mkTable(SigDSDT, 2, aml...) }

func TestFindS5(t *testing.T) {
	scope := []byte{0x10, 0x08, '\\', '_', 'S', 'B', '_', 0xA3} // Scope (\_SB) { Noop }, decoys before
	for _, tc := range []struct {
		name string
		t    []byte
		a, b uint8
		err  Error
	}{
		{"ZeroOp and OneOp", dsdt(scope, []byte{0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x03, 0x01, 0x00, 0x00}), 1, 0, OK},
		{"BytePrefix", dsdt([]byte{0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0A, 0x07, 0x0A, 0x05, 0x00, 0x00}), 7, 5, OK},
		{"root prefix", dsdt([]byte{0x08, '\\', '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0A, 0x05, 0x0A, 0x05}), 5, 5, OK},
		{"WordPrefix, DWordPrefix", dsdt([]byte{0x08, '_', 'S', '5', '_', 0x12, 0x0A, 0x02, 0x0B, 0x07, 0x01, 0x0C, 0x06, 0, 0, 0}), 7, 6, OK},
		{"QWordPrefix, OnesOp", dsdt([]byte{0x08, '_', 'S', '5', '_', 0x12, 0x0C, 0x02, 0x0E, 3, 0, 0, 0, 0, 0, 0, 0, 0xFF}), 3, 0xFF, OK},
		{"one element holds both", dsdt([]byte{0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x01, 0x0B, 0x07, 0x06}), 7, 6, OK},
		{"two-byte PkgLength", dsdt([]byte{0x08, '_', 'S', '5', '_', 0x12, 0x40, 0x04, 0x40, 0x0A, 0x07, 0x0A, 0x07}, make([]byte, 0x40-6)), 7, 7, OK},
		{"a reference first, then the definition", dsdt(
			[]byte{0x70, '_', 'S', '5', '_', 0x60}, // Store (_S5, Local0)
			[]byte{0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01, 0x01}), 1, 1, OK},
		{"SSDT", mkTable(SigSSDT, 2, []byte{0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01, 0x00}), 1, 0, OK},
		{"bad checksum: still found", func() []byte {
			b := dsdt([]byte{0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01, 0x00})
			b[9]++
			return b
		}(), 1, 0, ErrChecksum},

		{"a method whose PkgLength is 8, then the package", dsdt(
			[]byte{0x14, 0x08, '_', 'S', '5', '_', 0x00, 0xA4, 0x00, 0xA3},
			[]byte{0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0A, 0x05, 0x00}), 5, 0, OK},
		{"a method", dsdt([]byte{0x14, 0x0A, '_', 'S', '5', '_', 0x00, 0xA4, 0x12, 0x04, 0x02, 0x00, 0x00}), 0, 0, ErrNotFound},
		{"no _S5", dsdt(scope), 0, 0, ErrNotFound},
		{"empty AML", dsdt(), 0, 0, ErrNotFound},
		{"_S5_ at the very start", dsdt([]byte{'_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x00, 0x00}), 0, 0, ErrNotFound},
		{"not a package", dsdt([]byte{0x08, '_', 'S', '5', '_', 0x0A, 0x05}), 0, 0, ErrAML},
		{"NameOp at the end", dsdt([]byte{0x08, '_', 'S', '5', '_'}), 0, 0, ErrAML},
		{"no PkgLength", dsdt([]byte{0x08, '_', 'S', '5', '_', 0x12}), 0, 0, ErrAML},
		{"PkgLength past the table", dsdt([]byte{0x08, '_', 'S', '5', '_', 0x12, 0x3F, 0x02, 0x00, 0x00}), 0, 0, ErrAML},
		{"PkgLength 0", dsdt([]byte{0x08, '_', 'S', '5', '_', 0x12, 0x00, 0x02, 0x00, 0x00}), 0, 0, ErrAML},
		{"PkgLength 1: no element count", dsdt([]byte{0x08, '_', 'S', '5', '_', 0x12, 0x01, 0x02, 0x00, 0x00}), 0, 0, ErrAML},
		{"PkgLength lead byte with bits 5-4 set", dsdt([]byte{0x08, '_', 'S', '5', '_', 0x12, 0x74, 0x00, 0x02, 0x00, 0x00}), 0, 0, ErrAML},
		{"PkgLength cut", dsdt([]byte{0x08, '_', 'S', '5', '_', 0x12, 0xC4}), 0, 0, ErrAML},
		{"no elements", dsdt([]byte{0x08, '_', 'S', '5', '_', 0x12, 0x02, 0x00}), 0, 0, ErrAML},
		{"count 2, one element inside", dsdt([]byte{0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x02, 0x01, 0x01}), 0, 0, ErrAML},
		{"a name element", dsdt([]byte{0x08, '_', 'S', '5', '_', 0x12, 0x07, 0x02, 'S', 'L', 'P', 'A', 0x00}), 0, 0, ErrAML},
		{"BytePrefix cut by the package", dsdt([]byte{0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x00, 0x0A, 0x05}), 0, 0, ErrAML},
		{"a string element", dsdt([]byte{0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0D, 'x', 0x00, 0x00}), 0, 0, ErrAML},

		{"not a definition block", mkTable(SigFADT, 1, []byte{0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01, 0x00}), 0, 0, ErrSignature},
		{"truncated table", dsdt([]byte{0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01, 0x00})[:40], 0, 0, ErrLength},
		{"nil", nil, 0, 0, ErrShort},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b, err := FindS5(tc.t)
			if a != tc.a || b != tc.b || err != tc.err {
				t.Errorf("FindS5 = %d, %d, %v; want %d, %d, %v", a, b, err, tc.a, tc.b, tc.err)
			}
		})
	}
}

func TestPkgLength(t *testing.T) {
	for _, tc := range []struct {
		b       []byte
		n, size int
	}{
		{[]byte{0x00}, 0, 1},
		{[]byte{0x3F}, 0x3F, 1},
		{[]byte{0x4A, 0x12}, 0x12A, 2},
		{[]byte{0x8F, 0x34, 0x12}, 0x1234F, 3},
		{[]byte{0xC1, 0x32, 0x54, 0x76}, 0x7654321, 4},
		{[]byte{0x50, 0x12}, 0, 0}, // bits 5-4 set with following bytes
		{[]byte{0x81, 0x12}, 0, 0}, // one byte short
		{nil, 0, 0},
	} {
		if n, size := pkgLength(tc.b); n != tc.n || size != tc.size {
			t.Errorf("pkgLength(% x) = %#x, %d; want %#x, %d", tc.b, n, size, tc.n, tc.size)
		}
	}
}
