package acpi

import (
	"bytes"
	"encoding/binary"
	"gokernel/kernel/le"
	"testing"
)

// Fuzz tests: no input may make a parser panic, loop or break its
// output's invariants. Each is seeded with the QEMU dumps' tables and
// the synthetic ones of the other tests. Run one for 30 s with, e.g.,
//
//	go test -run '^$' -fuzz '^FuzzParseMADT$' -fuzztime 30s -fuzzminimizetime 10x -parallel 1 ./kernel/acpi/
//
// For the table parsers the fuzzer rarely hits a valid checksum, and
// every parser reads the table on after ErrChecksum; the seal flag also
// fixes the signature, Length and checksum, so that mutations reach deep
// into the entries.

// dumpTables returns every table with signature sig in the dumps.
func dumpTables(f *testing.F, sig string) [][]byte {
	var out [][]byte
	for _, name := range dumps {
		if b := loadDump(f, name).table(sig); b != nil {
			out = append(out, bytes.Clone(b))
		}
	}
	return out
}

// seal gives b signature sig, Length len(b) and a zero checksum.
func seal(b []byte, sig string) []byte {
	if len(b) < HeaderSize {
		return b
	}
	b = bytes.Clone(b)
	copy(b, sig)
	binary.LittleEndian.PutUint32(b[hdrLength:], uint32(len(b)))
	fixSum(b, 9)
	return b
}

func addTables(f *testing.F, sig string, extra ...[]byte) {
	for _, b := range append(dumpTables(f, sig), extra...) {
		f.Add(b, false)
		f.Add(b, true)
	}
	f.Add([]byte{}, false)
	f.Add(make([]byte, HeaderSize), true)
}

func FuzzParseRSDP(f *testing.F) {
	for _, name := range dumps {
		d := loadDump(f, name)
		f.Add(bytes.Clone(d.read(d.rsdp, RSDPSize2)))
	}
	f.Add(rsdp2(0x1000, 0x2000))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		var r RSDP
		err := ParseRSDP(b, &r)
		if err != OK && r != (RSDP{}) {
			t.Fatalf("error %v with output %+v", err, r)
		}
		if r.Extended && (r.Revision < 2 || r.ExtErr != OK || len(b) < RSDPSize2) {
			t.Fatalf("Extended %+v from %d bytes", r, len(b))
		}
		if !r.Extended && r.XSDT != 0 {
			t.Fatalf("XSDT without Extended: %+v", r)
		}
		if off := FindRSDP(b); off >= 0 && (off%16 != 0 || ParseRSDP(b[off:], &r) != OK) {
			t.Fatalf("FindRSDP = %d", off)
		}
	})
}

func FuzzCheckTable(f *testing.F) {
	for _, name := range dumps {
		d := loadDump(f, name)
		for _, tb := range d.tables {
			f.Add(bytes.Clone(d.read(tb.addr, tb.length)), tb.sig)
		}
	}
	f.Add([]byte{}, "")
	f.Fuzz(func(t *testing.T, b []byte, sig string) {
		tb, err := CheckTable(b, sig)
		if (tb == nil) != (err != OK && err != ErrChecksum) {
			t.Fatalf("CheckTable = %d bytes, %v", len(tb), err)
		}
		if tb != nil && (len(tb) < HeaderSize || int(le.U32(tb, hdrLength)) != len(tb) || len(tb) > len(b)) {
			t.Fatalf("CheckTable = %d bytes of %d, Length %d", len(tb), len(b), le.U32(tb, hdrLength))
		}
		var h Header
		if ParseHeader(b, &h) == OK && tb != nil && h.Length != uint32(len(tb)) {
			t.Fatalf("header Length %d, table %d", h.Length, len(tb))
		}
		for _, x := range []bool{false, true} {
			n := RootEntries(b, x)
			if n < 0 || n > len(b)/4 || RootEntry(b, x, n) != 0 {
				t.Fatalf("RootEntries = %d", n)
			}
			for i := 0; i < n; i++ {
				RootEntry(b, x, i)
			}
		}
	})
}

