package pci

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// The QEMU dumps (testdata/README.md) through the whole package: the
// enumeration, each header, the capability lists, MSI and MSI-X, the
// BAR sizing.

// lines formats a scan as "addr vendor:device class depth".
func lines(s Scan) []string {
	var out []string
	for _, f := range s.Functions {
		out = append(out, fmt.Sprintf("%s %04x:%04x %s %d", f.Addr, f.Vendor, f.Device, f.Class, f.Depth))
	}
	return out
}

func TestEnumerateDumps(t *testing.T) {
	q35 := []string{
		"00:00.0 8086:29c0 060000 0", "00:01.0 1234:1111 030000 0",
		"00:02.0 8086:10d3 020000 0", "00:03.0 1b36:000d 0c0330 0",
		"00:1f.0 8086:2918 060100 0", "00:1f.2 8086:2922 010601 0",
		"00:1f.3 8086:2930 0c0500 0",
	}
	pc := []string{
		"00:00.0 8086:1237 060000 0", "00:01.0 8086:7000 060100 0",
		"00:01.1 8086:7010 010180 0", "00:01.3 8086:7113 068000 0",
		"00:02.0 1234:1111 030000 0", "00:03.0 8086:100e 020000 0",
		"00:04.0 1b36:000d 0c0330 0",
	}
	want := map[string][]string{
		"q35": q35, "q35-hub": q35, "pc": pc, "pc-hub": pc,
		"q35-rootport": {
			"00:00.0 8086:29c0 060000 0", "00:01.0 1234:1111 030000 0",
			"00:02.0 8086:10d3 020000 0", "00:03.0 1b36:000c 060400 0",
			"00:1f.0 8086:2918 060100 0", "00:1f.2 8086:2922 010601 0",
			"00:1f.3 8086:2930 0c0500 0", "01:00.0 1b36:000d 0c0330 1",
		},
		"pc-bridge": {
			"00:00.0 8086:1237 060000 0", "00:01.0 8086:7000 060100 0",
			"00:01.1 8086:7010 010180 0", "00:01.3 8086:7113 068000 0",
			"00:02.0 1234:1111 030000 0", "00:03.0 8086:100e 020000 0",
			"00:04.0 1b36:0001 060400 0", "01:03.0 1b36:0001 060400 1",
			"02:05.0 1b36:000d 0c0330 2",
		},
	}
	for _, name := range dumps {
		s := Enumerate(loadDump(t, name))
		if len(s.Problems) != 0 {
			t.Errorf("%s: problems %v", name, s.Problems)
		}
		if got := lines(s); !slices.Equal(got, want[name]) {
			t.Errorf("%s:\n got %q\nwant %q", name, got, want[name])
		}
	}
}

// xhciOf returns the xHCI function of a dump.
func xhciOf(t *testing.T, f *fakeConfig) Function {
	for _, fn := range Enumerate(f).Functions {
		if fn.Class == ClassXHCI {
			return fn
		}
	}
	t.Fatal("no xHCI controller")
	return Function{}
}

func TestXHCIDumps(t *testing.T) {
	wantBase := map[string]uint64{
		"q35": 0xfebd4000, "q35-hub": 0xfebd4000, "pc": 0xfebf0000, "pc-hub": 0xfebf0000,
		"q35-rootport": 0xfe800000, "pc-bridge": 0xfe600000,
	}
	for _, name := range dumps {
		f := loadDump(t, name)
		x := xhciOf(t, f)
		if x.Type != TypeGeneral || x.IntPin != 1 || x.Command&CmdMemory == 0 {
			t.Errorf("%s: header %+v", name, x.Header)
		}
		before := *f.fn[x.Addr]
		bars, err := ReadBARs(f, x.Addr, x.Header)
		if err != nil {
			t.Fatal(err)
		}
		want := []BAR{{Index: 0, Kind: BARMem64, Addr: wantBase[name], Size: 16 << 10}}
		if !slices.Equal(bars, want) {
			t.Errorf("%s: BARs %v, want %v", name, bars, want)
		}
		if *f.fn[x.Addr] != before || f.sizing[x.Addr] != 0 {
			t.Errorf("%s: sizing left configuration space changed", name)
		}
		// The sizing turned decoding off first and restored it last.
		if w := f.writes; len(w) < 2 || !strings.HasSuffix(w[0], fmt.Sprintf("0x04=%08x", x.Command&^3)) ||
			!strings.HasSuffix(w[len(w)-1], fmt.Sprintf("0x04=%08x", x.Command)) {
			t.Errorf("%s: writes %q", name, w)
		}
		sp := ReadSpace(f, x.Addr, 256)
		caps, err := Capabilities(sp, x.Header)
		if err != nil {
			t.Fatal(err)
		}
		c, ok := FindCap(caps, CapMSIX)
		if !ok {
			t.Fatalf("%s: no MSI-X in %v", name, caps)
		}
		m, err := ParseMSIX(sp, c)
		want2 := MSIX{Offset: 0x90, Size: 16, TableBIR: 0, TableOffset: 0x3000, PBABIR: 0, PBAOffset: 0x3800}
		if err != nil || m != want2 {
			t.Errorf("%s: MSI-X %+v, %v; want %+v", name, m, err, want2)
		}
		_, pcie := FindCap(caps, CapPCIe)
		if pcie != strings.HasPrefix(name, "q35") {
			t.Errorf("%s: PCI Express capability %v in %v", name, pcie, caps)
		}
	}
}

