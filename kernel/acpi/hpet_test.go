package acpi

import (
	"bytes"
	"testing"
)

func TestDumpHPET(t *testing.T) {
	// QEMU's HPET: Event Timer Block ID 0x8086A201 (Intel, legacy
	// replacement capable, 64-bit counter, NUM_TIM_CAP 2, revision 1).
	want := HPET{
		Base:    GAS{Space: SpaceMemory, Address: 0xfed00000},
		BlockID: 0x8086a201, VendorID: 0x8086, LegacyRoute: true, Counter64: true,
		Comparators: 3, HardwareRev: 1,
	}
	for _, name := range dumps {
		t.Run(name, func(t *testing.T) {
			var h HPET
			if err := ParseHPET(loadDump(t, name).mustTable(t, SigHPET), &h); err != OK || h != want {
				t.Errorf("ParseHPET = %v,\n%+v\nwant\n%+v", err, h, want)
			}
		})
	}
}

func TestHPETCorrupt(t *testing.T) {
	d := loadDump(t, "q35-seabios")
	good := d.mustTable(t, SigHPET)
	var h HPET
	io := bytes.Clone(good)
	io[hpetBase] = SpaceIO
	if err := ParseHPET(reseal(io), &h); err != ErrAddressSpace || h.Base.Address != 0xfed00000 || h.Comparators != 3 {
		t.Errorf("I/O space: %v %+v", err, h)
	}
	if err := ParseHPET(reseal(bytes.Clone(good[:55])), &h); err != ErrShort {
		t.Errorf("55 bytes: %v", err)
	}
	sum := bytes.Clone(good)
	sum[hpetMinTick]++
	if err := ParseHPET(sum, &h); err != ErrChecksum || h.MinTick != 1 {
		t.Errorf("bad checksum: %v %+v", err, h)
	}
	id := bytes.Clone(good)
	copy(id[hpetBlockID:], u32b(0x1234_5F00)) // 32 comparators, 32-bit counter, no legacy routing
	if ParseHPET(reseal(id), &h); h.Comparators != 32 || h.Counter64 || h.LegacyRoute || h.VendorID != 0x1234 {
		t.Errorf("block ID 0x12345F00: %+v", h)
	}
	if ParseHPET(good[:50], &h) != ErrLength || ParseHPET(d.mustTable(t, SigMADT), &h) != ErrSignature || ParseHPET(nil, nil) != ErrNilArgument {
		t.Error("ParseHPET accepted a truncated, wrong or nil table")
	}
}