// FuzzWalk runs Walk over memory made of the fuzzer's bytes, mapped at
// every multiple of their length, so every address it follows lands in
// them; the RSDP comes from the fuzzer too.
func FuzzWalk(f *testing.F) {
	for _, name := range dumps {
		d := loadDump(f, name)
		r := bytes.Clone(d.read(d.rsdp, RSDPSize2))
		for _, s := range d.Segs {
			f.Add(bytes.Clone(s.Data), r)
		}
	}
	// A small self-contained image: RSDT at 0x40 listing a FADT at 0x80
	// whose DSDT is at 0x100, and itself at 0x40 again.
	img := make([]byte, 0x200)
	fadt := mkTable(SigFADT, 1, make([]byte, fadtV1Size-HeaderSize))
	binary.LittleEndian.PutUint32(fadt[fadtDSDT32:], 0x100)
	copy(img[0x40:], mkTable(SigRSDT, 1, u32b(0x80), u32b(0x40), u32b(0)))
	copy(img[0x80:], reseal(fadt))
	copy(img[0x100:], dsdt([]byte{0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01, 0x00}))
	f.Add(img, rsdp2(0x40, 0))
	f.Add(img, rsdp2(0, 0x40))
	f.Add([]byte{}, []byte{})
	f.Fuzz(func(t *testing.T, mem, rb []byte) {
		read := func(pa, n uint64) []byte {
			if len(mem) == 0 || n > uint64(len(mem)) {
				return nil
			}
			off := pa % uint64(len(mem))
			if n > uint64(len(mem))-off {
				return nil
			}
			return mem[off : off+n]
		}
		var r RSDP
		ParseRSDP(rb, &r)
		var d Directory
		err := Walk(&r, read, &d)
		if d.N < 0 || d.N > MaxTables || d.Dropped < 0 {
			t.Fatalf("N %d Dropped %d", d.N, d.Dropped)
		}
		if err != OK && d.N != 0 {
			t.Fatalf("Walk = %v with %d tables", err, d.N)
		}
		for i := 0; i < d.N; i++ {
			ti := d.Tables[i]
			if ti.Addr == 0 {
				t.Fatalf("table %d at 0", i)
			}
			for j := 0; j < i; j++ {
				if d.Tables[j].Addr == ti.Addr {
					t.Fatalf("tables %d and %d both at %#x", j, i, ti.Addr)
				}
			}
			if ti.Usable() && (ti.Length < HeaderSize || ti.Length > MaxTableLength) {
				t.Fatalf("usable table %d with Length %d", i, ti.Length)
			}
		}
		d.Find(SigMADT)
	})
}

func FuzzParseMADT(f *testing.F) {
	addTables(f, SigMADT,
		mkMADT(5, eLAPIC(0, 0, 1), eX2APIC(300, 2, 7), eIOAPIC(4, 0xfec00000, 0), eOverride(0, 9, 20, 0xF),
			eNMISource(0xD, 23), eLAPICNMI(1, 5, 0), eX2APICNMI(0xF, AllProcessors, 1), eLAPICAddr(0x1_2345_6000)))
	f.Fuzz(func(t *testing.T, b []byte, sealed bool) {
		if sealed {
			b = seal(b, SigMADT)
		}
		var m MADT
		err := ParseMADT(b, &m)
		if m.NCPUs < 0 || m.NCPUs > MaxCPUs || m.NIOAPICs < 0 || m.NIOAPICs > MaxIOAPICs ||
			m.NOverrides < 0 || m.NOverrides > MaxOverrides || m.NNMISources < 0 || m.NNMISources > MaxNMISources ||
			m.NLocalNMIs < 0 || m.NLocalNMIs > MaxLocalNMIs || m.Dropped < 0 || m.Other < 0 || m.Bad < 0 {
			t.Fatalf("counts out of range: %d %d %d %d %d", m.NCPUs, m.NIOAPICs, m.NOverrides, m.NNMISources, m.NLocalNMIs)
		}
		if (err == ErrEntryShort && m.Bad == 0) || (m.Bad > 0 && err != ErrEntryShort && err != ErrEntryLength) {
			t.Fatalf("error %v with %d bad entries", err, m.Bad)
		}
		entries := m.NCPUs + m.NIOAPICs + m.NOverrides + m.NNMISources + m.NLocalNMIs + m.Dropped + m.Other + m.Bad
		if entries > 0 && 2*entries > len(b)-madtEntries {
			t.Fatalf("%d entries from %d bytes", entries, len(b))
		}
		for irq := 0; irq < 256; irq++ {
			r := m.ISARoute(uint8(irq))
			if !r.Overridden && (r.GSI != uint32(irq) || r.ActiveLow || r.Level) {
				t.Fatalf("ISARoute(%d) = %+v", irq, r)
			}
			if i, pin, ok := m.IOAPICFor(r.GSI); ok && (i < 0 || i >= m.NIOAPICs || pin != r.GSI-m.IOAPICs[i].GSIBase) {
				t.Fatalf("IOAPICFor(%d) = %d, %d", r.GSI, i, pin)
			}
		}
	})
}

