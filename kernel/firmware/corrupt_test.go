package firmware

import (
	"encoding/binary"
	"errors"
	"slices"
	"testing"
)

// rootEntry returns the address of the table with signature sig that the
// dump's RSDT lists (RSDP at rsdpAt), checking the test's own reading of
// the bytes rather than Probe's.
func rootEntry(t *testing.T, d *dump, rsdpAt uint64, sig string) uint64 {
	t.Helper()
	rsdt := uint64(binary.LittleEndian.Uint32(d.view(rsdpAt+16, 4)))
	n := binary.LittleEndian.Uint32(d.view(rsdt+4, 4))
	tab := d.view(rsdt, int(n))
	for off := 36; off+4 <= len(tab); off += 4 {
		a := uint64(binary.LittleEndian.Uint32(tab[off:]))
		if string(d.view(a, 4)) == sig {
			return a
		}
	}
	t.Fatalf("no %s in the RSDT at %#x", sig, rsdt)
	return 0
}

// Corrupting the real tables: Probe reports each fault, keeps what it can
// and never panics.
func TestCorruptDumps(t *testing.T) {
	t.Run("RSDP checksum", func(t *testing.T) {
		d := loadDump(t, "pc-seabios")
		d.view(seabiosPC.RSDPAt, 20)[8]++
		m, err := Probe(d.bootInput(t))
		checkErrs(t, err, "ACPI: no RSDP (none from the boot loader or EFI; none in the EBDA or 0xE0000-0xFFFFF)")
		checkMachine(t, m, with(seabiosPC, func(m *Machine) {
			m.ACPIRevision, m.RSDPAt, m.RSDPFrom, m.OEMID, m.Root, m.Tables, m.FADTRevision = -1, 0, "", "", "", nil, 0
		}))
	})
	t.Run("loader RSDP copy corrupt: the scan", func(t *testing.T) {
		d := loadDump(t, "q35-seabios")
		in := d.bootInput(t)
		in.RSDP = append([]byte(nil), d.view(seabiosQ35.RSDPAt, 20)...)
		in.RSDP[0] = 'X'
		m, err := Probe(in)
		checkErrs(t, err, "ACPI: the boot loader's RSDP copy is invalid")
		checkMachine(t, m, seabiosQ35)
	})
	t.Run("SMBIOS entry checksum: name from ACPI", func(t *testing.T) {
		d := loadDump(t, "pc-seabios")
		d.view(seabiosPC.SMBIOSAt, 0x1f)[4]++
		m, err := Probe(d.bootInput(t))
		checkErrs(t, err, "SMBIOS: no valid entry point in 0xF0000-0xFFFFF (SMBIOS 2 entry point at 0xf59f0 (BIOS area): checksum mismatch")
		if m.Name != "BOCHS BXPC" || m.SMBIOSVersion != "" || m.Vendor != "" || !slices.Equal(m.Tables, seabiosPC.Tables) {
			t.Errorf("got %+v", m)
		}
	})
	t.Run("SMBIOS table cut short", func(t *testing.T) {
		d := loadDump(t, "q35-seabios")
		e := d.view(seabiosQ35.SMBIOSAt, 0x1f)
		binary.LittleEndian.PutUint16(e[0x16:], 0x30) // StructTableLength: inside type 0's strings
		fixSum(e[0x10:0x1f], 5)
		fixSum(e, 4)
		m, err := Probe(d.bootInput(t))
		checkErrs(t, err, "SMBIOS structure 0 at", "SMBIOS system information (type 1): table not found")
		if m.SMBIOSVersion != "2.8" || m.Name != "BOCHS BXPC" || !m.Has8042 {
			t.Errorf("got %+v", m)
		}
	})
	t.Run("FADT checksum and revision", func(t *testing.T) {
		d := loadDump(t, "q35-seabios")
		fadt := rootEntry(t, d, seabiosQ35.RSDPAt, "FACP")
		d.view(fadt, 9)[8] = 1 // revision 1: IAPC_BOOT_ARCH reserved
		m, err := Probe(d.bootInput(t))
		checkErrs(t, err, "checksum mismatch")
		checkMachine(t, m, with(seabiosQ35, func(m *Machine) {
			m.FADTRevision, m.IAPCBootArch, m.Has8042, m.Know8042 = 1, 0, false, false
		}))
	})
	t.Run("DSDT pointer to nowhere", func(t *testing.T) {
		d := loadDump(t, "pc-seabios")
		fadt := rootEntry(t, d, seabiosPC.RSDPAt, "FACP")
		f := d.view(fadt, 116)
		binary.LittleEndian.PutUint32(f[40:], 0xdead0000)
		fixSum(f, 9)
		m, err := Probe(d.bootInput(t))
		checkErrs(t, err, "ACPI DSDT (from the FADT): reading 36 bytes at 0xdead0000: 36 bytes at 0xdead0000 not captured")
		checkMachine(t, m, with(seabiosPC, func(m *Machine) { m.Tables = []string{"FACP", "FACS", "APIC", "HPET", "WAET"} }))
	})
	t.Run("XSDT unreadable: the RSDT", func(t *testing.T) {
		d := loadDump(t, "q35-ovmf")
		in := d.bootInput(t)
		binary.LittleEndian.PutUint64(in.RSDP[24:], 0x1_0000_0000)
		fixSum(in.RSDP, 32)
		m, err := Probe(in)
		checkErrs(t, err, "ACPI XSDT: reading 36 bytes at 0x100000000")
		checkMachine(t, m, with(ovmfQ35, func(m *Machine) { m.Root = "RSDT" }))
	})
	t.Run("EFI configuration table unreadable", func(t *testing.T) {
		d := loadDump(t, "q35-ovmf")
		in := d.bootInput(t)
		binary.LittleEndian.PutUint64(d.view(in.EFISystemTable+112, 8), 0x4000_0000)
		m, err := Probe(in)
		checkErrs(t, err, "EFI configuration table: reading", "SMBIOS: no entry point in 0xF0000-0xFFFFF")
		if m.RSDPFrom != FromBootInfo || !m.Has8042 || m.SMBIOSVersion != "" || m.EFIVendor != "EDK II" || m.Name != "BOCHS BXPC" {
			t.Errorf("got %+v", m)
		}
	})
	t.Run("EFI system table pointer wrong", func(t *testing.T) {
		d := loadDump(t, "pc-ovmf")
		in := d.bootInput(t)
		in.EFISystemTable += 8
		_, err := Probe(in)
		checkErrs(t, err, "EFI system table at 0x75ec020: bad signature")
	})
	t.Run("reader that always fails", func(t *testing.T) {
		m, err := Probe(Input{Read: func(uint64, int) ([]byte, error) { return nil, errors.New("no") }})
		checkErrs(t, err, "SMBIOS: reading the BIOS area", "ACPI: reading 0xE0000-0xFFFFF", "ACPI: no RSDP")
		checkMachine(t, m, Machine{ACPIRevision: -1})
	})
	t.Run("reader that returns short reads", func(t *testing.T) {
		d := loadDump(t, "pc-seabios")
		_, err := Probe(Input{Read: func(a uint64, n int) ([]byte, error) {
			b, err := d.read(a, n)
			if len(b) > 1 {
				b = b[:len(b)-1]
			}
			return b, err
		}})
		checkErrs(t, err, "got 65535", "got 131071")
	})
	t.Run("no reader", func(t *testing.T) {
		_, err := Probe(Input{})
		checkErrs(t, err, "firmware: no PhysReader")
	})
}
