package firmware

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/u-root/u-root/pkg/smbios"
)

// A synthetic machine in a 4 KiB image that the wrap reader maps at every
// multiple of 4 KiB, so that the legacy scans (0xE0000, 0xF0000) see its
// start and small pointers land in it. It has what the QEMU dumps lack: a
// 64-bit SMBIOS entry point from EFI, an ACPI 2.0 RSDP found by scanning,
// an XSDT and an RSDT, a FADT with IAPC_BOOT_ARCH chosen by the test.
// 0x400-0x4FF stays zero: the BIOS data area, with no EBDA segment.
const (
	synthSize    = 0x1000
	synthSM32    = 0x100 // "_SM_" on a 16-byte boundary: 0xF0100
	synthSM3     = 0x188 // "_SM3_" off the 16-byte grid: only EFI finds it
	synthRSDP    = 0x200 // 0xE0200
	synthRSDT    = 0x280
	synthXSDT    = 0x2c0
	synthDSDT    = 0x300
	synthFACS    = 0x340
	synthAPIC    = 0x380
	synthFADT    = 0x500
	synthStructs = 0x600
	synthEFI     = 0x800
	synthEFICfg  = 0x880
	synthEFIVend = 0x900
	synthName    = "Gokernel Synthetic Machine"
)

type synthOpts struct {
	fadtRev  byte
	bootArch uint16
}

func put32(b []byte, off int, v uint32) { binary.LittleEndian.PutUint32(b[off:], v) }
func put64(b []byte, off int, v uint64) { binary.LittleEndian.PutUint64(b[off:], v) }

// fixSum sets b[at] so that b sums to zero.
func fixSum(b []byte, at int) {
	b[at] = 0
	b[at] = -checksum(b)
}

func acpiTable(sig string, rev byte, body []byte) []byte {
	b := make([]byte, headerSize+len(body))
	copy(b, sig)
	put32(b, headerLength, uint32(len(b)))
	b[headerRevision] = rev
	copy(b[headerOEMID:], "GOTEST")
	copy(b[headerOEMTableID:], "SYNTH   ")
	copy(b[headerSize:], body)
	fixSum(b, 9)
	return b
}

func smbiosStruct(typ byte, formatted []byte, strs ...string) []byte {
	b := append([]byte{typ, byte(4 + len(formatted)), 0, 0}, formatted...)
	for _, s := range strs {
		b = append(b, s...)
		b = append(b, 0)
	}
	if len(strs) == 0 {
		b = append(b, 0)
	}
	return append(b, 0)
}

