package acpi

import (
	"encoding/binary"
	"fmt"
	"testing"
)

// sigs lists the signatures of d's tables.
func sigs(d *Directory) []string {
	var s []string
	for i := 0; i < d.N; i++ {
		s = append(s, string(d.Tables[i].Signature[:]))
	}
	return s
}

func rsdpOf(t *testing.T, d *dump) *RSDP {
	t.Helper()
	var r RSDP
	if err := ParseRSDP(d.read(d.rsdp, RSDPSize2), &r); err != OK {
		t.Fatalf("ParseRSDP: %v", err)
	}
	return &r
}

// TestDumpWalk walks each dump from its RSDP and checks the directory
// against the capture program's own list (capture.txt).
func TestDumpWalk(t *testing.T) {
	for _, name := range dumps {
		t.Run(name, func(t *testing.T) {
			d := loadDump(t, name)
			var dir Directory
			if err := Walk(rsdpOf(t, d), d.read, &dir); err != OK {
				t.Fatalf("Walk: %v", err)
			}
			root := d.tables[0] // the capture lists the RSDT first, then the XSDT
			if len(d.tables) > 1 && d.tables[1].sig == SigXSDT {
				root = d.tables[1]
			}
			if dir.Root != root.addr || dir.XSDT != (root.sig == SigXSDT) || uint64(dir.RootLen) != root.length || dir.RootErr != OK {
				t.Errorf("root = %#x XSDT %v len %d err %v; want %s at %#x", dir.Root, dir.XSDT, dir.RootLen, dir.RootErr, root.sig, root.addr)
			}
			var want []dumpTable
			for _, tb := range d.tables {
				if tb.sig != SigRSDT && tb.sig != SigXSDT {
					want = append(want, tb)
				}
			}
			if dir.N != len(want) || dir.Dropped != 0 {
				t.Fatalf("tables %q, dropped %d; want %d: %v", sigs(&dir), dir.Dropped, len(want), want)
			}
			for i, w := range want {
				g := dir.Tables[i]
				if string(g.Signature[:]) != w.sig || g.Addr != w.addr || uint64(g.Length) != w.length || g.Err != OK || !g.Usable() {
					t.Errorf("table %d = %+v, want %s at %#x, %d bytes", i, g, w.sig, w.addr, w.length)
				}
			}
			for _, sig := range []string{SigFADT, SigDSDT, SigMADT, SigHPET} {
				if ti, ok := dir.Find(sig); !ok || d.table(sig) == nil || ti.Addr != tableAddr(d, sig) {
					t.Errorf("Find(%s) = %+v, %v", sig, ti, ok)
				}
			}
			_, ok := dir.Find(SigMCFG)
			if q35 := name[:3] == "q35"; ok != q35 {
				t.Errorf("Find(MCFG) = %v on %s", ok, name)
			}
			if _, ok := dir.Find("FACS"); ok {
				t.Error("Find(FACS): the FACS is not a table Walk records")
			}
		})
	}
}

func tableAddr(d *dump, sig string) uint64 {
	for _, tb := range d.tables {
		if tb.sig == sig {
			return tb.addr
		}
	}
	return 0
}

// OVMF's ACPI 1.0 RSDP (see TestDumpRSDP) leads to an RSDT of its own,
// a copy of the other at a different address.
func TestDumpWalkOVMFACPI10(t *testing.T) {
	d := loadDump(t, "q35-ovmf")
	var r RSDP
	var dir Directory
	if ParseRSDP(d.read(0x777e000, RSDPSize1), &r) != OK || Walk(&r, d.read, &dir) != OK {
		t.Fatal("no walk from the ACPI 1.0 RSDP")
	}
	if got := fmt.Sprint(sigs(&dir)); dir.Root != 0x777d000 || dir.XSDT || got != "[FACP DSDT APIC HPET MCFG WAET BGRT]" {
		t.Errorf("root %#x XSDT %v, tables %s", dir.Root, dir.XSDT, got)
	}
}

// A bad XSDT makes Walk fall back to the RSDT, which on OVMF lists the
// same tables; a bad XSDT checksum does not.
func TestWalkXSDTFallback(t *testing.T) {
	for _, tc := range []struct {
		name    string
		corrupt func(x []byte)
		rootErr Error
		xsdt    bool
		n       int
	}{
		{"signature", func(x []byte) { x[0] = 'Y' }, ErrSignature, false, 6},
		{"length 0", func(x []byte) { binary.LittleEndian.PutUint32(x[hdrLength:], 0) }, ErrLength, false, 6},
		{"length past the memory", func(x []byte) { binary.LittleEndian.PutUint32(x[hdrLength:], 0x10_0000) }, ErrRead, false, 6},
		{"checksum", func(x []byte) { x[9]++ }, ErrChecksum, true, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := loadDump(t, "pc-ovmf")
			r := rsdpOf(t, d)
			tc.corrupt(d.read(r.XSDT, HeaderSize))
			var dir Directory
			if err := Walk(r, d.read, &dir); err != OK {
				t.Fatalf("Walk: %v", err)
			}
			if dir.RootErr != tc.rootErr || dir.XSDT != tc.xsdt || dir.N != tc.n {
				t.Errorf("RootErr %v, XSDT %v, tables %q", dir.RootErr, dir.XSDT, sigs(&dir))
			}
		})
	}
}

// synthMem is a fake physical memory for Walk: a map from addresses to
// byte slices.
type synthMem map[uint64][]byte

