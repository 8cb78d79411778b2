package acpi

import "gokernel/kernel/le"

// The Fixed ACPI Description Table, signature "FACP" (ACPI 6.5 §5.2.9,
// Table 5.9): where the fixed hardware registers are. Offsets below are
// Table 5.9's. ACPI 1.0's FADT (revision 1) is 116 bytes and ends with
// Flags; ACPI 2.0 (revision 3) added RESET_REG and the 64-bit X_ fields
// (244 bytes); later revisions add more at the end. As ACPICA does
// (acpi_tb_create_local_fadt), fields are read when the table's Length
// covers them, whatever its revision, and read as zero otherwise.
const (
	fadtV1Size       = 116
	fadtFirmwareCtrl = 36
	fadtDSDT32       = 40
	fadtSCIInt       = 46
	fadtSMICmd       = 48
	fadtACPIEnable   = 52
	fadtACPIDisable  = 53
	fadtPM1aEvtBlk   = 56
	fadtPM1bEvtBlk   = 60
	fadtPM1aCntBlk   = 64
	fadtPM1bCntBlk   = 68
	fadtPMTmrBlk     = 76
	fadtPM1EvtLen    = 88
	fadtPM1CntLen    = 89
	fadtPMTmrLen     = 91
	fadtCentury      = 108
	fadtIAPCBootArch = 109 // 2 bytes; reserved in ACPI 1.0 (revision 1)
	fadtFlags        = 112
	fadtResetReg     = 116 // GAS
	fadtResetValue   = 128
	fadtMinorVersion = 131
	fadtXFirmwareCtl = 132
	fadtXDSDT        = 140
	fadtXPM1aEvtBlk  = 148 // GAS
	fadtXPM1bEvtBlk  = 160
	fadtXPM1aCntBlk  = 172
	fadtXPM1bCntBlk  = 184
	fadtXPMTmrBlk    = 208
)

// FADT Flags (§5.2.9, Table 5.10), the ones the kernel uses.
const (
	FlagTmrValExt     = 1 << 8  // TMR_VAL_EXT: the PM timer is 32 bits (else 24)
	FlagResetRegSup   = 1 << 10 // RESET_REG_SUP: RESET_REG resets the machine
	FlagHWReducedACPI = 1 << 20 // HW_REDUCED_ACPI: no fixed hardware (no PM timer, no PM1 blocks)
)

// IA-PC Boot Architecture Flags (§5.2.9.3, Table 5.11).
const (
	BootLegacyDevices   = 1 << 0 // LEGACY_DEVICES: LPC/ISA devices the OS cannot enumerate
	Boot8042            = 1 << 1 // 8042: a PS/2 keyboard controller
	BootVGANotPresent   = 1 << 2
	BootMSINotSupported = 1 << 3
	BootPCIeASPMControl = 1 << 4
	BootCMOSRTCAbsent   = 1 << 5
)

// FADT is what the kernel needs from the FADT. The register blocks are
// GASes whichever form the table used: the X_ field when the table has
// it and it is non-zero (ACPICA's default), else the 32-bit port field
// as a system-I/O GAS whose width is the *_LEN field.
type FADT struct {
	Revision     uint8  // header revision: 1 ACPI 1.0, 3 ACPI 2.0, ...
	MinorVersion uint8  // FADT Minor Version (ACPI 5.1 on); 0 if absent
	Length       uint32 // header Length
	Flags        uint32 // Flag* bits

	// BootArch is IAPC_BOOT_ARCH (Boot* bits). It is reserved in ACPI 1.0,
	// so BootArchValid is set only from revision 2 on, as Linux reads it,
	// and when the table is long enough.
	BootArch      uint16
	BootArchValid bool

	SCIInterrupt uint16 // SCI_INT: the SCI's ISA IRQ (or GSI)
	SMICommand   uint32 // SMI_CMD port; 0: ACPI mode is always on
	ACPIEnable   uint8  // value for SMI_CMD to enter ACPI mode
	ACPIDisable  uint8

	PM1aEvent, PM1bEvent     GAS // PM1a/b_EVT_BLK
	PM1aControl, PM1bControl GAS // PM1a/b_CNT_BLK: SLP_TYP and SLP_EN live here

	// PMTimer is the ACPI power-management timer (a 3.579545 MHz
	// counter): X_PM_TMR_BLK when it is present and in system I/O space,
	// else PM_TMR_BLK as a port, else a non-I/O X_PM_TMR_BLK as given
	// (Port then fails). Zero Address: no PM timer.
	PMTimer    GAS
	PMTimerLen uint8 // PM_TMR_LEN: 4 when there is a timer
	// PMTimerBits is 32 when TMR_VAL_EXT is set, else 24; 0 without a
	// timer. The counter wraps at 2^PMTimerBits.
	PMTimerBits uint8

	// Reset is RESET_REG and ResetValue the byte to write to it; both
	// zero in a table too short to have them (revision 1).
	Reset      GAS
	ResetValue uint8

	DSDT    uint64 // X_DSDT when non-zero, else DSDT
	FACS    uint64 // X_FIRMWARE_CTRL when non-zero, else FIRMWARE_CTRL
	Century uint8  // CENTURY: the RTC CMOS index of the century, 0 if none
}

