package pci

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestCamAddress(t *testing.T) {
	for _, c := range []struct {
		a    Addr
		off  uint16
		want uint32
		ok   bool
	}{
		{Addr{0, 0, 0}, 0, 0x80000000, true},
		{Addr{0, 0x1f, 2}, 0x10, 0x8000FA10, true},
		{Addr{0xFF, 31, 7}, 0xFC, 0x80FFFFFC, true},
		{Addr{1, 0, 0}, 0x100, 0, false}, // extended space: ECAM only
		{Addr{1, 0, 0}, 0x12, 0, false},  // unaligned
		{Addr{1, 32, 0}, 0, 0, false},
		{Addr{1, 0, 8}, 0, 0, false},
	} {
		got, ok := camAddress(c.a, c.off)
		if got != c.want || ok != c.ok {
			t.Errorf("camAddress(%s, %#x) = %#x, %v; want %#x, %v", c.a, c.off, got, ok, c.want, c.ok)
		}
	}
}

// fakeMMIO records accesses to a register block.
type fakeMMIO struct {
	mem map[uintptr]uint32
	log []string
}

func (m *fakeMMIO) Read32(off uintptr) uint32 { return m.mem[off] }
func (m *fakeMMIO) Write32(off uintptr, v uint32) {
	if m.mem == nil {
		m.mem = map[uintptr]uint32{}
	}
	m.mem[off] = v
	m.log = append(m.log, sprintf("%#x=%#x", off, v))
}

func TestECAM(t *testing.T) {
	m := &fakeMMIO{}
	e := ECAM{StartBus: 2, EndBus: 3, Mem: m}
	e.Write32(Addr{3, 4, 5}, 0x104, 7)
	e.Write32(Addr{1, 0, 0}, 0, 7)      // below the window
	e.Write32(Addr{4, 0, 0}, 0, 7)      // above
	e.Write32(Addr{2, 0, 0}, 0x1000, 7) // past 4 KiB
	if want := []string{"0x125104=0x7"}; !slices.Equal(m.log, want) {
		t.Errorf("writes %q, want %q", m.log, want)
	}
	if e.Read32(Addr{3, 4, 5}, 0x104) != 7 || e.Read32(Addr{4, 0, 0}, 0) != 0xFFFFFFFF {
		t.Error("reads")
	}
	if WindowSize(0, 255) != 256<<20 || WindowSize(3, 2) != 0 {
		t.Error("WindowSize")
	}
}

// space builds a configuration space: a type 0 header with the given
// class, then bytes at offsets.
func space(vendor uint16, class Class, ht uint8, set map[int]byte) []byte {
	b := make([]byte, 256)
	b[0], b[1], b[2], b[3] = byte(vendor), byte(vendor>>8), 0x34, 0x12
	b[9], b[10], b[11] = class.ProgIF, class.Sub, class.Base
	b[RegHeaderType] = ht
	for off, v := range set {
		b[off] = v
	}
	return b
}

func TestParseHeader(t *testing.T) {
	if _, err := ParseHeader(make([]byte, 63)); err != ErrShortHeader {
		t.Errorf("short: %v", err)
	}
	if _, err := ParseHeader(space(0xFFFF, Class{}, 0, nil)); err != ErrNoFunction {
		t.Errorf("absent: %v", err)
	}
	var ht ErrHeaderType
	if _, err := ParseHeader(space(1, Class{}, 0x83, nil)); !errors.As(err, &ht) || ht != 3 {
		t.Errorf("type 3: %v", err)
	}
	// The capability pointer counts only with the Status bit.
	h, _ := ParseHeader(space(1, Class{}, 0, map[int]byte{RegCapPtr: 0x40}))
	if h.CapPtr != 0 {
		t.Errorf("CapPtr %#x without StatusCapList", h.CapPtr)
	}
	h, _ = ParseHeader(space(1, Class{}, 2, map[int]byte{RegStatus: StatusCapList, capPtrCardBus: 0x80, RegCapPtr: 0x40}))
	if h.CapPtr != 0x80 || h.Type != TypeCardBus || h.BAR != [6]uint32{} {
		t.Errorf("CardBus: %+v", h)
	}
	h, _ = ParseHeader(space(0x8086, ClassBridge, 0x81, map[int]byte{0x18: 1, 0x19: 2, 0x1A: 5, 0x10: 4, 0x18 + 4: 9}))
	if !h.MultiFunction || h.Primary != 1 || h.Secondary != 2 || h.Subordinate != 5 || h.BAR[0] != 4 || h.BAR[2] != 0 || h.Device != 0x1234 {
		t.Errorf("bridge: %+v", h)
	}
}

