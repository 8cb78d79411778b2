package acpi

import (
	"bytes"
	"encoding/binary"
	"testing"
)

func TestDumpFADT(t *testing.T) {
	io := func(port uint64, bits uint8) GAS { return GAS{Space: SpaceIO, BitWidth: bits, Address: port} }
	// Revision 1 (i440FX): the 32-bit port fields only. Revision 3 (Q35):
	// the X_ GASes, which QEMU fills with the same ports; X_PM1a_CNT_BLK
	// is 16 bits, X_PM_TMR_BLK 32 bits wide (the counter is still 24-bit:
	// TMR_VAL_EXT is clear).
	pc := func(base uint64) FADT {
		return FADT{
			Revision: 1, Length: 116, Flags: 0x80A5,
			SCIInterrupt: 9, SMICommand: 0xB2, ACPIEnable: 0xF1, ACPIDisable: 0xF0,
			PM1aEvent: io(base, 32), PM1aControl: io(base+4, 16),
			PMTimer: io(base+8, 32), PMTimerLen: 4, PMTimerBits: 24,
			Century: 0x32,
		}
	}
	q35 := func(dsdt, facs uint64) FADT {
		return FADT{
			Revision: 3, Length: 244, Flags: 0x84A5, BootArch: Boot8042, BootArchValid: true,
			SCIInterrupt: 9, SMICommand: 0xB2, ACPIEnable: 2, ACPIDisable: 3,
			PM1aEvent:   GAS{Space: SpaceIO, BitWidth: 32, Address: 0x600},
			PM1aControl: GAS{Space: SpaceIO, BitWidth: 16, Address: 0x604},
			PMTimer:     GAS{Space: SpaceIO, BitWidth: 32, Address: 0x608}, PMTimerLen: 4, PMTimerBits: 24,
			Reset: GAS{Space: SpaceIO, BitWidth: 8, Address: 0xCF9}, ResetValue: 0x0F,
			DSDT: dsdt, FACS: facs, Century: 0x32,
		}
	}
	withTables := func(f FADT, dsdt, facs uint64) FADT { f.DSDT, f.FACS = dsdt, facs; return f }
	for _, tc := range []struct {
		dump      string
		want      FADT
		port      uint16
		reset     bool
		has, know bool
	}{
		{"pc-seabios", withTables(pc(0x600), 0x7fe0040, 0x7fe0000), 0x608, false, false, false},
		{"pc-ovmf", withTables(pc(0xB000), 0x777b000, 0x77dd000), 0xB008, false, false, false},
		{"q35-seabios", q35(0x7fe0040, 0x7fe0000), 0x608, true, true, true},
		{"q35-ovmf", q35(0x777a000, 0x77dd000), 0x608, true, true, true},
	} {
		t.Run(tc.dump, func(t *testing.T) {
			d := loadDump(t, tc.dump)
			var f FADT
			if err := ParseFADT(d.mustTable(t, SigFADT), &f); err != OK {
				t.Fatalf("ParseFADT: %v", err)
			}
			if f != tc.want {
				t.Errorf("ParseFADT =\n%+v\nwant\n%+v", f, tc.want)
			}
			if p, ok := f.PMTimer.Port(); p != tc.port || !ok {
				t.Errorf("PM timer port %#x, %v", p, ok)
			}
			if f.ResetSupported() != tc.reset {
				t.Errorf("ResetSupported = %v", f.ResetSupported())
			}
			if has, known := f.Has8042(); has != tc.has || known != tc.know {
				t.Errorf("Has8042 = %v, %v", has, known)
			}
			if f.HardwareReduced() {
				t.Error("HardwareReduced")
			}
			if f.DSDT != tableAddr(d, SigDSDT) {
				t.Errorf("DSDT %#x, the capture found it at %#x", f.DSDT, tableAddr(d, SigDSDT))
			}
		})
	}
}

// fadtWith returns a revision rev FADT of n bytes with the fields set by
// f (offsets from Table 5.9).
func fadtWith(rev byte, n int, f func(b []byte)) []byte {
	b := mkTable(SigFADT, rev, make([]byte, n-HeaderSize))
	f(b)
	return reseal(b)
}

