package pci

import (
	"errors"
	"fmt"
)

// Configuration header registers (PCI Local Bus 3.0 §6.1, Figure 6-1;
// the type 1 header: PCI-to-PCI Bridge Architecture 1.2 §3.2, Figure 3-2).
const (
	RegVendor     = 0x00
	RegDevice     = 0x02
	RegCommand    = 0x04
	RegStatus     = 0x06
	RegRevision   = 0x08 // then prog-if 0x09, subclass 0x0A, class 0x0B
	RegHeaderType = 0x0E
	RegBAR0       = 0x10
	RegSubVendor  = 0x2C // type 0
	RegCapPtr     = 0x34 // types 0 and 1
	RegIntLine    = 0x3C
	RegIntPin     = 0x3D

	RegBusNumbers = 0x18 // type 1: primary, secondary, subordinate, latency
	capPtrCardBus = 0x14 // type 2

	// HeaderSize is the size of the predefined header.
	HeaderSize = 64
)

// Command register bits (§6.2.2).
const (
	CmdIO          = 1 << 0  // respond to I/O space accesses
	CmdMemory      = 1 << 1  // respond to memory space accesses
	CmdBusMaster   = 1 << 2  // may master the bus: needed for DMA and MSI
	CmdIntxDisable = 1 << 10 // INTx# emulation off (PCI 2.3)
)

// Status register bits (§6.2.3).
const (
	StatusIntx    = 1 << 3 // INTx# asserted
	StatusCapList = 1 << 4 // the capability list at RegCapPtr is valid
)

// Header types (§6.2.1, bits 6:0 of RegHeaderType; bit 7 multi-function).
const (
	TypeGeneral = 0 // an ordinary function, six BARs
	TypeBridge  = 1 // PCI-to-PCI bridge, two BARs and bus numbers
	TypeCardBus = 2 // PC Card bridge

	headerMulti = 0x80
)

// Header is the decoded predefined header of a function.
type Header struct {
	Vendor, Device  uint16
	Command, Status uint16
	Revision        uint8
	Class           Class
	Type            uint8 // TypeGeneral, TypeBridge or TypeCardBus
	MultiFunction   bool  // function 0 only: functions 1-7 may exist
	CapPtr          uint8 // 0 without a capability list (StatusCapList)
	IntLine, IntPin uint8 // IntPin 1-4 is INTA#-INTD#, 0 none

	// Type 0: the subsystem IDs.
	SubVendor, Subsystem uint16

	// Type 1: the bus numbers the bridge decodes.
	Primary, Secondary, Subordinate uint8

	// BAR holds the raw base address registers: six for type 0, two for
	// type 1 (the rest zero), none for type 2.
	BAR [6]uint32
}

// Errors of ParseHeader.
var (
	ErrShortHeader = errors.New("pci: configuration space shorter than the 64-byte header")
	ErrNoFunction  = errors.New("pci: no function (vendor ID 0xFFFF)")
)

// ErrHeaderType is returned for a header type this package does not know.
type ErrHeaderType uint8

func (e ErrHeaderType) Error() string { return fmt.Sprintf("pci: unknown header type %#x", uint8(e)) }

// ParseHeader decodes the header at the start of b, a function's
// configuration space (at least HeaderSize bytes). An absent function
// (vendor 0xFFFF, what the bus returns when no one answers) is
// ErrNoFunction; a vendor ID of 0 is accepted, as some bridges' is.
func ParseHeader(b []byte) (Header, error) {
	var h Header
	if len(b) < HeaderSize {
		return h, ErrShortHeader
	}
	h.Vendor, h.Device = le16(b, RegVendor), le16(b, RegDevice)
	if h.Vendor == 0xFFFF {
		return h, ErrNoFunction
	}
	h.Command, h.Status = le16(b, RegCommand), le16(b, RegStatus)
	h.Revision = b[RegRevision]
	h.Class = Class{b[RegRevision+3], b[RegRevision+2], b[RegRevision+1]}
	ht := b[RegHeaderType]
	h.Type, h.MultiFunction = ht&^headerMulti, ht&headerMulti != 0
	h.IntLine, h.IntPin = b[RegIntLine], b[RegIntPin]
	nbar, capPtr := 0, RegCapPtr
	switch h.Type {
	case TypeGeneral:
		nbar = 6
		h.SubVendor, h.Subsystem = le16(b, RegSubVendor), le16(b, RegSubVendor+2)
	case TypeBridge:
		nbar = 2
		h.Primary, h.Secondary, h.Subordinate = b[RegBusNumbers], b[RegBusNumbers+1], b[RegBusNumbers+2]
	case TypeCardBus:
		capPtr = capPtrCardBus
	default:
		return h, ErrHeaderType(h.Type)
	}
	for i := range nbar {
		h.BAR[i] = le32(b, RegBAR0+4*i)
	}
	if h.Status&StatusCapList != 0 {
		h.CapPtr = b[capPtr]
	}
	return h, nil
}

// ReadHeader reads and decodes a's header.
func ReadHeader(c Config, a Addr) (Header, error) {
	return ParseHeader(ReadSpace(c, a, HeaderSize))
}

// SetCommand writes the Command register. The Status register shares its
// dword and is write-1-to-clear, so it is written with zeros: unchanged.
func SetCommand(c Config, a Addr, cmd uint16) {
	c.Write32(a, RegCommand, uint32(cmd))
}