func TestCapabilities(t *testing.T) {
	with := func(set map[int]byte) ([]Cap, error) {
		set[RegStatus] = StatusCapList
		b := space(1, Class{}, 0, set)
		h, err := ParseHeader(b)
		if err != nil {
			t.Fatal(err)
		}
		return Capabilities(b, h)
	}
	caps, err := with(map[int]byte{RegCapPtr: 0x43, 0x40: CapMSI, 0x41: 0x51, 0x50: CapMSIX, 0x51: 0})
	if want := []Cap{{CapMSI, 0x40}, {CapMSIX, 0x50}}; err != nil || !slices.Equal(caps, want) {
		t.Errorf("chain (low bits masked): %v %v", caps, err)
	}
	caps, err = with(map[int]byte{RegCapPtr: 0x40, 0x40: CapPM, 0x41: 0x50, 0x50: CapMSI, 0x51: 0x40})
	if err != ErrCapLoop || len(caps) != 2 {
		t.Errorf("loop: %v %v", caps, err)
	}
	caps, err = with(map[int]byte{RegCapPtr: 0x40, 0x40: CapPM, 0x41: 0x40})
	if err != ErrCapLoop || len(caps) != 1 {
		t.Errorf("self loop: %v %v", caps, err)
	}
	var pe ErrCapPointer
	if _, err = with(map[int]byte{RegCapPtr: 0x3C}); !errors.As(err, &pe) || pe != 0x3C {
		t.Errorf("into the header: %v", err)
	}
	b := space(1, Class{}, 0, map[int]byte{RegStatus: StatusCapList, RegCapPtr: 0xFC, 0xFC: 1, 0xFD: 0x40})
	h, _ := ParseHeader(b)
	if _, err := Capabilities(b[:0xFD], h); !errors.As(err, &pe) {
		t.Errorf("past the end: %v", err)
	}
	// The longest list: every dword from 0x40 to 0xFC, then a loop.
	set := map[int]byte{RegCapPtr: 0x40}
	for p := 0x40; p <= 0xFC; p += 4 {
		set[p], set[p+1] = CapVendor, byte(p+4)
	}
	set[0xFD] = 0x40
	if caps, err := with(set); err != ErrCapLoop || len(caps) != 48 {
		t.Errorf("48 entries: %d, %v", len(caps), err)
	}
	if _, ok := FindCap(caps, CapMSIX); ok {
		t.Error("FindCap found an absent capability")
	}
}

func TestParseMSI(t *testing.T) {
	for _, c := range []struct {
		ctl  uint16
		n    int // bytes available after the capability's start
		want MSI
		err  string
	}{
		{0x0000, 12, MSI{Offset: 0x60, Vectors: 1, Allocated: 1}, ""},
		{0x0081, 16, MSI{Offset: 0x60, Vectors: 1, Allocated: 1, Is64: true, Enabled: true}, ""},
		{0x018A, 24, MSI{Offset: 0x60, Vectors: 32, Allocated: 1, Is64: true, Maskable: true}, ""},
		{0x0154, 20, MSI{Offset: 0x60, Vectors: 4, Allocated: 32, Maskable: true}, ""},
		{0x018A, 23, MSI{}, "past"},
		{0x0080, 15, MSI{}, "past"},
		{0x000C, 12, MSI{}, "reserved"},
		{0x0070, 12, MSI{}, "reserved"},
	} {
		b := make([]byte, 0x60+c.n)
		b[0x60], b[0x62], b[0x63] = CapMSI, byte(c.ctl), byte(c.ctl>>8)
		m, err := ParseMSI(b, Cap{CapMSI, 0x60})
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ctl %#x: err %v, want %q", c.ctl, err, c.err)
			}
			continue
		}
		if err != nil || m != c.want {
			t.Errorf("ctl %#x: %+v %v, want %+v", c.ctl, m, err, c.want)
		}
	}
	if _, err := ParseMSI(make([]byte, 256), Cap{CapMSIX, 0x60}); err == nil {
		t.Error("MSI-X taken for MSI")
	}
	if _, err := ParseMSI(make([]byte, 0x62), Cap{CapMSI, 0x60}); err != ErrCapTruncated {
		t.Errorf("3 bytes: %v", err)
	}
	m := MSI{Offset: 0x50, Is64: true, Maskable: true}
	if off, ok := m.MaskOffset(); off != 0x60 || !ok {
		t.Errorf("mask offset %#x", off)
	}
	m.Is64 = false
	if off, _ := m.MaskOffset(); off != 0x5C {
		t.Errorf("mask offset %#x", off)
	}
}

