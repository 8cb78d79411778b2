// Package acpipm drives the ACPI PM1 control registers, the fixed
// hardware through which software puts the machine to sleep or, in the
// soft-off state S5, switches it off (ACPI 6.5 §4.8.3.2.1, "PM1 Control
// Registers", Table 4.13; chapter 16, "Waking and Sleeping").
//
// The registers' ports come from the FADT (PM1a_CNT_BLK and PM1b_CNT_BLK,
// §5.2.9) and the value of the SLP_TYP field for S5 from the DSDT's \_S5
// object (§7.4.2.6); kernel/acpi reads both. The decision, what to write
// to a register, is a pure function (SleepValue) with a table test; the
// port I/O around it is a thin shell.
//
// Ring 0: //go:nosplit, no allocation.
package acpipm

import "gokernel/arch"

// PM1 control register bits (ACPI 6.5 §4.8.3.2.1, Table 4.13).
const (
	SCIEnable   = 1 << 0  // SCI_EN: the chipset is in ACPI mode (SCI, not SMI)
	SlpTypShift = 10      // SLP_TYPx: the sleep type, bits 10-12
	SlpTypMask  = 7 << 10 //
	SlpEnable   = 1 << 13 // SLP_EN: write 1 to enter the sleep type in SLP_TYPx
	writeMask   = SlpTypMask | SlpEnable
)

// SleepValue returns the two values to write, in order, to a PM1x control
// register that reads cur, to enter the sleep state whose SLP_TYP value
// is typ: first SLP_TYP alone, then SLP_TYP with SLP_EN. The other bits
// keep their values. This is ACPICA's sequence (acpi_hw_legacy_sleep:
// "write #1" and "write #2"); some chipsets act only on a write whose
// SLP_TYP already holds the type.
func SleepValue(cur uint16, typ uint8) (first, second uint16) {
	v := cur&^writeMask | uint16(typ&7)<<SlpTypShift
	return v, v | SlpEnable
}

// Registers are the ports and sleep-type values for S5, from the FADT and
// \_S5. A zero PM1a means there is no way to switch off.
type Registers struct {
	PM1a, PM1b uint16 // PM1a_CNT and PM1b_CNT ports; PM1b 0 if absent
	TypA, TypB uint8  // \_S5's SLP_TYPa and SLP_TYPb
	SMICommand uint16 // SMI_CMD port; 0: the chipset is always in ACPI mode
	ACPIEnable uint8  // the value for SMI_CMD that enters ACPI mode
}

// EnableACPI puts the chipset into ACPI mode if it is not: a firmware in
// legacy (SMI) mode may ignore SLP_EN. The FADT's SMI_CMD and
// ACPI_ENABLE fields (ACPI 6.5 §5.2.9): writing ACPI_ENABLE to SMI_CMD
// asks the firmware to set SCI_EN (§4.8.3.2.1), which it may take a while
// to do; spins is the number of register reads to wait. A zero SMI_CMD
// means the chipset is always in ACPI mode.
//
//go:nosplit
func EnableACPI(r *Registers, spins int) bool {
	if arch.Inw(r.PM1a)&SCIEnable != 0 {
		return true
	}
	if r.SMICommand == 0 || r.ACPIEnable == 0 {
		return false
	}
	arch.Outb(r.SMICommand, r.ACPIEnable)
	for i := 0; i < spins; i++ {
		if arch.Inw(r.PM1a)&SCIEnable != 0 {
			return true
		}
	}
	return false
}

// SoftOff enters S5: SleepValue's two writes to PM1a_CNT and, if there
// is one, PM1b_CNT (ACPI 6.5 §4.8.3.2.1: the two registers are written
// together). On success the machine is off and SoftOff
// does not return; it returns when the chipset did not act.
//
//go:nosplit
func SoftOff(r *Registers) {
	a1, a2 := SleepValue(arch.Inw(r.PM1a), r.TypA)
	var b1, b2 uint16
	if r.PM1b != 0 {
		b1, b2 = SleepValue(arch.Inw(r.PM1b), r.TypB)
	}
	arch.Outw(r.PM1a, a1)
	if r.PM1b != 0 {
		arch.Outw(r.PM1b, b1)
	}
	arch.Outw(r.PM1a, a2)
	if r.PM1b != 0 {
		arch.Outw(r.PM1b, b2)
	}
}
