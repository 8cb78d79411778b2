package pci

import (
	"errors"
	"fmt"
)

// Capability IDs (PCI Code and ID Assignment Specification, §2).
const (
	CapPM      = 0x01 // power management
	CapMSI     = 0x05
	CapVendor  = 0x09
	CapPCIe    = 0x10
	CapMSIX    = 0x11
	capMinimum = 0x40 // capabilities live after the predefined header
)

// Cap is one entry of the capability list: its ID and the offset of its
// first byte (the ID; the next pointer follows it).
type Cap struct {
	ID     uint8
	Offset uint8
}

// Errors of Capabilities.
var (
	ErrCapLoop = errors.New("pci: capability list loops")
)

// ErrCapPointer is a next pointer that points into the header or past the
// space given.
type ErrCapPointer uint8

func (e ErrCapPointer) Error() string {
	return fmt.Sprintf("pci: capability pointer %#x outside 0x40-0xFC", uint8(e))
}

// Capabilities walks the capability list of the configuration space b
// (the first 256 bytes or more), whose header h was parsed from it
// (§6.7): from h.CapPtr, each entry's ID byte is followed by the offset
// of the next, 0 ending the list. The two low bits of each pointer are
// reserved and masked. The walk visits each dword at most once, so it
// ends after at most 48 entries (the dwords from 0x40 to 0xFC), and a
// list that loops ends with ErrCapLoop; the entries found before a fault
// are returned with it.
func Capabilities(b []byte, h Header) ([]Cap, error) {
	var caps []Cap
	var seen [64]bool
	p := h.CapPtr &^ 3
	for p != 0 {
		if p < capMinimum || int(p)+2 > len(b) {
			return caps, ErrCapPointer(p)
		}
		if seen[p/4] {
			return caps, ErrCapLoop
		}
		seen[p/4] = true
		caps = append(caps, Cap{ID: b[p], Offset: p})
		p = b[p+1] &^ 3
	}
	return caps, nil
}

// FindCap returns the first capability with id.
func FindCap(caps []Cap, id uint8) (Cap, bool) {
	for _, c := range caps {
		if c.ID == id {
			return c, true
		}
	}
	return Cap{}, false
}