func (m synthMem) read(pa, n uint64) []byte {
	for base, b := range m {
		if pa >= base && pa-base <= uint64(len(b)) && n <= uint64(len(b))-(pa-base) {
			return b[pa-base : pa-base+n]
		}
	}
	return nil
}

func TestWalkCorrupt(t *testing.T) {
	fadt := mkTable(SigFADT, 1, make([]byte, fadtV1Size-HeaderSize))
	binary.LittleEndian.PutUint32(fadt[fadtDSDT32:], 0x5000)
	reseal(fadt)
	badSum := mkTable("BADS", 1)
	badSum[9]++
	zeroLen := mkTable("ZERO", 1)
	binary.LittleEndian.PutUint32(zeroLen[hdrLength:], 0)
	huge := mkTable("HUGE", 1)
	binary.LittleEndian.PutUint32(huge[hdrLength:], MaxTableLength+1)
	cut := mkTable("CUTT", 1, make([]byte, 100))
	mem := synthMem{
		0x1000: mkTable(SigRSDT, 1, u32b(0x2000), u32b(0), u32b(0x2000), u32b(0x3000), u32b(0x4000),
			u32b(0x6000), u32b(0x7000), u32b(0x8000), u32b(0x9000)),
		0x2000: fadt,
		0x3000: mkTable(SigMADT, 1, make([]byte, 8)),
		0x4000: mkTable(SigFADT, 3, make([]byte, 200)), // a second FADT: no second DSDT
		0x5000: mkTable(SigDSDT, 2, []byte{0x10}),
		0x6000: badSum,
		0x7000: zeroLen,
		0x8000: huge,
		0x9000: cut[:50],
		// nothing at 0x10000
	}
	var r RSDP
	if ParseRSDP(append(rsdp2(0x1000, 0), make([]byte, 0)...), &r); r.RSDT != 0x1000 {
		t.Fatal("rsdp2")
	}
	var dir Directory
	if err := Walk(&r, mem.read, &dir); err != OK {
		t.Fatalf("Walk: %v", err)
	}
	want := []struct {
		sig  string
		addr uint64
		err  Error
	}{
		{"FACP", 0x2000, OK}, {"DSDT", 0x5000, OK}, {"APIC", 0x3000, OK}, {"FACP", 0x4000, OK},
		{"BADS", 0x6000, ErrChecksum}, {"ZERO", 0x7000, ErrLength}, {"HUGE", 0x8000, ErrLength}, {"CUTT", 0x9000, ErrRead},
	}
	if dir.N != len(want) {
		t.Fatalf("tables %q", sigs(&dir))
	}
	for i, w := range want {
		g := dir.Tables[i]
		if string(g.Signature[:]) != w.sig || g.Addr != w.addr || g.Err != w.err {
			t.Errorf("table %d = %s at %#x err %v; want %s at %#x err %v", i, g.Signature, g.Addr, g.Err, w.sig, w.addr, w.err)
		}
	}
	if ti, ok := dir.Find("BADS"); !ok || ti.Err != ErrChecksum {
		t.Error("Find does not return a table with a bad checksum")
	}
	if _, ok := dir.Find("ZERO"); ok {
		t.Error("Find returned a table with a bad length")
	}

	// An entry Walk cannot read at all.
	mem[0x1000] = mkTable(SigRSDT, 1, u32b(0x10000))
	if Walk(&r, mem.read, &dir); dir.N != 1 || dir.Tables[0].Err != ErrRead {
		t.Errorf("unreadable entry: %+v", dir.Tables[0])
	}

	// More tables than fit.
	var entries [][]byte
	for i := 0; i < MaxTables+3; i++ {
		a := uint64(0x100000 + i*0x100)
		mem[a] = mkTable(fmt.Sprintf("T%03d", i), 1)
		entries = append(entries, u32b(uint32(a)))
	}
	mem[0x1000] = mkTable(SigRSDT, 1, entries...)
	if Walk(&r, mem.read, &dir); dir.N != MaxTables || dir.Dropped != 3 {
		t.Errorf("N %d Dropped %d", dir.N, dir.Dropped)
	}

	// No root table.
	mem[0x1000] = mkTable(SigXSDT, 1)
	if err := Walk(&r, mem.read, &dir); err != ErrSignature {
		t.Errorf("Walk over an XSDT named as an RSDT: %v", err)
	}
	delete(mem, 0x1000)
	if err := Walk(&r, mem.read, &dir); err != ErrRead {
		t.Errorf("Walk without a root: %v", err)
	}
	if err := Walk(&RSDP{}, mem.read, &dir); err != ErrNoRoot {
		t.Errorf("Walk from an empty RSDP: %v", err)
	}
	if Walk(&r, nil, &dir) != ErrNilArgument || Walk(nil, mem.read, &dir) != ErrNilArgument || Walk(&r, mem.read, nil) != ErrNilArgument {
		t.Error("Walk with a nil argument did not fail")
	}
}

// view checks what the Reader gives.
func TestView(t *testing.T) {
	short := func(pa, n uint64) []byte { return make([]byte, n-1) }
	long := func(pa, n uint64) []byte { return make([]byte, n+5) }
	if view(short, 0x1000, 36) != nil {
		t.Error("view accepted a short answer")
	}
	if b := view(long, 0x1000, 36); len(b) != 36 {
		t.Errorf("view gave %d bytes, want 36", len(b))
	}
	if view(long, ^uint64(0)-10, 36) != nil || view(long, 0, 0) != nil || view(long, 0, MaxTableLength+1) != nil {
		t.Error("view accepted a wrapping, empty or huge range")
	}
}
