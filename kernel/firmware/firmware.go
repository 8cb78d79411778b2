// Package firmware finds and reads the machine's firmware tables — SMBIOS
// and ACPI — through a PhysReader, the kernel's copy-out of physical
// memory, and reports what they say about the machine: its name, the
// firmware, the ACPI tables present and whether there is an 8042.
//
// Parsing is u-root's where it fits (github.com/u-root/u-root/pkg/smbios
// and pkg/acpi, pkg/boot/ebda); what those packages only do through
// /dev/mem or /sys — finding the entry points — is done here, over the
// PhysReader:
//
//   - SMBIOS entry point: the EFI configuration table's SMBIOS 3 or SMBIOS
//     GUID (UEFI 2.10 §4.6), else the "_SM3_"/"_SM_" anchor on a 16-byte
//     boundary in 0xF0000-0xFFFFF (DMTF DSP0134 3.7 §5.2.1, §5.2.2).
//     smbios.ParseEntry checks it; smbios.ParseTable splits the structure
//     table; smbios.Info's getters decode types 0, 1 and 2.
//   - ACPI RSDP: the boot loader's copy (multiboot2 tags 14/15), else the
//     EFI configuration table's ACPI 2.0 or 1.0 GUID, else a "RSD PTR "
//     with a valid checksum on a 16-byte boundary in the EBDA's first KiB
//     or in 0xE0000-0xFFFFF (ACPI 6.5 §5.2.5.1). Then the XSDT (or the
//     RSDT) and every table it lists, plus the DSDT and FACS the FADT
//     points to; acpi.NewRaw and acpi.NewSDT split and decode them.
//
// Everything is bounded: every length read from memory is checked before
// it is used, no single table may exceed MaxTable, and a Probe reads at
// most ReadBudget bytes in all, so corrupt tables end in errors, never in
// panics, hangs or huge allocations.
//
// This package runs as ordinary Go in the kernel (ring 3, with the
// runtime), not in the ring-0 core: it allocates freely. In the kernel:
//
//	m, err := firmware.Probe(firmware.Input{
//		RSDP:           bootInfo.RSDP[:bootInfo.RSDPLen],
//		EFISystemTable: bootInfo.EFISystemTable, // multiboot2 tag 12, when recorded
//		Read:           readPhysical,            // opReadPhys
//	})
//	fmt.Println(m) // three lines: machine, smbios, acpi
//	if err != nil {
//		fmt.Println(err) // one line per thing missing or corrupt
//	}
//
// Tested on the tables of QEMU's i440FX and Q35 machines under SeaBIOS and
// OVMF (testdata/README.md), on synthetic tables with faults, and by
// FuzzProbe.
package firmware

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// PhysReader returns a copy of n bytes of physical memory at addr, or an
// error when that range cannot be read. The kernel's implementation copies
// at most MaxRead bytes per call.
type PhysReader func(addr uint64, n int) ([]byte, error)

// Limits.
const (
	// MaxRead is the most Probe asks of the PhysReader in one call.
	MaxRead = 1 << 20
	// MaxTable bounds one ACPI table or the SMBIOS structure table.
	MaxTable = 4 << 20
	// MaxACPITables bounds the entries of the XSDT or RSDT that are read.
	MaxACPITables = 512
	// MaxEFITables bounds the EFI configuration table entries searched.
	MaxEFITables = 1024
	// ReadBudget bounds the bytes one Probe reads in all.
	ReadBudget = 64 << 20
)

// Input is what the kernel knows before Probe looks at memory.
type Input struct {
	// RSDP is the boot loader's copy of the ACPI RSDP (multiboot2 tag 14,
	// 20 bytes, or tag 15, 36 bytes), or nil.
	RSDP []byte
	// EFISystemTable is the physical address of the EFI 64-bit system
	// table (multiboot2 tag 12), or 0.
	EFISystemTable uint64
	// Read reads physical memory. Required.
	Read PhysReader
}