func putGAS(b []byte, off int, space, width uint8, addr uint64) {
	b[off], b[off+1] = space, width
	binary.LittleEndian.PutUint64(b[off+4:], addr)
}

func TestFADTPMTimer(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    []byte
		want GAS
		bits uint8
		port uint16
		ok   bool
	}{
		{"32-bit port only", fadtWith(3, 244, func(b []byte) {
			binary.LittleEndian.PutUint32(b[fadtPMTmrBlk:], 0x408)
			b[fadtPMTmrLen] = 4
		}), GAS{Space: SpaceIO, BitWidth: 32, Address: 0x408}, 24, 0x408, true},
		{"X_ in I/O space wins", fadtWith(3, 244, func(b []byte) {
			binary.LittleEndian.PutUint32(b[fadtPMTmrBlk:], 0x408)
			b[fadtPMTmrLen] = 4
			putGAS(b, fadtXPMTmrBlk, SpaceIO, 32, 0x1808)
			binary.LittleEndian.PutUint32(b[fadtFlags:], FlagTmrValExt)
		}), GAS{Space: SpaceIO, BitWidth: 32, Address: 0x1808}, 32, 0x1808, true},
		{"X_ in memory: the port wins", fadtWith(5, 268, func(b []byte) {
			binary.LittleEndian.PutUint32(b[fadtPMTmrBlk:], 0x408)
			b[fadtPMTmrLen] = 4
			putGAS(b, fadtXPMTmrBlk, SpaceMemory, 32, 0xfed80000)
		}), GAS{Space: SpaceIO, BitWidth: 32, Address: 0x408}, 24, 0x408, true},
		{"X_ in memory only", fadtWith(5, 268, func(b []byte) {
			putGAS(b, fadtXPMTmrBlk, SpaceMemory, 32, 0xfed80000)
		}), GAS{Space: SpaceMemory, BitWidth: 32, Address: 0xfed80000}, 24, 0, false},
		{"none", fadtWith(5, 268, func(b []byte) {}), GAS{}, 0, 0, false},
		{"X_ cut off by the Length", fadtWith(3, 216, func(b []byte) {
			putGAS(b, fadtXPMTmrBlk-4, SpaceIO, 32, 0x1808) // only half inside
		}), GAS{}, 0, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f FADT
			if err := ParseFADT(tc.b, &f); err != OK {
				t.Fatalf("ParseFADT: %v", err)
			}
			p, ok := f.PMTimer.Port()
			if f.PMTimer != tc.want || f.PMTimerBits != tc.bits || p != tc.port || ok != tc.ok {
				t.Errorf("PMTimer %+v bits %d port %#x %v", f.PMTimer, f.PMTimerBits, p, ok)
			}
		})
	}
}

