package acpi

import (
	"bytes"
	"testing"
)

// qemuOverrides are QEMU 7.2's overrides on both machines: IRQ 0 to GSI
// 2 (the PIT on the I/O APIC's input 2), and the PCI interrupt lines 5,
// 9, 10 and 11 level-triggered, active high (flags 0x000D).
var qemuOverrides = []Override{
	{Bus: 0, Source: 0, GSI: 2, Flags: 0},
	{Bus: 0, Source: 5, GSI: 5, Flags: 0xD},
	{Bus: 0, Source: 9, GSI: 9, Flags: 0xD},
	{Bus: 0, Source: 10, GSI: 10, Flags: 0xD},
	{Bus: 0, Source: 11, GSI: 11, Flags: 0xD},
}

func TestDumpMADT(t *testing.T) {
	for _, name := range dumps {
		t.Run(name, func(t *testing.T) {
			d := loadDump(t, name)
			var m MADT
			if err := ParseMADT(d.mustTable(t, SigMADT), &m); err != OK {
				t.Fatalf("ParseMADT: %v", err)
			}
			if m.Revision != 1 || m.LAPICAddr != 0xfee00000 || m.LAPICAddr32 != 0xfee00000 || m.LAPICAddrOverride || !m.PCATCompat() {
				t.Errorf("rev %d LAPIC %#x/%#x override %v flags %#x", m.Revision, m.LAPICAddr, m.LAPICAddr32, m.LAPICAddrOverride, m.Flags)
			}
			// -smp 2 on pc; -smp 2,maxcpus=4 on q35: two more, disabled.
			want := []CPU{{UID: 0, APICID: 0, Enabled: true}, {UID: 1, APICID: 1, Enabled: true}}
			if name[:3] == "q35" {
				want = append(want, CPU{UID: 2, APICID: 2}, CPU{UID: 3, APICID: 3})
			}
			if !equal(m.CPUs[:m.NCPUs], want) {
				t.Errorf("CPUs = %+v, want %+v", m.CPUs[:m.NCPUs], want)
			}
			if m.NIOAPICs != 1 || m.IOAPICs[0] != (IOAPIC{ID: 0, Addr: 0xfec00000, GSIBase: 0}) {
				t.Errorf("IOAPICs = %+v", m.IOAPICs[:m.NIOAPICs])
			}
			if !equal(m.Overrides[:m.NOverrides], qemuOverrides) {
				t.Errorf("Overrides = %+v", m.Overrides[:m.NOverrides])
			}
			if m.NLocalNMIs != 1 || m.LocalNMIs[0] != (LocalNMI{UID: AllProcessors, LINT: 1}) {
				t.Errorf("LocalNMIs = %+v", m.LocalNMIs[:m.NLocalNMIs])
			}
			if m.NNMISources != 0 || m.Dropped != 0 || m.Other != 0 || m.Bad != 0 {
				t.Errorf("NMI sources %d, dropped %d, other %d, bad %d", m.NNMISources, m.Dropped, m.Other, m.Bad)
			}
			// ISA IRQ 0 is GSI 2, input 2 of the one I/O APIC.
			if r := m.ISARoute(0); r != (Route{GSI: 2, Overridden: true}) {
				t.Errorf("ISARoute(0) = %+v", r)
			}
			if i, pin, ok := m.IOAPICFor(2); i != 0 || pin != 2 || !ok {
				t.Errorf("IOAPICFor(2) = %d, %d, %v", i, pin, ok)
			}
			if r := m.ISARoute(9); r != (Route{GSI: 9, Level: true, Overridden: true}) {
				t.Errorf("ISARoute(9) = %+v", r)
			}
			if r := m.ISARoute(1); r != (Route{GSI: 1}) {
				t.Errorf("ISARoute(1) = %+v", r)
			}
		})
	}
}

func TestINTIFlags(t *testing.T) {
	for _, tc := range []struct {
		f        INTIFlags
		pol      Polarity
		trig     Trigger
		low, lvl bool
	}{
		{0x0, PolarityConforms, TriggerConforms, false, false},
		{0x1, PolarityHigh, TriggerConforms, false, false},
		{0x2, PolarityReserved, TriggerConforms, true, false}, // as Linux: reserved is taken as active low
		{0x3, PolarityLow, TriggerConforms, true, false},
		{0x4, PolarityConforms, TriggerEdge, false, false},
		{0x8, PolarityConforms, TriggerReserved, false, true}, // ... and level
		{0xC, PolarityConforms, TriggerLevel, false, true},
		{0xD, PolarityHigh, TriggerLevel, false, true},
		{0xF, PolarityLow, TriggerLevel, true, true},
		{0xFFF0, PolarityConforms, TriggerConforms, false, false}, // reserved bits ignored
	} {
		if tc.f.Polarity() != tc.pol || tc.f.Trigger() != tc.trig || tc.f.ActiveLow() != tc.low || tc.f.Level() != tc.lvl {
			t.Errorf("%#x: polarity %d trigger %d low %v level %v", uint16(tc.f), tc.f.Polarity(), tc.f.Trigger(), tc.f.ActiveLow(), tc.f.Level())
		}
	}
}

