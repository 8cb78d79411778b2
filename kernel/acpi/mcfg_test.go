package acpi

import (
	"testing"
)

func TestDumpMCFG(t *testing.T) {
	for _, name := range []string{"q35-seabios", "q35-ovmf"} {
		t.Run(name, func(t *testing.T) {
			var m MCFG
			if err := ParseMCFG(loadDump(t, name).mustTable(t, SigMCFG), &m); err != OK {
				t.Fatal(err)
			}
			if m.N != 1 || m.Dropped != 0 || m.ECAM[0] != (ECAM{Base: 0xb0000000, Segment: 0, StartBus: 0, EndBus: 255}) {
				t.Errorf("MCFG = %d %+v", m.N, m.ECAM[:m.N])
			}
			if a, ok := m.ECAM[0].ConfigAddr(0, 31, 3, 0x10); a != 0xb00fb010 || !ok {
				t.Errorf("ConfigAddr(0, 31, 3, 0x10) = %#x, %v", a, ok)
			}
		})
	}
	// The i440FX machine has no PCI Express, so no MCFG.
	for _, name := range []string{"pc-seabios", "pc-ovmf"} {
		if loadDump(t, name).table(SigMCFG) != nil {
			t.Errorf("%s has an MCFG", name)
		}
	}
}

func mcfgEntry(base uint64, seg uint16, start, end uint8) []byte {
	return cat(u64b(base), u16b(seg), []byte{start, end, 0, 0, 0, 0})
}

func TestParseMCFG(t *testing.T) {
	var m MCFG
	b := mkTable(SigMCFG, 1, make([]byte, 8),
		mcfgEntry(0xe0000000, 0, 0, 0x3f),
		mcfgEntry(0x1_0000_0000, 1, 0x80, 0xff),
		mcfgEntry(0xf0000000, 2, 9, 3), // EndBus below StartBus: kept, but has no bus
		[]byte{1, 2, 3})                // trailing bytes: ignored
	if err := ParseMCFG(b, &m); err != OK || m.N != 3 {
		t.Fatalf("ParseMCFG = %v, %d", err, m.N)
	}
	for _, tc := range []struct {
		e            ECAM
		bus, dev, fn uint8
		off          uint16
		addr         uint64
		ok           bool
	}{
		{m.ECAM[0], 0, 0, 0, 0, 0xe0000000, true},
		{m.ECAM[0], 0x3f, 31, 7, 0xfff, 0xe3ffffff, true},
		{m.ECAM[0], 0x40, 0, 0, 0, 0, false},
		{m.ECAM[1], 0x80, 1, 0, 4, 0x1_0800_8004, true}, // Base is bus 0's, not StartBus's
		{m.ECAM[1], 0x7f, 0, 0, 0, 0, false},
		{m.ECAM[1], 0x80, 32, 0, 0, 0, false},
		{m.ECAM[1], 0x80, 0, 8, 0, 0, false},
		{m.ECAM[1], 0x80, 0, 0, 4096, 0, false},
		{m.ECAM[2], 5, 0, 0, 0, 0, false},
	} {
		if a, ok := tc.e.ConfigAddr(tc.bus, tc.dev, tc.fn, tc.off); a != tc.addr || ok != tc.ok {
			t.Errorf("%+v.ConfigAddr(%#x, %d, %d, %#x) = %#x, %v", tc.e, tc.bus, tc.dev, tc.fn, tc.off, a, ok)
		}
	}

	var e [][]byte
	e = append(e, make([]byte, 8))
	for i := 0; i < MaxECAM+2; i++ {
		e = append(e, mcfgEntry(uint64(i)<<28, uint16(i), 0, 255))
	}
	if err := ParseMCFG(mkTable(SigMCFG, 1, e...), &m); err != OK || m.N != MaxECAM || m.Dropped != 2 {
		t.Errorf("too many: %v, %d, dropped %d", err, m.N, m.Dropped)
	}
	if err := ParseMCFG(mkTable(SigMCFG, 1, make([]byte, 8)), &m); err != OK || m.N != 0 {
		t.Errorf("empty: %v, %d", err, m.N)
	}
	if err := ParseMCFG(mkTable(SigMCFG, 1, make([]byte, 7)), &m); err != ErrShort {
		t.Errorf("43 bytes: %v", err)
	}
	bad := mkTable(SigMCFG, 1, make([]byte, 8), mcfgEntry(0xe0000000, 0, 0, 255))
	bad[40]++
	if err := ParseMCFG(bad, &m); err != ErrChecksum || m.N != 1 {
		t.Errorf("bad checksum: %v, %d", err, m.N)
	}
	if ParseMCFG(bad[:50], &m) != ErrLength || ParseMCFG(mkTable(SigHPET, 1), &m) != ErrSignature || ParseMCFG(nil, nil) != ErrNilArgument {
		t.Error("ParseMCFG accepted a truncated, wrong or nil table")
	}
}
