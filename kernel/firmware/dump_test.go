package firmware

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gokernel/kernel/multiboot"
	"gokernel/tools/memdump"
)

// dump is a capture from testdata (see testdata/README.md): the physical
// ranges a Probe read from a QEMU guest, and boot.txt's keys.
type dump struct {
	name string
	*memdump.Memory
	boot map[string]string
}

func loadDump(t testing.TB, name string) *dump {
	t.Helper()
	dir := filepath.Join("testdata", name)
	d := &dump{name: name, Memory: memdump.Load(t, dir), boot: map[string]string{}}
	for _, p := range memdump.Keys(t, filepath.Join(dir, "boot.txt")) {
		d.boot[p.Key] = p.Value
	}
	return d
}

// view returns the captured bytes [addr, addr+n) or nil; the slice is the
// dump's own memory, so tests can corrupt it.
func (d *dump) view(addr uint64, n int) []byte {
	if n < 0 {
		return nil
	}
	return d.View(addr, uint64(n))
}

// read is the PhysReader: a copy of captured memory, an error elsewhere.
func (d *dump) read(addr uint64, n int) ([]byte, error) {
	if n < 0 || n > MaxRead {
		return nil, fmt.Errorf("bad length %d", n)
	}
	if v := d.view(addr, n); v != nil {
		return bytes.Clone(v), nil
	}
	return nil, fmt.Errorf("%d bytes at %#x not captured", n, addr)
}

// bootInput parses the captured multiboot information as the kernel does
// (kernel/multiboot for the RSDP tag; tag 12, which that package does not
// record yet, by walking the tags) and returns the Input the kernel would
// build.
func (d *dump) bootInput(t testing.TB) Input {
	t.Helper()
	in := Input{Read: d.read}
	if d.boot["protocol"] != "2" {
		return in
	}
	mbi, err := strconv.ParseUint(d.boot["mbi"], 0, 64)
	if err != nil {
		t.Fatal(err)
	}
	var info multiboot.Info
	mem := func(addr, n uint64) []byte {
		if n > MaxTable {
			return nil
		}
		return d.view(addr, int(n))
	}
	if e := multiboot.Parse(multiboot.BootMagic2, mbi, mem, &info); e != multiboot.OK {
		t.Fatalf("multiboot.Parse: %v", e)
	}
	in.RSDP = slices.Clone(info.RSDP[:info.RSDPLen])

	total := binary.LittleEndian.Uint32(d.view(mbi, 4))
	tags := d.view(mbi, int(total))
	for off := 8; off+8 <= len(tags); {
		typ, size := binary.LittleEndian.Uint32(tags[off:]), int(binary.LittleEndian.Uint32(tags[off+4:]))
		if typ == 0 || size < 8 {
			break
		}
		if typ == 12 && size >= 16 { // EFI 64-bit system table pointer
			in.EFISystemTable = binary.LittleEndian.Uint64(tags[off+8:])
		}
		off += (size + 7) &^ 7
	}
	if want := d.boot["efi_system_table"]; want != "" && fmt.Sprintf("%#x", in.EFISystemTable) != want {
		t.Fatalf("tag 12 gives %#x, boot.txt says %s", in.EFISystemTable, want)
	}
	return in
}

const (
	i440fx = "QEMU Standard PC (i440FX + PIIX, 1996)"
	q35    = "QEMU Standard PC (Q35 + ICH9, 2009)"
)

// Expected results, checked against the bytes independently: QEMU 7.2
// builds an ACPI 1.0 FADT (revision 1, 116 bytes, IAPC_BOOT_ARCH
// reserved) for the i440FX machine and a revision 3 FADT with
// IAPC_BOOT_ARCH = 0x0002 (8042 present) for Q35, under either firmware.
var (
	seabiosPC = Machine{
		Vendor: "QEMU", Product: "Standard PC (i440FX + PIIX, 1996)", Version: "pc-i440fx-7.2",
		BIOSVendor: "SeaBIOS", BIOSVersion: "1.16.2-debian-1.16.2-1", BIOSDate: "04/01/2014",
		Name:          i440fx,
		SMBIOSVersion: "2.8", SMBIOSAt: 0xf59f0, SMBIOSFrom: FromBIOS, SMBIOSTables: 9,
		ACPIRevision: 0, RSDPAt: 0xf59d0, RSDPFrom: FromBIOS, OEMID: "BOCHS",
		Root: "RSDT", Tables: []string{"FACP", "DSDT", "FACS", "APIC", "HPET", "WAET"},
		FADTRevision: 1,
	}
	seabiosQ35 = Machine{
		Vendor: "QEMU", Product: "Standard PC (Q35 + ICH9, 2009)", Version: "pc-q35-7.2",
		BIOSVendor: "SeaBIOS", BIOSVersion: "1.16.2-debian-1.16.2-1", BIOSDate: "04/01/2014",
		Name:          q35,
		SMBIOSVersion: "2.8", SMBIOSAt: 0xf5a00, SMBIOSFrom: FromBIOS, SMBIOSTables: 9,
		ACPIRevision: 0, RSDPAt: 0xf59e0, RSDPFrom: FromBIOS, OEMID: "BOCHS",
		Root: "RSDT", Tables: []string{"FACP", "DSDT", "FACS", "APIC", "HPET", "MCFG", "WAET"},
		FADTRevision: 3, IAPCBootArch: 2, Has8042: true, Know8042: true,
	}
	ovmfPC = Machine{
		Vendor: "QEMU", Product: "Standard PC (i440FX + PIIX, 1996)", Version: "pc-i440fx-7.2",
		BIOSVendor: "EFI Development Kit II / OVMF", BIOSVersion: "0.0.0", BIOSDate: "02/06/2015",
		Name:          i440fx,
		SMBIOSVersion: "2.8", SMBIOSAt: 0x7518000, SMBIOSFrom: FromEFI, SMBIOSTables: 9,
		EFIVendor: "EDK II", EFIRevision: "2.7",
		ACPIRevision: 2, RSDPFrom: FromBootInfo, OEMID: "BOCHS",
		Root: "XSDT", Tables: []string{"FACP", "DSDT", "FACS", "APIC", "HPET", "WAET", "BGRT"},
		FADTRevision: 1,
	}
	ovmfQ35 = Machine{
		Vendor: "QEMU", Product: "Standard PC (Q35 + ICH9, 2009)", Version: "pc-q35-7.2",
		BIOSVendor: "EFI Development Kit II / OVMF", BIOSVersion: "0.0.0", BIOSDate: "02/06/2015",
		Name:          q35,
		SMBIOSVersion: "2.8", SMBIOSAt: 0x7518000, SMBIOSFrom: FromEFI, SMBIOSTables: 9,
		EFIVendor: "EDK II", EFIRevision: "2.7",
		ACPIRevision: 2, RSDPFrom: FromBootInfo, OEMID: "BOCHS",
		Root: "XSDT", Tables: []string{"FACP", "DSDT", "FACS", "APIC", "HPET", "MCFG", "WAET", "BGRT"},
		FADTRevision: 3, IAPCBootArch: 2, Has8042: true, Know8042: true,
	}
)