func TestISARoute(t *testing.T) {
	ov := []Override{
		{Bus: 0, Source: 0, GSI: 2},
		{Bus: 0, Source: 9, GSI: 20, Flags: 0xF}, // SCI moved, level, active low
		{Bus: 0, Source: 9, GSI: 21},             // a second one for IRQ 9: ignored
		{Bus: 1, Source: 4, GSI: 30},             // not ISA
		{Bus: 0, Source: 7, GSI: 200},            // a GSI no I/O APIC has
	}
	for _, tc := range []struct {
		irq  uint8
		want Route
	}{
		{0, Route{GSI: 2, Overridden: true}},
		{9, Route{GSI: 20, ActiveLow: true, Level: true, Overridden: true}},
		{4, Route{GSI: 4}},
		{7, Route{GSI: 200, Overridden: true}},
		{15, Route{GSI: 15}},
		{200, Route{GSI: 200}},
	} {
		if r := ISARoute(ov, tc.irq); r != tc.want {
			t.Errorf("ISARoute(%d) = %+v, want %+v", tc.irq, r, tc.want)
		}
	}
	if r := ISARoute(nil, 3); r != (Route{GSI: 3}) {
		t.Errorf("ISARoute(nil, 3) = %+v", r)
	}
}

func TestIOAPICFor(t *testing.T) {
	var m MADT
	if _, _, ok := m.IOAPICFor(0); ok {
		t.Error("IOAPICFor with no I/O APICs")
	}
	m.IOAPICs[0] = IOAPIC{ID: 2, GSIBase: 24}
	m.IOAPICs[1] = IOAPIC{ID: 1, GSIBase: 0}
	m.IOAPICs[2] = IOAPIC{ID: 3, GSIBase: 48}
	m.NIOAPICs = 3
	for _, tc := range []struct {
		gsi   uint32
		index int
		pin   uint32
	}{{0, 1, 0}, {23, 1, 23}, {24, 0, 0}, {47, 0, 23}, {48, 2, 0}, {200, 2, 152}} {
		if i, pin, ok := m.IOAPICFor(tc.gsi); i != tc.index || pin != tc.pin || !ok {
			t.Errorf("IOAPICFor(%d) = %d, %d, %v; want %d, %d", tc.gsi, i, pin, ok, tc.index, tc.pin)
		}
	}
	m.IOAPICs[1].GSIBase = 8 // nothing below 8 now
	if _, _, ok := m.IOAPICFor(7); ok {
		t.Error("IOAPICFor(7) below every GSI base")
	}
	m.NIOAPICs = 99 // a corrupt count reads the array only
	if i, _, ok := m.IOAPICFor(8); i != 1 || !ok {
		t.Errorf("IOAPICFor with a corrupt count = %d, %v", i, ok)
	}
}