// ParseFADT decodes the FADT in b into f. It returns ErrShort for a
// table shorter than ACPI 1.0's 116 bytes, with f holding what it covers.
//
//go:nosplit
func ParseFADT(b []byte, f *FADT) Error {
	if f == nil {
		return ErrNilArgument
	}
	*f = FADT{}
	t, err := CheckTable(b, SigFADT)
	if t == nil {
		return err
	}
	f.Revision = le.U8(t, hdrRevision)
	f.Length = uint32(len(t))
	f.MinorVersion = le.U8(t, fadtMinorVersion)
	f.Flags = le.U32(t, fadtFlags)
	if f.Revision >= 2 && len(t) >= fadtIAPCBootArch+2 {
		f.BootArch = le.U16(t, fadtIAPCBootArch)
		f.BootArchValid = true
	}
	f.SCIInterrupt = le.U16(t, fadtSCIInt)
	f.SMICommand = le.U32(t, fadtSMICmd)
	f.ACPIEnable = le.U8(t, fadtACPIEnable)
	f.ACPIDisable = le.U8(t, fadtACPIDisable)
	f.Century = le.U8(t, fadtCentury)

	evtLen, cntLen := le.U8(t, fadtPM1EvtLen), le.U8(t, fadtPM1CntLen)
	f.PM1aEvent = pick(t, fadtXPM1aEvtBlk, fadtPM1aEvtBlk, evtLen)
	f.PM1bEvent = pick(t, fadtXPM1bEvtBlk, fadtPM1bEvtBlk, evtLen)
	f.PM1aControl = pick(t, fadtXPM1aCntBlk, fadtPM1aCntBlk, cntLen)
	f.PM1bControl = pick(t, fadtXPM1bCntBlk, fadtPM1bCntBlk, cntLen)

	f.PMTimerLen = le.U8(t, fadtPMTmrLen)
	x := parseGAS(t, fadtXPMTmrBlk)
	switch {
	case x.Address != 0 && x.Space == SpaceIO:
		f.PMTimer = x
	case le.U32(t, fadtPMTmrBlk) != 0:
		f.PMTimer = ioGAS(le.U32(t, fadtPMTmrBlk), f.PMTimerLen)
	default:
		f.PMTimer = x
	}
	if f.PMTimer.Address != 0 {
		f.PMTimerBits = 24
		if f.Flags&FlagTmrValExt != 0 {
			f.PMTimerBits = 32
		}
	}

	f.Reset = parseGAS(t, fadtResetReg)
	f.ResetValue = le.U8(t, fadtResetValue)
	f.DSDT = fadtDSDT(t)
	f.FACS = uint64(le.U32(t, fadtFirmwareCtrl))
	if x := le.U64(t, fadtXFirmwareCtl); len(t) >= fadtXFirmwareCtl+8 && x != 0 {
		f.FACS = x
	}
	if len(t) < fadtV1Size {
		return ErrShort
	}
	return err
}

// pick returns the X_ GAS at xoff when the table has it and its address
// is non-zero, else the 32-bit port at off as a GAS n bytes wide.
//
//go:nosplit
func pick(t []byte, xoff, off int, n uint8) GAS {
	if g := parseGAS(t, xoff); g.Address != 0 {
		return g
	}
	return ioGAS(le.U32(t, off), n)
}

// fadtDSDT returns the DSDT address in the FADT t: X_DSDT when present
// and non-zero, else DSDT.
//
//go:nosplit
func fadtDSDT(t []byte) uint64 {
	if x := le.U64(t, fadtXDSDT); len(t) >= fadtXDSDT+8 && x != 0 {
		return x
	}
	return uint64(le.U32(t, fadtDSDT32))
}

// Has8042 reports whether the machine has an 8042 keyboard controller,
// and whether the FADT says (known is false before revision 2, where the
// field is reserved: assume a PC/AT one then).
//
//go:nosplit
func (f *FADT) Has8042() (present, known bool) {
	if !f.BootArchValid {
		return false, false
	}
	return f.BootArch&Boot8042 != 0, true
}

// ResetSupported reports whether writing ResetValue to Reset resets the
// machine: RESET_REG_SUP is set and the table has a non-zero RESET_REG in
// system memory, system I/O or PCI configuration space (§5.2.9: those
// are the spaces it may use).
//
//go:nosplit
func (f *FADT) ResetSupported() bool {
	return f.Flags&FlagResetRegSup != 0 && f.Reset.Address != 0 && f.Reset.Space <= SpacePCIConfig
}

// HardwareReduced reports HW_REDUCED_ACPI: no PM timer, no PM1 blocks,
// no SCI_EN; sleep goes through SLEEP_CONTROL_REG instead (not decoded).
//
//go:nosplit
func (f *FADT) HardwareReduced() bool { return f.Flags&FlagHWReducedACPI != 0 }