func TestMSIMessage(t *testing.T) {
	msg, err := MSIMessage(0x41, 3)
	if err != nil || msg != (Message{Addr: 0xFEE03000, Data: 0x41}) {
		t.Errorf("MSIMessage(0x41, 3) = %#x, %v", msg, err)
	}
	if v, id, ok := msg.Vector(); v != 0x41 || id != 3 || !ok {
		t.Errorf("Vector: %#x %d %v", v, id, ok)
	}
	if _, err := MSIMessage(15, 0); err == nil {
		t.Error("vector 15 accepted")
	}
	if _, err := MSIMessage(0x40, 256); err == nil {
		t.Error("APIC ID 256 accepted")
	}
	for _, bad := range []Message{{Addr: 0xFED00000}, {Addr: 0xFEE00004}, {Addr: 0xFEE00000, Data: 0x8030}, {Addr: 0xFEE00000, Data: 0x430}} {
		if _, _, ok := bad.Vector(); ok {
			t.Errorf("%#x taken for a fixed edge message", bad)
		}
	}
}

func TestProgramMSI(t *testing.T) {
	f := newFake()
	a := Addr{0, 3, 0}
	b := make([]byte, 256)
	b[0x60], b[0x61], b[0x62], b[0x63] = CapMSI, 0, 0x84|msiEnable, 0x00 // 64-bit, 4 vectors, enabled
	f.set(a, b)
	m, err := ParseMSI(b, Cap{CapMSI, 0x60})
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := MSIMessage(0x44, 1)
	if err := ProgramMSI(f, a, m, msg, 4); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"00:03.0 0x60=00840005", // disabled first (enable was set)
		"00:03.0 0x64=fee01000", "00:03.0 0x68=00000000", "00:03.0 0x6c=00000044",
		"00:03.0 0x60=00a50005", // 4 vectors (MME 2), enabled
	}
	if !slices.Equal(f.writes, want) {
		t.Errorf("writes\n%q\nwant\n%q", f.writes, want)
	}
	DisableMSI(f, a, m)
	if got := f.writes[len(f.writes)-1]; got != "00:03.0 0x60=00a40005" { // enable cleared
		t.Errorf("disable: %s", got)
	}
	for _, c := range []struct {
		msg Message
		n   int
	}{{msg, 3}, {msg, 8}, {msg, 0}, {Message{Data: 0x42}, 4}} {
		if err := ProgramMSI(f, a, m, c.msg, c.n); err == nil {
			t.Errorf("%d vectors of %#x accepted", c.n, c.msg)
		}
	}
	m.Is64 = false
	if err := ProgramMSI(f, a, m, Message{Addr: 1 << 32, Data: 0x40}, 1); err == nil {
		t.Error("64-bit address on a 32-bit MSI accepted")
	}
}

func TestMSIX(t *testing.T) {
	b := make([]byte, 256)
	copy(b[0x90:], []byte{CapMSIX, 0, 0x0F, 0x40, 0x02, 0x30, 0, 0, 0x02, 0x38, 0, 0})
	m, err := ParseMSIX(b, Cap{CapMSIX, 0x90})
	want := MSIX{Offset: 0x90, Size: 16, TableBIR: 2, TableOffset: 0x3000, PBABIR: 2, PBAOffset: 0x3800, Masked: true}
	if err != nil || m != want {
		t.Errorf("%+v %v, want %+v", m, err, want)
	}
	if m.TableBytes() != 256 {
		t.Error("TableBytes")
	}
	b[0x94] = 6
	if _, err := ParseMSIX(b, Cap{CapMSIX, 0x90}); err == nil {
		t.Error("BIR 6 accepted")
	}
	if _, err := ParseMSIX(b[:0x9B], Cap{CapMSIX, 0x90}); err != ErrCapTruncated {
		t.Errorf("truncated: %v", err)
	}
	if _, err := ParseMSIX(b, Cap{CapMSI, 0x90}); err == nil {
		t.Error("MSI taken for MSI-X")
	}

	tbl := &fakeMMIO{mem: map[uintptr]uint32{0x1C: 0x80000000}}
	msg, _ := MSIMessage(0x50, 2)
	if err := WriteMSIXEntry(tbl, m, 1, msg, false); err != nil {
		t.Fatal(err)
	}
	wantLog := []string{"0x1c=0x80000001", "0x10=0xfee02000", "0x14=0x0", "0x18=0x50", "0x1c=0x80000000"}
	if !slices.Equal(tbl.log, wantLog) {
		t.Errorf("entry writes %q, want %q", tbl.log, wantLog)
	}
	if WriteMSIXEntry(tbl, m, 16, msg, false) == nil || WriteMSIXEntry(tbl, m, -1, msg, false) == nil {
		t.Error("entry outside the table accepted")
	}
	if e := MSIXEntry(Message{Addr: 0x1_2345_6789, Data: 7}, true); e != [4]uint32{0x23456789, 1, 7, 1} {
		t.Errorf("MSIXEntry %#x", e)
	}

	f := newFake()
	a := Addr{0, 4, 0}
	f.set(a, b)
	EnableMSIX(f, a, m)
	DisableMSIX(f, a, m)
	if want := []string{"00:04.0 0x90=800f0011", "00:04.0 0x90=000f0011"}; !slices.Equal(f.writes, want) {
		t.Errorf("control writes %q, want %q", f.writes, want)
	}
}

