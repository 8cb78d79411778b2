package acpi

import "gokernel/kernel/le"

// The HPET description table, signature "HPET" (IA-PC HPET Specification
// 1.0a §3.2.4, Table 3): where the first event timer block's registers
// are, and a copy of the low 32 bits of its capabilities register (the
// Event Timer Block ID, §2.3.4).
const (
	hpetBlockID = 36
	hpetBase    = 40 // GAS
	hpetNumber  = 52
	hpetMinTick = 53 // 2 bytes
	hpetAttr    = 55
	hpetSize    = 56
)

// HPET is the decoded table.
type HPET struct {
	Base    GAS    // the 1 KiB register block; system memory (ParseHPET checks)
	BlockID uint32 // the Event Timer Block ID as stored

	VendorID    uint16 // bits 31-16: PCI vendor ID of the block
	LegacyRoute bool   // bit 15: LegacyReplacement IRQ routing capable
	Counter64   bool   // bit 13: COUNT_SIZE_CAP, a 64-bit main counter
	// Comparators is the number of comparators (timers) in the block:
	// bits 12-8 hold NUM_TIM_CAP, the number of the last one, plus one.
	Comparators int
	HardwareRev uint8 // bits 7-0

	Number uint8 // HPET sequence number
	// MinTick is the main counter's minimum clock tick in periodic mode,
	// in counter ticks.
	MinTick        uint16
	PageProtection uint8 // bits 3-0: page protection; 7-4: OEM attributes
}

// ParseHPET decodes the HPET table in b into h. Besides CheckTable's
// errors it returns ErrShort for a table shorter than 56 bytes, and
// ErrAddressSpace, with h filled, when the base address is not in
// system memory (the specification allows only that).
//
//go:nosplit
func ParseHPET(b []byte, h *HPET) Error {
	if h == nil {
		return ErrNilArgument
	}
	*h = HPET{}
	t, err := CheckTable(b, SigHPET)
	if t == nil {
		return err
	}
	if len(t) < hpetSize {
		return ErrShort
	}
	id := le.U32(t, hpetBlockID)
	h.BlockID = id
	h.VendorID = uint16(id >> 16)
	h.LegacyRoute = id&(1<<15) != 0
	h.Counter64 = id&(1<<13) != 0
	h.Comparators = int(id>>8&0x1F) + 1
	h.HardwareRev = uint8(id)
	h.Base = parseGAS(t, hpetBase)
	h.Number = le.U8(t, hpetNumber)
	h.MinTick = le.U16(t, hpetMinTick)
	h.PageProtection = le.U8(t, hpetAttr)
	if h.Base.Space != SpaceMemory {
		return ErrAddressSpace
	}
	return err
}
