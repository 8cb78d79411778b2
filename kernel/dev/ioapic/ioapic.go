// Package ioapic drives I/O APICs (Intel 82093AA I/O APIC datasheet,
// §3.0 "Register Description"), which turn device interrupt lines into
// interrupt messages to a local APIC. The ACPI MADT gives each one's
// address and the global system interrupt (GSI) of its first pin. It is
// the only place the I/O APIC's registers are named.
//
// The chip is reached through two MMIO registers: IOREGSEL (offset 0x00)
// selects an internal register and IOWIN (offset 0x10) reads or writes
// it. Each pin has a 64-bit redirection entry (registers 0x10+2n, 0x11+2n)
// whose encoding is the pure function Entry, which host tests check.
//
// Ring 0: //go:nosplit, no allocation.
package ioapic

import "gokernel/arch"

const (
	regSel = 0x00
	regWin = 0x10

	idxID      = 0x00
	idxVersion = 0x01
	idxRedir   = 0x10

	MaxChips = 8
)

// Chip is one I/O APIC.
type Chip struct {
	mmio    uintptr // uncached mapping of its registers
	GSIBase uint32  // the GSI of pin 0
	Pins    uint32  // redirection entries
	ID      uint8
}

//go:nosplit
func (c *Chip) read(idx uint32) uint32 {
	*(*uint32)(arch.Ptr(c.mmio + regSel)) = idx
	return *(*uint32)(arch.Ptr(c.mmio + regWin))
}

//go:nosplit
func (c *Chip) write(idx, v uint32) {
	*(*uint32)(arch.Ptr(c.mmio + regSel)) = idx
	*(*uint32)(arch.Ptr(c.mmio + regWin)) = v
}

// Init takes the chip whose registers are mapped at va and whose first pin
// is GSI gsiBase: it reads the number of pins from the version register
// and masks every pin. It reports false for a chip that reads back all
// ones (nothing there) or claims no pins.
//
//go:nosplit
func (c *Chip) Init(va uintptr, gsiBase uint32) bool {
	c.mmio, c.GSIBase = va, gsiBase
	v := c.read(idxVersion)
	if v == 0xFFFFFFFF {
		return false
	}
	c.Pins = (v>>16)&0xFF + 1
	c.ID = uint8(c.read(idxID) >> 24 & 0x0F)
	for p := uint32(0); p < c.Pins; p++ {
		c.setEntry(p, Entry(0, 0, false, false, true))
	}
	return c.Pins > 0
}

//go:nosplit
func (c *Chip) setEntry(pin uint32, e uint64) {
	// Write the high half first, the low half (with the mask bit) last,
	// so the entry is never live half-written.
	c.write(idxRedir+2*pin+1, uint32(e>>32))
	c.write(idxRedir+2*pin, uint32(e))
}

// Route programs pin to send vector to APIC ID dest with the given
// polarity and trigger mode, unmasked. It reports false for a pin the
// chip does not have.
//
//go:nosplit
func (c *Chip) Route(pin uint32, vector uint8, dest uint32, activeLow, level bool) bool {
	if pin >= c.Pins {
		return false
	}
	c.setEntry(pin, Entry(vector, dest, activeLow, level, false))
	return true
}

// Mask masks pin.
//
//go:nosplit
func (c *Chip) Mask(pin uint32) {
	if pin < c.Pins {
		c.write(idxRedir+2*pin, c.read(idxRedir+2*pin)|entryMasked)
	}
}

// Has reports whether the chip serves gsi, and the pin.
//
//go:nosplit
func (c *Chip) Has(gsi uint32) (pin uint32, ok bool) {
	if gsi >= c.GSIBase && gsi-c.GSIBase < c.Pins {
		return gsi - c.GSIBase, true
	}
	return 0, false
}

// Redirection entry fields (82093AA §3.2.4).
const (
	entryActiveLow = 1 << 13 // INTPOL
	entryLevel     = 1 << 15 // trigger mode
	entryMasked    = 1 << 16
)

// Entry encodes a redirection entry: fixed delivery, physical destination
// mode, to APIC ID dest (bits 63:56; 8 bits without interrupt remapping).
//
//go:nosplit
func Entry(vector uint8, dest uint32, activeLow, level, masked bool) uint64 {
	e := uint64(vector) | uint64(dest&0xFF)<<56
	if activeLow {
		e |= entryActiveLow
	}
	if level {
		e |= entryLevel
	}
	if masked {
		e |= entryMasked
	}
	return e
}