func synthImage(o synthOpts) []byte {
	m := make([]byte, synthSize)

	// SMBIOS structures: BIOS (type 0, DSP0134 §7.1), system (type 1,
	// §7.2), end of table (type 127).
	var st []byte
	st = append(st, smbiosStruct(0, []byte{1, 2, 0x00, 0xe8, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "GoTest BIOS", "1.0", "01/02/2026")...)
	sys := make([]byte, 0x1b-4)
	sys[0], sys[1], sys[2] = 1, 2, 3 // manufacturer, product, version
	sys[20] = 6                      // wake-up type: power switch
	st = append(st, smbiosStruct(1, sys, "Gokernel", "Synthetic Machine", "v1")...)
	st = append(st, smbiosStruct(127, nil)...)
	copy(m[synthStructs:], st)
	// Garbage after the end of table: a 64-bit entry point's size is only
	// a maximum.
	for i := range 64 {
		m[synthStructs+len(st)+i] = 0xa5
	}

	e32 := smbios.Entry32{Length: 0x1f, SMBIOSMajorVersion: 2, SMBIOSMinorVersion: 8,
		StructMaxSize: 64, StructTableLength: uint16(len(st)), StructTableAddr: synthStructs,
		NumberOfStructs: 3, BCDRevision: 0x28}
	copy(e32.Anchor[:], "_SM_")
	copy(e32.IntAnchor[:], "_DMI_")
	b, err := e32.MarshalBinary()
	if err != nil {
		panic(err)
	}
	copy(m[synthSM32:], b)
	e64 := smbios.Entry64{Length: 0x18, SMBIOSMajorVersion: 3, SMBIOSMinorVersion: 4, SMBIOSDocRev: 0,
		Revision: 1, StructMaxSize: uint32(len(st) + 64), StructTableAddr: synthStructs}
	copy(e64.Anchor[:], "_SM3_")
	if b, err = e64.MarshalBinary(); err != nil {
		panic(err)
	}
	copy(m[synthSM3:], b)

	// ACPI: RSDP 2.0, RSDT and XSDT listing FADT and APIC; FADT -> DSDT, FACS.
	r := m[synthRSDP : synthRSDP+rsdpSize2]
	copy(r, rsdpSignature)
	copy(r[rsdpOEMID:], "GOTEST")
	r[rsdpRevision] = 2
	put32(r, rsdpRSDT, synthRSDT)
	put32(r, rsdpLength, rsdpSize2)
	put64(r, rsdpXSDT, synthXSDT)
	fixSum(r[:rsdpSize1], 8)
	fixSum(r, 32)

	rsdt := make([]byte, 8)
	put32(rsdt, 0, synthFADT)
	put32(rsdt, 4, synthAPIC)
	copy(m[synthRSDT:], acpiTable("RSDT", 1, rsdt))
	xsdt := make([]byte, 16)
	put64(xsdt, 0, synthFADT)
	put64(xsdt, 8, synthAPIC)
	copy(m[synthXSDT:], acpiTable("XSDT", 1, xsdt))

	fadt := make([]byte, 244-headerSize)
	put32(fadt, fadtFirmwareCtrl-headerSize, synthFACS)
	put32(fadt, fadtDSDT-headerSize, synthDSDT)
	binary.LittleEndian.PutUint16(fadt[fadtIAPCBootArch-headerSize:], o.bootArch)
	put64(fadt, fadtXDSDT-headerSize, synthDSDT)
	copy(m[synthFADT:], acpiTable("FACP", o.fadtRev, fadt))
	copy(m[synthDSDT:], acpiTable("DSDT", 2, []byte{0x10, 0x05, 0x5c, 0x00})) // a little AML
	copy(m[synthFACS:], "FACS")
	put32(m, synthFACS+4, 64)
	copy(m[synthAPIC:], acpiTable("APIC", 4, make([]byte, 8)))

	// EFI system table (UEFI 2.10 §4.3.1) and configuration table (§4.6).
	s := m[synthEFI : synthEFI+efiSysSize]
	put64(s, 0, efiSystemTableSignature)
	put32(s, efiSysRevision, 2<<16|100)
	put32(s, efiSysHeaderSize, efiSysSize)
	put64(s, efiSysFirmwareVendor, synthEFIVend)
	put64(s, efiSysNumTables, 3)
	put64(s, efiSysConfigTable, synthEFICfg)
	for i, c := range []struct {
		g   [16]byte
		ptr uint64
	}{{guidACPI10, synthRSDP}, {guidSMBIOS3, synthSM3}, {guidACPI20, synthRSDP}} {
		copy(m[synthEFICfg+24*i:], c.g[:])
		put64(m, synthEFICfg+24*i+16, c.ptr)
	}
	for i, c := range "GoTest EFI" {
		m[synthEFIVend+2*i] = byte(c)
	}
	return m
}

// wrapReader maps mem at every multiple of len(mem) and counts the bytes
// read.
type wrapReader struct {
	mem   []byte
	total int
}

func (w *wrapReader) read(addr uint64, n int) ([]byte, error) {
	if len(w.mem) == 0 {
		return nil, errors.New("no memory")
	}
	if n < 0 || n > MaxRead {
		return nil, errors.New("bad length")
	}
	w.total += n
	out := make([]byte, n)
	off := int(addr % uint64(len(w.mem)))
	for i := 0; i < n; {
		c := copy(out[i:], w.mem[off:])
		i += c
		off = 0
	}
	return out, nil
}

func TestSynthetic(t *testing.T) {
	mem := synthImage(synthOpts{fadtRev: 6, bootArch: 0x0003})
	w := &wrapReader{mem: mem}

	// With the EFI system table: the 64-bit SMBIOS entry point, the ACPI
	// 2.0 RSDP, the XSDT.
	m, err := Probe(Input{EFISystemTable: synthEFI, Read: w.read})
	if err != nil {
		t.Errorf("Probe: %v", err)
	}
	want := Machine{
		Vendor: "Gokernel", Product: "Synthetic Machine", Version: "v1",
		BIOSVendor: "GoTest BIOS", BIOSVersion: "1.0", BIOSDate: "01/02/2026",
		Name:          synthName,
		SMBIOSVersion: "3.4.0", SMBIOSAt: synthSM3, SMBIOSFrom: FromEFI, SMBIOSTables: 3,
		EFIVendor: "GoTest EFI", EFIRevision: "2.10",
		ACPIRevision: 2, RSDPAt: synthRSDP, RSDPFrom: FromEFI, OEMID: "GOTEST",
		Root: "XSDT", Tables: []string{"FACP", "DSDT", "FACS", "APIC"},
		FADTRevision: 6, IAPCBootArch: 3, Has8042: true, Know8042: true,
	}
	checkMachine(t, m, want)

	// Without it: the legacy scans find "_SM_" at 0xF0100 and the RSDP
	// at 0xE0200.
	m, err = Probe(Input{Read: w.read})
	if err != nil {
		t.Errorf("Probe: %v", err)
	}
	checkMachine(t, m, with(want, func(m *Machine) {
		m.SMBIOSVersion, m.SMBIOSAt, m.SMBIOSFrom = "2.8", 0xf0000+synthSM32, FromBIOS
		m.RSDPAt, m.RSDPFrom = 0xe0000+synthRSDP, FromBIOS
		m.EFIVendor, m.EFIRevision = "", ""
	}))
	if w.total > ReadBudget {
		t.Errorf("read %d bytes", w.total)
	}
}

func TestSyntheticFADT(t *testing.T) {
	for _, tc := range []struct {
		rev         byte
		arch        uint16
		has, know   bool
		wantFADTRev int
	}{
		{rev: 1, arch: 0x2, has: false, know: false, wantFADTRev: 1},
		{rev: 2, arch: 0x2, has: true, know: true, wantFADTRev: 2},
		{rev: 3, arch: 0x0, has: false, know: true, wantFADTRev: 3},
		{rev: 6, arch: 0x1d, has: false, know: true, wantFADTRev: 6},
		{rev: 5, arch: 0x2, has: true, know: true, wantFADTRev: 5},
	} {
		mem := synthImage(synthOpts{fadtRev: tc.rev, bootArch: tc.arch})
		m, err := Probe(Input{Read: (&wrapReader{mem: mem}).read})
		if err != nil {
			t.Errorf("rev %d: %v", tc.rev, err)
		}
		if m.Has8042 != tc.has || m.Know8042 != tc.know || m.FADTRevision != tc.wantFADTRev {
			t.Errorf("rev %d arch %#x: Has8042 %v Know8042 %v FADTRevision %d, want %v %v %d",
				tc.rev, tc.arch, m.Has8042, m.Know8042, m.FADTRevision, tc.has, tc.know, tc.wantFADTRev)
		}
		if m.Know8042 && m.IAPCBootArch != tc.arch {
			t.Errorf("rev %d: IAPCBootArch %#x, want %#x", tc.rev, m.IAPCBootArch, tc.arch)
		}
	}
}

// Faults in the synthetic machine: each is reported, and Probe falls back
// where there is something to fall back to.
func TestSyntheticFaults(t *testing.T) {
	for _, tc := range []struct {
		name    string
		corrupt func(m []byte)
		efi     bool
		errs    []string
		check   func(t *testing.T, m Machine)
	}{
		{
			name:    "bad XSDT checksum is used and reported",
			corrupt: func(m []byte) { m[synthXSDT+9]++ },
			errs:    []string{"ACPI XSDT at 0x2c0: checksum mismatch"},
			check: func(t *testing.T, m Machine) {
				if m.Root != "XSDT" || len(m.Tables) != 4 {
					t.Errorf("Root %s Tables %q", m.Root, m.Tables)
				}
			},
		},
		{
			name:    "XSDT with a wrong signature: the RSDT",
			corrupt: func(m []byte) { copy(m[synthXSDT:], "XXXX") },
			errs:    []string{`ACPI XSDT: at 0x2c0: signature "XXXX", want "XSDT"`},
			check: func(t *testing.T, m Machine) {
				if m.Root != "RSDT" || len(m.Tables) != 4 {
					t.Errorf("Root %s Tables %q", m.Root, m.Tables)
				}
			},
		},
		{
			name: "bad RSDP extended checksum: the RSDT",
			corrupt: func(m []byte) {
				m[synthRSDP+32]++
			},
			errs: []string{"RSDP extended checksum mismatch; using the RSDT"},
			check: func(t *testing.T, m Machine) {
				if m.Root != "RSDT" || m.ACPIRevision != 2 {
					t.Errorf("Root %s ACPIRevision %d", m.Root, m.ACPIRevision)
				}
			},
		},
		{
			name:    "XSDT length not a multiple of 8",
			corrupt: func(m []byte) { put32(m, synthXSDT+4, headerSize+12); fixSum(m[synthXSDT:synthXSDT+headerSize+12], 9) },
			errs:    []string{"ACPI XSDT at 0x2c0: unexpected EOF"},
			check: func(t *testing.T, m Machine) {
				if m.Root != "RSDT" {
					t.Errorf("Root %s", m.Root)
				}
			},
		},
		{
			name:    "zero-length table in the RSDT/XSDT",
			corrupt: func(m []byte) { put32(m, synthAPIC+4, 0) },
			errs:    []string{"ACPI XSDT entry: APIC at 0x380: length 0"},
			check: func(t *testing.T, m Machine) {
				if len(m.Tables) != 3 {
					t.Errorf("Tables %q", m.Tables)
				}
			},
		},
		{
			name:    "no FADT",
			corrupt: func(m []byte) { copy(m[synthFADT:], "FACX"); fixSum(m[synthFADT:synthFADT+244], 9) },
			errs:    []string{"ACPI: no FADT (FACP) in the XSDT"},
			check: func(t *testing.T, m Machine) {
				if m.Know8042 || m.FADTRevision != 0 {
					t.Errorf("Know8042 %v FADTRevision %d", m.Know8042, m.FADTRevision)
				}
			},
		},
		{
			name:    "FACS without its signature",
			corrupt: func(m []byte) { copy(m[synthFACS:], "FACZ") },
			errs:    []string{`ACPI FACS at 0x340 (from the FADT): signature "FACZ", length 64`},
		},
		{
			name:    "bad SMBIOS 3 entry point from EFI: the legacy 2.8 one",
			efi:     true,
			corrupt: func(m []byte) { m[synthSM3+5]++ },
			errs:    []string{"SMBIOS 3 entry point at 0x188 (EFI configuration table): checksum mismatch"},
			check: func(t *testing.T, m Machine) {
				if m.SMBIOSVersion != "2.8" || m.Name != synthName {
					t.Errorf("SMBIOS %s, Name %q", m.SMBIOSVersion, m.Name)
				}
			},
		},
		{
			name: "EFI system table with a bad signature",
			efi:  true,
			corrupt: func(m []byte) {
				m[synthEFI]++
			},
			errs: []string{`EFI system table at 0x800: bad signature "JBI SYST"`},
			check: func(t *testing.T, m Machine) {
				if m.SMBIOSFrom != FromBIOS || m.RSDPFrom != FromBIOS {
					t.Errorf("from %s, %s", m.SMBIOSFrom, m.RSDPFrom)
				}
			},
		},
		{
			name: "huge EFI configuration table",
			efi:  true,
			corrupt: func(m []byte) {
				put64(m, synthEFI+efiSysNumTables, 1<<60)
			},
			errs: []string{"EFI system table at 0x800: 1152921504606846976 configuration table entries, searching the first 1024"},
		},
		{
			name: "SMBIOS structure without its double NUL",
			corrupt: func(m []byte) {
				for i := synthStructs + 0x18; m[i] != 0xa5; i++ { // up to the garbage after the table
					m[i] = 'x'
				}
			},
			errs: []string{"SMBIOS structure 0 at 0x600: unterminated string", "SMBIOS system information (type 1): table not found"},
			check: func(t *testing.T, m Machine) {
				if m.Name != "GOTEST SYNTH" { // the ACPI OEM IDs
					t.Errorf("Name %q", m.Name)
				}
			},
		},
		{
			name: "system information with placeholders: the baseboard",
			corrupt: func(m []byte) {
				st := smbiosStruct(1, make([]byte, 0x1b-4))
				st[4], st[5] = 1, 2
				st = append(st[:len(st)-2], "To Be Filled By O.E.M.\x00To Be Filled By O.E.M.\x00\x00"...)
				bb := smbiosStruct(2, []byte{1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "ACME", "Board 9")
				end := smbiosStruct(127, nil)
				all := append(append(append(smbiosStruct(0, []byte{1, 2, 0x00, 0xe8, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "B", "1", "d"), st...), bb...), end...)
				copy(m[synthStructs:], all)
				e := m[synthSM32 : synthSM32+0x1f]
				binary.LittleEndian.PutUint16(e[0x16:], uint16(len(all)))
				binary.LittleEndian.PutUint16(e[0x1c:], 4)
				fixSum(e[0x10:0x1f], 5)
				fixSum(e, 4)
			},
			check: func(t *testing.T, m Machine) {
				if m.Name != "ACME Board 9" || m.Vendor != "To Be Filled By O.E.M." {
					t.Errorf("Name %q Vendor %q", m.Name, m.Vendor)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := synthImage(synthOpts{fadtRev: 6, bootArch: 2})
			tc.corrupt(mem)
			in := Input{Read: (&wrapReader{mem: mem}).read}
			if tc.efi {
				in.EFISystemTable = synthEFI
			}
			m, err := Probe(in)
			checkErrs(t, err, tc.errs...)
			if tc.check != nil {
				tc.check(t, m)
			}
		})
	}
}

func checkErrs(t *testing.T, err error, want ...string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Errorf("Probe: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("Probe: no error, want %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q\nlacks %q", err, w)
		}
	}
}