func TestFADTFields(t *testing.T) {
	// A revision 6 table with the X_ blocks and 64-bit table pointers,
	// which win over the 32-bit ones.
	b := fadtWith(6, 276, func(b []byte) {
		binary.LittleEndian.PutUint32(b[fadtFirmwareCtrl:], 0x1000)
		binary.LittleEndian.PutUint32(b[fadtDSDT32:], 0x2000)
		binary.LittleEndian.PutUint64(b[fadtXFirmwareCtl:], 0x1_0000_1000)
		binary.LittleEndian.PutUint64(b[fadtXDSDT:], 0x1_0000_2000)
		binary.LittleEndian.PutUint32(b[fadtPM1aCntBlk:], 0x404)
		binary.LittleEndian.PutUint32(b[fadtPM1bCntBlk:], 0x504)
		b[fadtPM1CntLen] = 2
		putGAS(b, fadtXPM1aCntBlk, SpaceIO, 16, 0x1804) // wins
		putGAS(b, fadtResetReg, SpaceMemory, 8, 0xfed00100)
		b[fadtResetValue] = 6
		b[fadtMinorVersion] = 5
		binary.LittleEndian.PutUint32(b[fadtFlags:], FlagResetRegSup|FlagHWReducedACPI)
		binary.LittleEndian.PutUint16(b[fadtIAPCBootArch:], BootLegacyDevices|BootCMOSRTCAbsent)
	})
	var f FADT
	if err := ParseFADT(b, &f); err != OK {
		t.Fatal(err)
	}
	if f.DSDT != 0x1_0000_2000 || f.FACS != 0x1_0000_1000 || f.MinorVersion != 5 {
		t.Errorf("DSDT %#x FACS %#x minor %d", f.DSDT, f.FACS, f.MinorVersion)
	}
	if f.PM1aControl != (GAS{Space: SpaceIO, BitWidth: 16, Address: 0x1804}) || f.PM1bControl != (GAS{Space: SpaceIO, BitWidth: 16, Address: 0x504}) {
		t.Errorf("PM1a %+v PM1b %+v", f.PM1aControl, f.PM1bControl)
	}
	if !f.ResetSupported() || f.Reset.Address != 0xfed00100 || f.ResetValue != 6 || !f.HardwareReduced() {
		t.Errorf("reset %+v value %d supported %v", f.Reset, f.ResetValue, f.ResetSupported())
	}
	if has, known := f.Has8042(); has || !known {
		t.Errorf("Has8042 = %v, %v", has, known)
	}
	// RESET_REG_SUP without a register, or with one in a space the reset
	// may not use, is not support.
	for _, space := range []uint8{SpaceIO, 0x7F} {
		b := fadtWith(3, 244, func(b []byte) {
			binary.LittleEndian.PutUint32(b[fadtFlags:], FlagResetRegSup)
			if space != SpaceIO {
				putGAS(b, fadtResetReg, space, 8, 0xCF9)
			}
		})
		if ParseFADT(b, &f); f.ResetSupported() {
			t.Errorf("ResetSupported with reset register %+v", f.Reset)
		}
	}
}

func TestFADTShort(t *testing.T) {
	d := loadDump(t, "q35-ovmf")
	full := d.mustTable(t, SigFADT)
	var f FADT
	// Cut to ACPI 1.0's 116 bytes but still revision 3: the Length
	// decides, so no RESET_REG and no X_ fields; IAPC_BOOT_ARCH is inside.
	b := reseal(bytes.Clone(full[:fadtV1Size]))
	if err := ParseFADT(b, &f); err != OK || f.Reset != (GAS{}) || f.DSDT != 0x777a000 || f.ResetSupported() || !f.BootArchValid {
		t.Errorf("116 bytes: %v %+v", err, f)
	}
	if p, ok := f.PMTimer.Port(); p != 0x608 || !ok {
		t.Errorf("116 bytes: PM timer %#x, %v", p, ok)
	}
	// Shorter than ACPI 1.0's FADT: ErrShort, with what it covers.
	b = reseal(bytes.Clone(full[:72]))
	if err := ParseFADT(b, &f); err != ErrShort || f.PMTimer != (GAS{}) || f.PM1aControl != (GAS{Space: SpaceIO, Address: 0x604}) {
		t.Errorf("72 bytes: %v %+v", err, f)
	}
	b = reseal(bytes.Clone(full[:HeaderSize]))
	if err := ParseFADT(b, &f); err != ErrShort || f.DSDT != 0 {
		t.Errorf("header only: %v %+v", err, f)
	}
	// Revision 1 leaves IAPC_BOOT_ARCH unknown even when it is set.
	b = bytes.Clone(full)
	b[hdrRevision] = 1
	if ParseFADT(reseal(b), &f); f.BootArchValid {
		t.Error("revision 1: IAPC_BOOT_ARCH taken as valid")
	}
	if ParseFADT(full[:100], &f) != ErrLength || ParseFADT(d.mustTable(t, SigMADT), &f) != ErrSignature || ParseFADT(nil, nil) != ErrNilArgument {
		t.Error("ParseFADT accepted a truncated, wrong or nil table")
	}
}