func TestDecodeBAR(t *testing.T) {
	for _, c := range []struct {
		lo, hi, slo, shi uint32
		want             BAR
		err              bool
	}{
		{0, 0, 0, 0, BAR{}, false},
		{0xC041, 0, 0xFFFFFFE1, 0, BAR{Kind: BARIO, Addr: 0xC040, Size: 32}, false},
		{0xC041, 0, 0x0000FFE1, 0, BAR{Kind: BARIO, Addr: 0xC040, Size: 32}, false}, // upper bits hardwired
		{0xFEBD8000, 0, 0xFFFFF000, 0, BAR{Kind: BARMem32, Addr: 0xFEBD8000, Size: 4096}, false},
		{0xFD000008, 0, 0xFF000008, 0, BAR{Kind: BARMem32, Prefetchable: true, Addr: 0xFD000000, Size: 16 << 20}, false},
		{0xFEBD4004, 0, 0xFFFFC004, 0xFFFFFFFF, BAR{Kind: BARMem64, Addr: 0xFEBD4000, Size: 16 << 10}, false},
		{0x0000000C, 0x10, 0x0000000C, 0xFFFFFFF0, BAR{Kind: BARMem64, Prefetchable: true, Addr: 0x10_0000_0000, Size: 64 << 30}, false},
		{0x000D0002, 0, 0xFFFF0002, 0, BAR{Kind: BARMem1M, Addr: 0xD0000, Size: 64 << 10}, false},
		{0x00000006, 0, 0xFFFFF006, 0, BAR{}, true}, // reserved type
		{0x00000001, 0, 0x00000001, 0, BAR{}, true}, // I/O with no address bits
		{0x00000000, 0, 0x00000008, 0, BAR{}, true},
		{0xFEBD8800, 0, 0xFFFFF000, 0, BAR{}, true}, // bits below the size
	} {
		got, err := DecodeBAR(c.lo, c.hi, c.slo, c.shi)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("DecodeBAR(%#x, %#x, %#x, %#x) = %+v, %v; want %+v, err %v", c.lo, c.hi, c.slo, c.shi, got, err, c.want, c.err)
		}
	}
	if s := (BAR{Index: 2, Kind: BARMem64, Addr: 0xfe000000, Size: 1 << 20, Prefetchable: true}).String(); s != "BAR2 mem64 0xfe000000 (1 MiB, prefetchable)" {
		t.Error(s)
	}
	f := newFake()
	a := Addr{0, 1, 0}
	f.set(a, space(1, Class{}, 0, map[int]byte{0x24: 0x04}))
	f.sizes[a] = []uint32{0, 0, 0, 0, 0, 0xFFFFC004}
	if _, err := ReadBARs(f, a, mustHeader(t, f, a)); err == nil {
		t.Error("64-bit BAR 5 accepted")
	}
}