func FuzzParseFADT(f *testing.F) {
	addTables(f, SigFADT, fadtWith(6, 276, func(b []byte) {
		putGAS(b, fadtXPMTmrBlk, SpaceMemory, 32, 0xfed80000)
		putGAS(b, fadtResetReg, SpaceIO, 8, 0xCF9)
	}))
	f.Fuzz(func(t *testing.T, b []byte, sealed bool) {
		if sealed {
			b = seal(b, SigFADT)
		}
		var fa FADT
		err := ParseFADT(b, &fa)
		if err == OK && fa.Length < fadtV1Size {
			t.Fatalf("OK with Length %d", fa.Length)
		}
		if (fa.PMTimer.Address == 0) != (fa.PMTimerBits == 0) || (fa.PMTimerBits != 0 && fa.PMTimerBits != 24 && fa.PMTimerBits != 32) {
			t.Fatalf("PM timer %+v, %d bits", fa.PMTimer, fa.PMTimerBits)
		}
		if p, ok := fa.PMTimer.Port(); ok && (fa.PMTimer.Space != SpaceIO || uint64(p) != fa.PMTimer.Address) {
			t.Fatalf("PM timer port %#x from %+v", p, fa.PMTimer)
		}
		if fa.BootArchValid && fa.Revision < 2 {
			t.Fatalf("IAPC_BOOT_ARCH valid at revision %d", fa.Revision)
		}
		fa.Has8042()
		fa.ResetSupported()
	})
}

func FuzzParseHPET(f *testing.F) {
	addTables(f, SigHPET)
	f.Fuzz(func(t *testing.T, b []byte, sealed bool) {
		if sealed {
			b = seal(b, SigHPET)
		}
		var h HPET
		err := ParseHPET(b, &h)
		if (err == OK || err == ErrChecksum) && (h.Comparators < 1 || h.Comparators > 32 || h.Base.Space != SpaceMemory) {
			t.Fatalf("ParseHPET = %v, %+v", err, h)
		}
	})
}

func FuzzParseMCFG(f *testing.F) {
	addTables(f, SigMCFG, mkTable(SigMCFG, 1, make([]byte, 8), mcfgEntry(0xe0000000, 0, 0, 0x3f), mcfgEntry(0x1_0000_0000, 1, 0x80, 0xff)))
	f.Fuzz(func(t *testing.T, b []byte, sealed bool) {
		if sealed {
			b = seal(b, SigMCFG)
		}
		var m MCFG
		ParseMCFG(b, &m)
		if m.N < 0 || m.N > MaxECAM || m.Dropped < 0 || (m.N+m.Dropped)*mcfgEntrySize > len(b) {
			t.Fatalf("N %d Dropped %d from %d bytes", m.N, m.Dropped, len(b))
		}
		for i := 0; i < m.N; i++ {
			e := m.ECAM[i]
			if a, ok := e.ConfigAddr(e.StartBus, 0, 0, 0); ok != (e.StartBus <= e.EndBus) || (ok && a != e.Base+uint64(e.StartBus)<<20) {
				t.Fatalf("%+v.ConfigAddr = %#x, %v", e, a, ok)
			}
		}
	})
}

func FuzzFindS5(f *testing.F) {
	addTables(f, SigDSDT,
		dsdt([]byte{0x08, '\\', '_', 'S', '5', '_', 0x12, 0x0A, 0x02, 0x0B, 0x07, 0x01, 0x0C, 0x06, 0, 0, 0}),
		dsdt([]byte{0x08, '_', 'S', '5', '_', 0x12, 0x40, 0x04, 0x40, 0x0A, 0x07, 0x0A, 0x07}, make([]byte, 0x40-6)),
		dsdt([]byte{0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x01, 0x0B, 0x07, 0x06}))
	f.Fuzz(func(t *testing.T, b []byte, sealed bool) {
		if sealed {
			b = seal(b, SigDSDT)
		}
		a, s, err := FindS5(b)
		if err != OK && err != ErrChecksum && (a != 0 || s != 0) {
			t.Fatalf("FindS5 = %d, %d, %v", a, s, err)
		}
		if (err == OK || err == ErrChecksum) && !bytes.Contains(b, []byte("_S5_")) {
			t.Fatalf("FindS5 = %v without _S5_ in the table", err)
		}
	})
}
