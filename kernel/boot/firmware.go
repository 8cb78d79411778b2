package boot

import (
	"gokernel/arch"
	"gokernel/kernel/acpi"
	"gokernel/kernel/console"
	"gokernel/kernel/dev/acpipm"
	"gokernel/kernel/machine"
	"gokernel/kernel/mem"
)

// The ACPI tables the kernel needs before the Go runtime runs: the MADT
// (interrupt controllers), the FADT (the PM timer, the 8042 flag) and the
// HPET table; and the MCFG (the PCI Express configuration windows), kept
// for the PCI code in ring 3 (MCFG). kernel/acpi parses them without allocating; the ring-3
// firmware prober (kernel/firmware, u-root's parsers) reads them again
// later for the machine's name and the shell.

var (
	rsdp     acpi.RSDP
	acpiDir  acpi.Directory
	madt     acpi.MADT
	fadt     acpi.FADT
	hpetTab  acpi.HPET
	mcfg     acpi.MCFG
	haveMADT bool
	haveMCFG bool
	haveFADT bool
	haveHPET bool
)

// Firmware finds the ACPI RSDP (the loader's copy, or in the BIOS areas
// where ACPI 6.5 §5.2.5.1 says it is), walks the root table and parses the
// MADT, FADT and HPET tables. A missing or corrupt table gets one warning
// line; the phases after it then use the fallbacks (the PICs, the PIT).
//
//go:nosplit
func Firmware() {
	if !findRSDP() {
		console.Line("acpi: no RSDP; no MADT, PM timer or HPET (PIC and PIT)")
		return
	}
	if err := acpi.Walk(&rsdp, readPhys, &acpiDir); err != acpi.OK {
		console.WriteString("acpi: cannot read the root table: ")
		console.Line(err.Error())
		return
	}
	if b := table("APIC"); b != nil {
		haveMADT = parsed("MADT", acpi.ParseMADT(b, &madt))
	} else {
		console.Line("acpi: no MADT (APIC table); the PICs will do")
	}
	if b := table("FACP"); b != nil {
		haveFADT = parsed("FADT", acpi.ParseFADT(b, &fadt))
	}
	if haveFADT {
		softOff()
	}
	if b := table("HPET"); b != nil {
		haveHPET = parsed("HPET table", acpi.ParseHPET(b, &hpetTab))
	}
	if b := table("MCFG"); b != nil {
		haveMCFG = parsed("MCFG", acpi.ParseMCFG(b, &mcfg))
	}
}

// MCFG returns the PCI Express configuration windows the firmware lists,
// and false without a usable MCFG (then only the configuration ports
// reach PCI). For ring 3: the table is read once, at boot.
func MCFG() (*acpi.MCFG, bool) { return &mcfg, haveMCFG }

// softOff finds how to switch the machine off for the shell's poweroff:
// the PM1 control ports from the FADT and SLP_TYPa and SLP_TYPb from the
// DSDT's \_S5 package (ACPI 6.5 §7.4.2.6), and hands them to
// kernel/machine. Only what is missing gets a line: a DSDT whose \_S5 is
// a method needs an AML interpreter (kernel/acpi FindS5).
//
//go:nosplit
func softOff() {
	a, b := fadt.PM1aControl, fadt.PM1bControl
	if a.Address == 0 || a.Space != acpi.SpaceIO || a.Address > 0xffff ||
		(b.Address != 0 && (b.Space != acpi.SpaceIO || b.Address > 0xffff)) {
		console.Line("acpi: no PM1 control ports in the FADT; poweroff cannot switch off")
		return
	}
	hdr := readPhys(fadt.DSDT, 8)
	if len(hdr) < 8 {
		console.Line("acpi: no DSDT; poweroff cannot switch off")
		return
	}
	n := uint64(hdr[4]) | uint64(hdr[5])<<8 | uint64(hdr[6])<<16 | uint64(hdr[7])<<24
	typA, typB, err := acpi.FindS5(readPhys(fadt.DSDT, n))
	if err != acpi.OK && err != acpi.ErrChecksum {
		console.WriteString("acpi: DSDT: ")
		console.WriteString(err.Error())
		console.Line("; poweroff cannot switch off")
		return
	}
	machine.SetSoftOff(acpipm.Registers{
		PM1a: uint16(a.Address), PM1b: uint16(b.Address), TypA: typA, TypB: typB,
		SMICommand: uint16(fadt.SMICommand), ACPIEnable: fadt.ACPIEnable,
	})
}

// parsed reports whether a table is usable, with a warning if it is not,
// or if its checksum is wrong (used anyway, as Linux does).
//
//go:nosplit
func parsed(name string, err acpi.Error) bool {
	if err == acpi.OK {
		return true
	}
	console.WriteString("acpi: ")
	console.WriteString(name)
	console.WriteString(": ")
	console.WriteString(err.Error())
	if err == acpi.ErrChecksum {
		console.Line("; used anyway")
		return true
	}
	console.Line("; ignored")
	return false
}

// table returns the bytes of the first usable table with signature sig,
// checked (signature, length, checksum), or nil.
//
//go:nosplit
func table(sig string) []byte {
	t, ok := acpiDir.Find(sig)
	if !ok || !t.Usable() {
		return nil
	}
	b, err := acpi.CheckTable(readPhys(t.Addr, uint64(t.Length)), sig)
	if err != acpi.OK && err != acpi.ErrChecksum {
		return nil
	}
	return b
}

// findRSDP takes the loader's copy of the RSDP (Multiboot 2 tags 14 and
// 15), else scans the first KiB of the EBDA and the BIOS area
// 0xE0000-0xFFFFF on 16-byte boundaries (ACPI 6.5 §5.2.5.1).
//
//go:nosplit
func findRSDP() bool {
	if n := info.RSDPLen; n > 0 && n <= len(info.RSDP) {
		if acpi.ParseRSDP(info.RSDP[:n], &rsdp) == acpi.OK {
			return true
		}
	}
	if info.EFISystemTable != 0 {
		return false // UEFI: the BIOS areas hold nothing of ACPI's
	}
	ebda := uint64(0)
	if b := readPhys(0x40E, 2); len(b) == 2 {
		ebda = (uint64(b[0]) | uint64(b[1])<<8) << 4 // a real-mode segment
	}
	for _, area := range [2][2]uint64{{ebda, 1024}, {0xE0000, 0x20000}} {
		if area[0] == 0 {
			continue
		}
		b := readPhys(area[0], area[1])
		if i := acpi.FindRSDP(b); i >= 0 && acpi.ParseRSDP(b[i:], &rsdp) == acpi.OK {
			return true
		}
	}
	return false
}

// readPhys views physical memory through the direct map (acpi.Reader).
//
//go:nosplit
func readPhys(pa, n uint64) []byte {
	if n == 0 || n > 1<<30 || pa+n < pa || pa+n > mem.DirectMapSize {
		return nil
	}
	return (*[1 << 30]byte)(arch.Ptr(mem.Virt(pa)))[:n:n]
}