// TestMADTEntries covers the entry types QEMU does not produce.
func TestMADTEntries(t *testing.T) {
	b := mkMADT(5,
		eLAPIC(0, 0, 1),
		eLAPIC(1, 2, 2), // disabled, online capable
		eLAPIC(2, 4, 0), // disabled, not online capable
		eX2APIC(300, 1, 7),
		eX2APIC(301, 2, 8),
		eIOAPIC(4, 0xfec00000, 0),
		eIOAPIC(5, 0xfec01000, 24),
		eOverride(0, 0, 2, 0),
		eNMISource(0xD, 23),
		eLAPICNMI(1, 0x5, 0),
		eX2APICNMI(0xF, AllProcessors, 1),
		eX2APICNMI(0, 7, 0),
		eLAPICAddr(0x1_2345_6000),
		[]byte{0x7F, 4, 0, 0},             // an unknown type
		[]byte{0x0B, 8, 0, 0, 0, 0, 0, 0}, // GIC CPU interface (ARM), too short but not ours
	)
	var m MADT
	if err := ParseMADT(b, &m); err != OK {
		t.Fatalf("ParseMADT: %v", err)
	}
	wantCPUs := []CPU{
		{UID: 0, APICID: 0, Enabled: true},
		{UID: 1, APICID: 2, OnlineCapable: true},
		{UID: 2, APICID: 4},
		{UID: 7, APICID: 300, Enabled: true, X2APIC: true},
		{UID: 8, APICID: 301, OnlineCapable: true, X2APIC: true},
	}
	if !equal(m.CPUs[:m.NCPUs], wantCPUs) {
		t.Errorf("CPUs = %+v", m.CPUs[:m.NCPUs])
	}
	if !equal(m.IOAPICs[:m.NIOAPICs], []IOAPIC{{4, 0xfec00000, 0}, {5, 0xfec01000, 24}}) {
		t.Errorf("IOAPICs = %+v", m.IOAPICs[:m.NIOAPICs])
	}
	if !equal(m.NMISources[:m.NNMISources], []NMISource{{GSI: 23, Flags: 0xD}}) {
		t.Errorf("NMISources = %+v", m.NMISources[:m.NNMISources])
	}
	wantNMIs := []LocalNMI{{UID: 1, Flags: 5, LINT: 0}, {UID: AllProcessors, Flags: 0xF, LINT: 1, X2APIC: true}, {UID: 7, X2APIC: true}}
	if !equal(m.LocalNMIs[:m.NLocalNMIs], wantNMIs) {
		t.Errorf("LocalNMIs = %+v", m.LocalNMIs[:m.NLocalNMIs])
	}
	if m.LAPICAddr != 0x1_2345_6000 || m.LAPICAddr32 != 0xFEE00000 || !m.LAPICAddrOverride {
		t.Errorf("LAPIC %#x (32-bit %#x), override %v", m.LAPICAddr, m.LAPICAddr32, m.LAPICAddrOverride)
	}
	if m.Other != 2 || m.Bad != 0 || m.Dropped != 0 {
		t.Errorf("other %d bad %d dropped %d", m.Other, m.Bad, m.Dropped)
	}
	if i, pin, ok := m.IOAPICFor(30); i != 1 || pin != 6 || !ok {
		t.Errorf("IOAPICFor(30) = %d, %d, %v", i, pin, ok)
	}

	// Before MADT revision 5 the online-capable bit is reserved.
	b = mkMADT(4, eLAPIC(1, 2, 2))
	if ParseMADT(b, &m); m.NCPUs != 1 || m.CPUs[0].OnlineCapable || m.CPUs[0].Enabled {
		t.Errorf("revision 4: %+v", m.CPUs[0])
	}
}

func TestMADTLimits(t *testing.T) {
	var e [][]byte
	for i := 0; i < MaxCPUs+10; i++ {
		e = append(e, eX2APIC(uint32(i), 1, uint32(i)))
	}
	for i := 0; i < MaxIOAPICs+1; i++ {
		e = append(e, eIOAPIC(uint8(i), 0xfec00000+uint32(i)<<12, uint32(24*i)))
	}
	for i := 0; i < MaxOverrides+2; i++ {
		e = append(e, eOverride(0, uint8(i), uint32(i), 0))
	}
	for i := 0; i < MaxNMISources+3; i++ {
		e = append(e, eNMISource(0, uint32(i)))
	}
	for i := 0; i < MaxLocalNMIs+4; i++ {
		e = append(e, eLAPICNMI(uint8(i), 0, 1))
	}
	var m MADT
	if err := ParseMADT(mkMADT(1, e...), &m); err != OK {
		t.Fatalf("ParseMADT: %v", err)
	}
	if m.NCPUs != MaxCPUs || m.NIOAPICs != MaxIOAPICs || m.NOverrides != MaxOverrides ||
		m.NNMISources != MaxNMISources || m.NLocalNMIs != MaxLocalNMIs || m.Dropped != 10+1+2+3+4 {
		t.Errorf("counts %d %d %d %d %d, dropped %d", m.NCPUs, m.NIOAPICs, m.NOverrides, m.NNMISources, m.NLocalNMIs, m.Dropped)
	}
	if c := m.CPUs[MaxCPUs-1]; c.APICID != MaxCPUs-1 {
		t.Errorf("last CPU kept: %+v", c)
	}
}