// TestOtherFunctionsDumps checks the rest: every BAR of every function
// sizes without error, every capability list ends, and a few known
// values.
func TestOtherFunctionsDumps(t *testing.T) {
	for _, name := range dumps {
		f := loadDump(t, name)
		for _, fn := range Enumerate(f).Functions {
			if _, err := ReadBARs(f, fn.Addr, fn.Header); err != nil {
				t.Errorf("%s %s: %v", name, fn.Addr, err)
			}
			sp := ReadSpace(f, fn.Addr, 256)
			caps, err := Capabilities(sp, fn.Header)
			if err != nil {
				t.Errorf("%s %s: %v", name, fn.Addr, err)
			}
			for _, c := range caps {
				var err error
				switch c.ID {
				case CapMSI:
					_, err = ParseMSI(sp, c)
				case CapMSIX:
					_, err = ParseMSIX(sp, c)
				}
				if err != nil {
					t.Errorf("%s %s: %v", name, fn.Addr, err)
				}
			}
		}
	}
	// The bridge chain of pc-bridge: 00:04.0 -> bus 1, 01:03.0 -> bus 2.
	f := loadDump(t, "pc-bridge")
	for _, c := range []struct {
		a                   Addr
		pri, sec, sub       uint8
		msiVectors, msiIs64 int
	}{
		{Addr{0, 4, 0}, 0, 1, 2, 1, 1},
		{Addr{1, 3, 0}, 1, 2, 2, 1, 1},
	} {
		h, err := ReadHeader(f, c.a)
		if err != nil || h.Type != TypeBridge || h.Primary != c.pri || h.Secondary != c.sec || h.Subordinate != c.sub {
			t.Errorf("%s: %+v %v", c.a, h, err)
		}
		bars, _ := ReadBARs(f, c.a, h)
		if len(bars) != 1 || bars[0].Kind != BARMem64 || bars[0].Size != 256 {
			t.Errorf("%s: bridge BARs %v", c.a, bars)
		}
	}
	// The ICH9 AHCI's MSI: one vector, 64-bit, no masking.
	q := loadDump(t, "q35")
	h, _ := ReadHeader(q, Addr{0, 0x1f, 2})
	sp := ReadSpace(q, Addr{0, 0x1f, 2}, 256)
	caps, _ := Capabilities(sp, h)
	c, _ := FindCap(caps, CapMSI)
	m, err := ParseMSI(sp, c)
	if want := (MSI{Offset: 0x80, Vectors: 1, Is64: true, Allocated: 1}); err != nil || m != want {
		t.Errorf("AHCI MSI %+v %v, want %+v", m, err, want)
	}
	// Host bridges are sized without turning their decoding off.
	q.writes = nil
	ReadBARs(q, Addr{}, mustHeader(t, q, Addr{}))
	for _, w := range q.writes {
		if strings.Contains(w, " 0x04=") {
			t.Errorf("host bridge command written: %s", w)
		}
	}
}

func mustHeader(t *testing.T, c Config, a Addr) Header {
	t.Helper()
	h, err := ReadHeader(c, a)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