func TestEnumerate(t *testing.T) {
	f := newFake()
	host := space(0x8086, ClassHostBridge, 0x80, nil)
	f.set(Addr{0, 0, 0}, host)
	f.set(Addr{0, 0, 1}, space(0x8086, ClassHostBridge, 0, nil)) // host bridge of bus 1
	f.set(Addr{1, 2, 0}, space(0x1111, ClassXHCI, 0, nil))
	f.set(Addr{0, 5, 0}, space(0x2222, Class{2, 0, 0}, 0, nil)) // single-function
	f.set(Addr{0, 5, 3}, space(0x2222, Class{2, 0, 0}, 0, nil)) // ... that answers on fn 3 too
	f.set(Addr{0, 6, 0}, space(0x3333, Class{1, 6, 1}, 0x80, nil))
	f.set(Addr{0, 6, 2}, space(0x3333, Class{1, 6, 1}, 0, nil))
	f.set(Addr{0, 7, 0}, space(0x4444, Class{}, 0x05, nil)) // bad header type
	bridge := func(pri, sec, sub uint8) []byte {
		return space(0x1b36, ClassBridge, 1, map[int]byte{0x18: pri, 0x19: sec, 0x1A: sub})
	}
	f.set(Addr{0, 8, 0}, bridge(0, 2, 3))
	f.set(Addr{2, 0, 0}, bridge(2, 3, 3))
	f.set(Addr{3, 1, 0}, space(0x5555, ClassXHCI, 0, nil))
	f.set(Addr{0, 9, 0}, bridge(0, 0, 0))  // unconfigured
	f.set(Addr{0, 10, 0}, bridge(0, 2, 2)) // claims bus 2 again
	f.set(Addr{3, 2, 0}, bridge(3, 0x30, 0x20))
	f.set(Addr{3, 3, 0}, bridge(3, 1, 1)) // points back up
	s := Enumerate(f)
	want := []string{
		"00:00.0 8086:1234 060000 0", "00:00.1 8086:1234 060000 0",
		"00:05.0 2222:1234 020000 0", "00:06.0 3333:1234 010601 0", "00:06.2 3333:1234 010601 0",
		"00:08.0 1b36:1234 060400 0", "00:09.0 1b36:1234 060400 0", "00:0a.0 1b36:1234 060400 0",
		"01:02.0 1111:1234 0c0330 0",
		"02:00.0 1b36:1234 060400 1", "03:01.0 5555:1234 0c0330 2",
		"03:02.0 1b36:1234 060400 2", "03:03.0 1b36:1234 060400 2",
	}
	if got := lines(s); !slices.Equal(got, want) {
		t.Errorf("functions\n%q\nwant\n%q", got, want)
	}
	var probs []string
	for _, p := range s.Problems {
		probs = append(probs, p.Error())
	}
	wantProbs := []string{
		// In the order of the depth-first walk.
		"pci: 00:07.0: pci: unknown header type 0x5",
		"pci: 03:02.0: bridge's buses 48-32 do not lie behind bus 3",
		"pci: 03:03.0: bridge's buses 1-1 do not lie behind bus 3",
		"pci: 00:09.0: bridge not configured (secondary bus 0)",
		"pci: 00:0a.0: bridge's secondary bus 2 already scanned",
	}
	if !slices.Equal(probs, wantProbs) {
		t.Errorf("problems\n%q\nwant\n%q", probs, wantProbs)
	}
	// Explicit roots: bus 1 only.
	if got := lines(Enumerate(f, 1)); len(got) != 12 && !slices.Contains(got, "01:02.0 1111:1234 0c0330 0") {
		t.Errorf("roots: %q", got)
	}
}

func TestNames(t *testing.T) {
	for _, c := range []struct {
		c    Class
		want string
	}{
		{ClassXHCI, "USB controller (xHCI)"},
		{Class{0x0C, 0x03, 0x77}, "USB controller"},
		{Class{0x0C, 0x77, 0}, "serial bus controller"},
		{Class{0x01, 0x06, 0x01}, "SATA controller (AHCI)"},
		{Class{0x42, 0, 0}, "unknown class 420000"},
	} {
		if got := c.c.Name(); got != c.want {
			t.Errorf("%s: %q, want %q", c.c, got, c.want)
		}
	}
	f := Function{Addr: Addr{0, 3, 0}, Header: Header{Vendor: 0x1b36, Device: 0xd, Class: ClassXHCI}}
	if got, want := Line(f, "xhci"), "00:03.0 1b36:000d  USB controller (xHCI)          xhci"; got != want {
		t.Errorf("Line:\n%q\n%q", got, want)
	}
	if got := Line(f, ""); !strings.HasSuffix(got, " -") {
		t.Errorf("Line without driver: %q", got)
	}
}
