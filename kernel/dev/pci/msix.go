package pci

import "fmt"

// MSIX is a function's MSI-X capability (PCI Local Bus 3.0 §6.8.2,
// Figure 6-10; PCI Express Base §7.7.2): the size of its vector table
// and where the table and the pending-bit array are, each as a BAR index
// (BIR) and an offset into that BAR's memory.
type MSIX struct {
	Offset      uint8 // the capability's offset
	Size        int   // table entries: 1-2048
	TableBIR    uint8 // the BAR (0-5) that holds the table
	TableOffset uint32
	PBABIR      uint8
	PBAOffset   uint32
	Enabled     bool // MSI-X Enable, as read
	Masked      bool // Function Mask, as read
}

// MSI-X Message Control bits (§6.8.2.3) and table layout (§6.8.2.6-9).
const (
	msixSizeMask    = 0x7FF   // bits 10:0: table size - 1
	msixFuncMask    = 1 << 14 // Function Mask: every vector masked
	msixEnable      = 1 << 15
	msixBIRMask     = 7 // bits 2:0 of the table and PBA offset registers
	MSIXEntrySize   = 16
	msixVectorCtl   = 12 // vector control dword of an entry
	msixEntryMasked = 1  // vector control bit 0
)

// ParseMSIX decodes the MSI-X capability at c in the configuration space
// b. A BIR of 6 or 7 (reserved) is refused.
func ParseMSIX(b []byte, c Cap) (MSIX, error) {
	m := MSIX{Offset: c.Offset}
	if c.ID != CapMSIX {
		return m, fmt.Errorf("pci: capability %#x at %#x is not MSI-X", c.ID, c.Offset)
	}
	if int(c.Offset)+12 > len(b) {
		return m, ErrCapTruncated
	}
	ctl := le16(b, int(c.Offset)+2)
	t, p := le32(b, int(c.Offset)+4), le32(b, int(c.Offset)+8)
	m.Size = int(ctl&msixSizeMask) + 1
	m.Enabled, m.Masked = ctl&msixEnable != 0, ctl&msixFuncMask != 0
	m.TableBIR, m.TableOffset = uint8(t&msixBIRMask), t&^msixBIRMask
	m.PBABIR, m.PBAOffset = uint8(p&msixBIRMask), p&^msixBIRMask
	if m.TableBIR > 5 || m.PBABIR > 5 {
		return m, fmt.Errorf("pci: MSI-X at %#x: reserved BIR (table %d, PBA %d)", c.Offset, m.TableBIR, m.PBABIR)
	}
	return m, nil
}

// TableBytes is the size of the vector table in bytes.
func (m MSIX) TableBytes() int { return m.Size * MSIXEntrySize }

// MSIXEntry encodes table entry words (§6.8.2.6-9): Message Address,
// Message Upper Address, Message Data, Vector Control (bit 0: masked).
func MSIXEntry(msg Message, masked bool) [4]uint32 {
	var ctl uint32
	if masked {
		ctl = msixEntryMasked
	}
	return [4]uint32{uint32(msg.Addr), uint32(msg.Addr >> 32), msg.Data, ctl}
}

// MMIO is access to a memory-mapped register block (a BAR's memory,
// mapped uncached by the kernel): 32-bit reads and writes at byte
// offsets, 4-byte aligned.
type MMIO interface {
	Read32(off uintptr) uint32
	Write32(off uintptr, v uint32)
}

// WriteMSIXEntry programs entry i of the vector table, which table maps
// (the table BIR's memory at TableOffset). The entry is masked while its
// address and data change (§6.8.2.9: software must not change an
// unmasked entry), then left masked or unmasked as asked.
func WriteMSIXEntry(table MMIO, m MSIX, i int, msg Message, masked bool) error {
	if i < 0 || i >= m.Size {
		return fmt.Errorf("pci: MSI-X entry %d outside the table's %d", i, m.Size)
	}
	base := uintptr(i * MSIXEntrySize)
	e := MSIXEntry(msg, masked)
	ctl := table.Read32(base + msixVectorCtl) // its reserved bits are kept
	table.Write32(base+msixVectorCtl, ctl|msixEntryMasked)
	table.Write32(base, e[0])
	table.Write32(base+4, e[1])
	table.Write32(base+8, e[2])
	table.Write32(base+msixVectorCtl, ctl&^msixEntryMasked|e[3])
	return nil
}

// EnableMSIX sets MSI-X Enable and clears Function Mask. Program the
// entries first (WriteMSIXEntry).
func EnableMSIX(c Config, a Addr, m MSIX) {
	off := uint16(m.Offset)
	v := c.Read32(a, off)
	v = v&^(msixFuncMask<<16) | msixEnable<<16
	c.Write32(a, off, v)
}

// DisableMSIX clears MSI-X Enable.
func DisableMSIX(c Config, a Addr, m MSIX) {
	off := uint16(m.Offset)
	c.Write32(a, off, c.Read32(a, off)&^(msixEnable<<16))
}