func TestMADTCorrupt(t *testing.T) {
	good := [][]byte{eLAPIC(0, 0, 1), eIOAPIC(0, 0xfec00000, 0), eOverride(0, 0, 2, 0)}
	for _, tc := range []struct {
		name    string
		b       []byte
		err     Error
		cpus    int
		ioapics int
		ovs     int
		bad     int
	}{
		{"good", mkMADT(1, good...), OK, 1, 1, 1, 0},
		{"entry length 0", mkMADT(1, eLAPIC(0, 0, 1), []byte{1, 0, 0, 0}, eOverride(0, 0, 2, 0)), ErrEntryLength, 1, 0, 0, 0},
		{"entry length 1", mkMADT(1, eLAPIC(0, 0, 1), []byte{1, 1}), ErrEntryLength, 1, 0, 0, 0},
		{"entry past the table", mkMADT(1, eLAPIC(0, 0, 1), []byte{1, 12, 0, 0}), ErrEntryLength, 1, 0, 0, 0},
		{"a lone byte at the end", mkMADT(1, eLAPIC(0, 0, 1), []byte{1}), ErrEntryLength, 1, 0, 0, 0},
		{"truncated IOAPIC entry", mkMADT(1, eLAPIC(0, 0, 1), []byte{1, 8, 0, 0, 0, 0, 0xc0, 0xfe}, eOverride(0, 0, 2, 0)), ErrEntryShort, 1, 0, 1, 1},
		{"truncated entries of every kind", mkMADT(1,
			[]byte{0, 7, 0, 0, 0, 0, 0}, []byte{2, 9, 0, 0, 0, 0, 0, 0, 0}, []byte{3, 7, 0, 0, 0, 0, 0},
			[]byte{4, 5, 0, 0, 0}, []byte{5, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0}, []byte{9, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
			[]byte{10, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0}, eIOAPIC(0, 0xfec00000, 0)), ErrEntryShort, 0, 1, 0, 7},
		{"no I/O APIC", mkMADT(1, eLAPIC(0, 0, 1)), OK, 1, 0, 0, 0},
		{"no entries", mkMADT(1), OK, 0, 0, 0, 0},
		{"bad checksum", func() []byte { b := mkMADT(1, good...); b[9]++; return b }(), ErrChecksum, 1, 1, 1, 0},
		{"shorter than the fixed part", mkTable(SigMADT, 1, u32b(0xfee00000)), ErrShort, 0, 0, 0, 0},
		{"Length past the bytes", mkMADT(1, good...)[:60], ErrLength, 0, 0, 0, 0},
		{"wrong signature", mkTable("APIX", 1, make([]byte, 8)), ErrSignature, 0, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m MADT
			err := ParseMADT(tc.b, &m)
			if err != tc.err || m.NCPUs != tc.cpus || m.NIOAPICs != tc.ioapics || m.NOverrides != tc.ovs || m.Bad != tc.bad {
				t.Errorf("ParseMADT = %v: %d CPUs, %d IOAPICs, %d overrides, %d bad; want %v: %d, %d, %d, %d",
					err, m.NCPUs, m.NIOAPICs, m.NOverrides, m.Bad, tc.err, tc.cpus, tc.ioapics, tc.ovs, tc.bad)
			}
		})
	}
	if ParseMADT(nil, nil) != ErrNilArgument {
		t.Error("ParseMADT(nil out) did not fail")
	}
}

// A corrupt entry on a real table: QEMU's IOAPIC entry with length 0.
func TestDumpMADTCorrupt(t *testing.T) {
	d := loadDump(t, "pc-seabios")
	b := bytes.Clone(d.mustTable(t, SigMADT))
	i := bytes.Index(b[madtEntries:], []byte{1, 12, 0, 0, 0, 0, 0xc0, 0xfe}) + madtEntries
	b[i+1] = 0
	fixSum(b, 9)
	var m MADT
	if err := ParseMADT(b, &m); err != ErrEntryLength || m.NCPUs != 2 || m.NIOAPICs != 0 {
		t.Errorf("ParseMADT = %v, %d CPUs, %d IOAPICs", err, m.NCPUs, m.NIOAPICs)
	}
	// Length one byte short: the last entry (the local APIC NMI) runs
	// past the table.
	b = bytes.Clone(d.mustTable(t, SigMADT))
	b = reseal(b[:len(b)-1])
	if err := ParseMADT(b, &m); err != ErrEntryLength || m.NOverrides != 5 || m.NLocalNMIs != 0 {
		t.Errorf("ParseMADT = %v, %d overrides, %d NMIs", err, m.NOverrides, m.NLocalNMIs)
	}
}
