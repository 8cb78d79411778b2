package pci

import (
	"errors"
	"fmt"
)

// MSI is a function's MSI capability (PCI Local Bus 3.0 §6.8.1, Figures
// 6-9 to 6-12): where it is and what it can do.
type MSI struct {
	Offset    uint8 // the capability's offset
	Vectors   int   // Multiple Message Capable: 1, 2, 4, ... 32 vectors
	Is64      bool  // 64-bit message address (the upper address register exists)
	Maskable  bool  // per-vector masking (mask and pending registers exist)
	Enabled   bool  // MSI Enable, as read
	Allocated int   // Multiple Message Enable, as read: vectors allocated
}

// MSI Message Control bits (§6.8.1.3).
const (
	msiEnable   = 1 << 0
	msiMMCShift = 1 // bits 3:1: log2 of the vectors requested
	msiMMEShift = 4 // bits 6:4: log2 of the vectors allocated
	msi64       = 1 << 7
	msiMaskable = 1 << 8
)

// ErrCapTruncated is a capability that does not fit in the space given.
var ErrCapTruncated = errors.New("pci: capability runs past the configuration space")

// ParseMSI decodes the MSI capability at c in the configuration space b.
// An encoded vector count above 32 (reserved values 6 and 7) is refused.
func ParseMSI(b []byte, c Cap) (MSI, error) {
	m := MSI{Offset: c.Offset}
	if c.ID != CapMSI {
		return m, fmt.Errorf("pci: capability %#x at %#x is not MSI", c.ID, c.Offset)
	}
	if int(c.Offset)+4 > len(b) {
		return m, ErrCapTruncated
	}
	ctl := le16(b, int(c.Offset)+2)
	mmc, mme := ctl>>msiMMCShift&7, ctl>>msiMMEShift&7
	if mmc > 5 || mme > 5 {
		return m, fmt.Errorf("pci: MSI at %#x: reserved vector count in control %#04x", c.Offset, ctl)
	}
	m.Vectors, m.Allocated = 1<<mmc, 1<<mme
	m.Is64, m.Maskable, m.Enabled = ctl&msi64 != 0, ctl&msiMaskable != 0, ctl&msiEnable != 0
	if int(c.Offset)+m.size() > len(b) {
		return m, ErrCapTruncated
	}
	return m, nil
}

// size is the capability's length in bytes (Figures 6-9 to 6-12).
func (m MSI) size() int {
	n := 12
	if m.Is64 {
		n += 4
	}
	if m.Maskable {
		n += 8
	}
	return n
}

// dataOffset is the Message Data register's offset within the capability.
func (m MSI) dataOffset() uint16 {
	if m.Is64 {
		return 12
	}
	return 8
}

// MaskOffset returns the Mask Bits register's offset in configuration
// space, and false when the function cannot mask per vector.
func (m MSI) MaskOffset() (uint16, bool) {
	return uint16(m.Offset) + m.dataOffset() + 4, m.Maskable
}

// ProgramMSI points the function's MSI at msg and enables it with n
// vectors (a power of two no larger than m.Vectors): the function then
// signals vector i of n by writing msg.Data with its low log2(n) bits
// replaced by i (§6.8.1.6), so msg's vector must be aligned to n. The
// caller disables INTx (CmdIntxDisable) and sets bus mastering; MSI is
// written disabled first, so no message goes out half-programmed.
func ProgramMSI(c Config, a Addr, m MSI, msg Message, n int) error {
	log := 0
	for 1<<log < n {
		log++
	}
	switch {
	case n < 1 || 1<<log != n || n > m.Vectors:
		return fmt.Errorf("pci: %s: %d MSI vectors asked, %d offered (a power of two)", a, n, m.Vectors)
	case msg.Data&uint32(n-1) != 0:
		return fmt.Errorf("pci: %s: MSI data %#x not aligned to %d vectors", a, msg.Data, n)
	case msg.Addr>>32 != 0 && !m.Is64:
		return fmt.Errorf("pci: %s: MSI address %#x above 4 GiB on a 32-bit capability", a, msg.Addr)
	}
	off := uint16(m.Offset)
	ctl := c.Read32(a, off) // ID, next, control: the first two are read-only
	ctl &^= (msiEnable | 7<<msiMMEShift) << 16
	c.Write32(a, off, ctl)
	c.Write32(a, off+4, uint32(msg.Addr))
	if m.Is64 {
		c.Write32(a, off+8, uint32(msg.Addr>>32))
	}
	// Message Data is 16 bits; the upper half of its dword is reserved
	// (or Extended Message Data, off unless enabled): write it as zero.
	c.Write32(a, off+m.dataOffset(), msg.Data&0xFFFF)
	c.Write32(a, off, ctl|uint32(msiEnable|log<<msiMMEShift)<<16)
	return nil
}

// DisableMSI clears MSI Enable.
func DisableMSI(c Config, a Addr, m MSI) {
	off := uint16(m.Offset)
	c.Write32(a, off, c.Read32(a, off)&^(msiEnable<<16))
}