func with(m Machine, f func(*Machine)) Machine {
	m.Tables = slices.Clone(m.Tables)
	f(&m)
	return m
}

func TestDumps(t *testing.T) {
	for _, tc := range []struct {
		dump string
		want Machine
	}{
		{"pc-seabios", seabiosPC},
		{"q35-seabios", seabiosQ35},
		{"pc-ovmf", ovmfPC},
		{"q35-ovmf", ovmfQ35},
		{"q35-ovmf-smbios3", with(ovmfQ35, func(m *Machine) {
			m.SMBIOSVersion, m.SMBIOSAt = "3.0.0", 0x7516000
		})},
	} {
		t.Run(tc.dump, func(t *testing.T) {
			d := loadDump(t, tc.dump)
			m, err := Probe(d.bootInput(t))
			if err != nil {
				t.Errorf("Probe: %v", err)
			}
			checkMachine(t, m, tc.want)
			t.Logf("\n%s", m)
		})
	}
}

func checkMachine(t *testing.T, got, want Machine) {
	t.Helper()
	if !slices.Equal(got.Tables, want.Tables) {
		t.Errorf("Tables = %q, want %q", got.Tables, want.Tables)
	}
	got.Tables, want.Tables = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Probe =\n%+v\nwant\n%+v", got, want)
	}
}

// Under OVMF without the loader's RSDP copy the EFI configuration table
// gives the RSDP; without the EFI system table too, nothing is found (no
// legacy BIOS area tables under UEFI), and the errors say where Probe
// looked.
func TestOVMFWithoutBootInfo(t *testing.T) {
	for _, name := range []string{"pc-ovmf", "q35-ovmf"} {
		t.Run(name, func(t *testing.T) {
			d := loadDump(t, name)
			in := d.bootInput(t)
			in.RSDP = nil
			m, err := Probe(in)
			if err != nil {
				t.Errorf("Probe: %v", err)
			}
			want := ovmfPC
			if name == "q35-ovmf" {
				want = ovmfQ35
			}
			checkMachine(t, m, with(want, func(m *Machine) { m.RSDPFrom, m.RSDPAt = FromEFI, 0x777e014 }))

			m, err = Probe(Input{Read: d.read})
			if err == nil {
				t.Fatal("Probe without boot information found everything")
			}
			for _, s := range []string{"SMBIOS: no entry point in 0xF0000-0xFFFFF", "ACPI: no RSDP"} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
			checkMachine(t, m, Machine{ACPIRevision: -1})
		})
	}
}

// Under SeaBIOS, GRUB passes the RSDP that the scan finds; the result is
// the same but for where it came from.
func TestSeaBIOSRSDPFromLoader(t *testing.T) {
	d := loadDump(t, "q35-seabios")
	in := d.bootInput(t)
	in.RSDP = bytes.Clone(d.view(seabiosQ35.RSDPAt, 20))
	m, err := Probe(in)
	if err != nil {
		t.Errorf("Probe: %v", err)
	}
	checkMachine(t, m, with(seabiosQ35, func(m *Machine) { m.RSDPFrom, m.RSDPAt = FromBootInfo, 0 }))
}

func TestString(t *testing.T) {
	m, _ := Probe(loadDump(t, "q35-ovmf").bootInput(t))
	want := `machine: QEMU Standard PC (Q35 + ICH9, 2009) (pc-q35-7.2), BIOS EFI Development Kit II / OVMF 0.0.0 02/06/2015, UEFI 2.7 EDK II
smbios: 2.8 at 0x7518000 (EFI configuration table), 9 structures
acpi: RSDP rev 2 BOCHS (boot information), XSDT: FACP DSDT FACS APIC HPET MCFG WAET BGRT; 8042 present`
	if s := m.String(); s != want {
		t.Errorf("String() =\n%s\nwant\n%s", s, want)
	}
	m, _ = Probe(loadDump(t, "pc-seabios").bootInput(t))
	if s := m.String(); !strings.HasSuffix(s, "; 8042 unknown (FADT rev 1)") {
		t.Errorf("String() = %s", s)
	}
	if s := (Machine{ACPIRevision: -1}).String(); s != "machine: unknown machine\nsmbios: none\nacpi: none" {
		t.Errorf("String() = %q", s)
	}
}
