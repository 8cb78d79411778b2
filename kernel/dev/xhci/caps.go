package xhci

import "fmt"

// Caps is what the capability registers say about a controller (§5.3).
type Caps struct {
	OpOffset    uintptr // CAPLENGTH
	Version     uint16  // HCIVERSION, BCD (0x0100, 0x0110, 0x0120)
	MaxSlots    int     // device slots
	MaxIntrs    int     // interrupters
	MaxPorts    int     // root hub ports
	MaxERST     int     // event ring segment table entries: 2^ERST Max
	Scratchpads int     // scratchpad buffers the controller needs
	AC64        bool    // 64-bit addresses
	ContextSize int     // 32 or 64 bytes (CSZ)
	PortPower   bool    // PPC: ports are powered by software
	XECP        uintptr // first extended capability (byte offset), 0 for none
	DoorbellOff uintptr
	RuntimeOff  uintptr
}

// ParseCaps decodes the capability registers, read through r. It
// refuses values no controller has: a CAPLENGTH below the 32 bytes of
// capability registers, no slots or ports, no interrupters, doorbell or
// runtime registers inside the capability block.
func ParseCaps(r MMIO) (Caps, error) {
	w0 := r.Read32(capLength)
	hcs1, hcs2, hcc1 := r.Read32(capHCS1), r.Read32(capHCS2), r.Read32(capHCC1)
	c := Caps{
		OpOffset:    uintptr(w0 & 0xFF),
		Version:     uint16(w0 >> 16),
		MaxSlots:    int(hcs1 & 0xFF),
		MaxIntrs:    int(hcs1 >> 8 & 0x7FF),
		MaxPorts:    int(hcs1 >> 24),
		MaxERST:     1 << (hcs2 >> 4 & 0xF),
		Scratchpads: int(hcs2>>21&0x1F)<<5 | int(hcs2>>27&0x1F),
		AC64:        hcc1&hcc1AC64 != 0,
		ContextSize: 32,
		PortPower:   hcc1&hcc1PPC != 0,
		XECP:        uintptr(hcc1>>16) * 4,
		DoorbellOff: uintptr(r.Read32(capDBOff) &^ 3),
		RuntimeOff:  uintptr(r.Read32(capRTSOff) &^ 0x1F),
	}
	if hcc1&hcc1CSZ != 0 {
		c.ContextSize = 64
	}
	switch {
	case w0 == 0xFFFFFFFF:
		return c, fmt.Errorf("xhci: capability registers read all ones (no controller)")
	case c.OpOffset < capRegsSize:
		return c, fmt.Errorf("xhci: CAPLENGTH %#x below the capability registers", c.OpOffset)
	case c.MaxSlots == 0 || c.MaxPorts == 0 || c.MaxIntrs == 0:
		return c, fmt.Errorf("xhci: %d slots, %d ports, %d interrupters", c.MaxSlots, c.MaxPorts, c.MaxIntrs)
	case c.DoorbellOff < capRegsSize || c.RuntimeOff < capRegsSize:
		return c, fmt.Errorf("xhci: doorbells at %#x, runtime registers at %#x", c.DoorbellOff, c.RuntimeOff)
	}
	return c, nil
}

// Register addresses, as offsets into BAR 0.

func (c *Caps) op(reg uintptr) uintptr { return c.OpOffset + reg }

// PortSC returns the offset of port's PORTSC (ports count from 1).
func (c *Caps) PortSC(port int) uintptr {
	return c.OpOffset + opPorts + uintptr(port-1)*portSetLen
}

func (c *Caps) ir(n int, reg uintptr) uintptr {
	return c.RuntimeOff + rtIR0 + uintptr(n)*irSetLen + reg
}

func (c *Caps) doorbell(slot int) uintptr { return c.DoorbellOff + uintptr(slot)*4 }