// Machine is what Probe found. Fields it could not determine are empty.
type Machine struct {
	// SMBIOS type 1 (System Information): manufacturer, product name,
	// version. Unset strings ("Not Specified") are "".
	Vendor, Product, Version string
	// SMBIOS type 0 (BIOS Information).
	BIOSVendor, BIOSVersion, BIOSDate string
	// Name is a display name: the SMBIOS vendor and product, e.g.
	// "QEMU Standard PC (i440FX + PIIX, 1996)"; from the baseboard
	// (type 2) when type 1 holds placeholders, else from the ACPI OEM
	// IDs; "" when there is nothing.
	Name string

	// SMBIOSVersion is the entry point's version, "2.8" (32-bit entry
	// point) or "3.0.0" (64-bit, with the document revision); "" when no
	// entry point was found. SMBIOSAt is the entry point's physical
	// address and SMBIOSFrom where it was found (FromEFI or FromBIOS).
	SMBIOSVersion string
	SMBIOSAt      uint64
	SMBIOSFrom    string
	// SMBIOSTables counts the SMBIOS structures read.
	SMBIOSTables int

	// EFIVendor and EFIRevision come from the EFI system table
	// ("EDK II", "2.7"), when Input.EFISystemTable is valid.
	EFIVendor, EFIRevision string

	// ACPIRevision is the RSDP's revision: 0 for ACPI 1.0 (RSDT only),
	// 2 for ACPI 2.0 and later (XSDT); -1 when no RSDP was found.
	// RSDPAt is the RSDP's physical address (0 for the loader's copy)
	// and RSDPFrom where it was found (FromBootInfo, FromEFI, FromEBDA,
	// FromBIOS).
	ACPIRevision int
	RSDPAt       uint64
	RSDPFrom     string
	// OEMID is the RSDP's OEM ID, e.g. "BOCHS".
	OEMID string
	// Root is the root table used, "XSDT" or "RSDT", and Tables the
	// signatures of the tables it lists, in its order, each followed by
	// the DSDT and FACS when it is the FADT: "FACP", "DSDT", "FACS",
	// "APIC", "HPET", ...
	Root   string
	Tables []string

	// FADTRevision is the FADT's header revision, 0 without a FADT (or
	// with a FADT that says 0).
	FADTRevision int
	// IAPCBootArch is the FADT's IA-PC boot architecture flags (ACPI 6.5
	// §5.2.9.3), valid when Know8042 is set.
	IAPCBootArch uint16
	// Has8042 is IAPC_BOOT_ARCH bit 1: the motherboard has an 8042 or
	// equivalent keyboard controller. Know8042 is false when there is no
	// FADT, or its revision is below 2 (ACPI 1.0, where the field is
	// reserved; Linux also reads it from revision 2) or it is too short;
	// then assume an 8042, as Linux does. (QEMU's i440FX machine has an
	// 8042 but a revision 1 FADT.)
	Has8042, Know8042 bool
}

// Where an entry point was found.
const (
	FromBootInfo = "boot information"
	FromEFI      = "EFI configuration table"
	FromEBDA     = "EBDA"
	FromBIOS     = "BIOS area"
)

// Probe finds and reads the SMBIOS and ACPI tables. It is best effort: the
// Machine holds whatever was found, and the error (nil when both SMBIOS and
// ACPI were read without fault) joins one message per thing that was
// missing or corrupt.
func Probe(in Input) (Machine, error) {
	m := Machine{ACPIRevision: -1}
	if in.Read == nil {
		return m, errors.New("firmware: no PhysReader")
	}
	p := &prober{r: &reader{read: in.Read, budget: ReadBudget}, m: &m}
	if in.EFISystemTable != 0 {
		p.efi(in.EFISystemTable)
	}
	p.smbios()
	p.acpi(in.RSDP)
	m.Name = p.name()
	return m, errors.Join(p.errs...)
}

// prober carries one Probe's state.
type prober struct {
	r    *reader
	m    *Machine
	errs []error

	// From the EFI configuration table: entry-point addresses, 0 if absent.
	efiSMBIOS3, efiSMBIOS, efiACPI20, efiACPI10 uint64

	haveFADT bool

	// For the display-name fallbacks.
	boardVendor, boardProduct string
	oemID, oemTableID         string
}

func (p *prober) fail(format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("firmware: "+format, args...))
}

// String describes m in three lines: the machine, SMBIOS, ACPI.
func (m Machine) String() string {
	var b strings.Builder
	name := m.Name
	if name == "" {
		name = "unknown machine"
	}
	b.WriteString("machine: " + name)
	if m.Version != "" {
		b.WriteString(" (" + m.Version + ")")
	}
	if fw := join(m.BIOSVendor, m.BIOSVersion, m.BIOSDate); fw != "" {
		b.WriteString(", BIOS " + fw)
	}
	if m.EFIVendor != "" || m.EFIRevision != "" {
		b.WriteString(", UEFI " + join(m.EFIRevision, m.EFIVendor))
	}
	b.WriteString("\nsmbios: ")
	if m.SMBIOSVersion == "" {
		b.WriteString("none")
	} else {
		fmt.Fprintf(&b, "%s at %#x (%s), %d structures", m.SMBIOSVersion, m.SMBIOSAt, m.SMBIOSFrom, m.SMBIOSTables)
	}
	b.WriteString("\nacpi: ")
	if m.ACPIRevision < 0 {
		b.WriteString("none")
	} else {
		fmt.Fprintf(&b, "RSDP rev %d", m.ACPIRevision)
		if m.OEMID != "" {
			b.WriteString(" " + m.OEMID)
		}
		if m.RSDPAt != 0 {
			fmt.Fprintf(&b, " at %#x", m.RSDPAt)
		}
		b.WriteString(" (" + m.RSDPFrom + ")")
		if m.Root != "" {
			b.WriteString(", " + m.Root + ": " + strings.Join(m.Tables, " "))
		}
		switch {
		case m.Know8042 && m.Has8042:
			b.WriteString("; 8042 present")
		case m.Know8042:
			b.WriteString("; no 8042")
		case slices.Contains(m.Tables, "FACP"):
			fmt.Fprintf(&b, "; 8042 unknown (FADT rev %d)", m.FADTRevision)
		default:
			b.WriteString("; 8042 unknown (no FADT)")
		}
	}
	return b.String()
}

// join joins the non-empty strings with spaces.
func join(s ...string) string {
	var out []string
	for _, x := range s {
		if x != "" {
			out = append(out, x)
		}
	}
	return strings.Join(out, " ")
}
