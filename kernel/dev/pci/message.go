package pci

import "fmt"

// Message is what an MSI or MSI-X interrupt writes: Data to Addr.
type Message struct {
	Addr uint64
	Data uint32
}

// The x86 message format (Intel SDM Vol. 3A §11.11.1, Figure 11-24, the
// Message Address Register, and §11.11.2, Figure 11-25, the Message Data
// Register). The address's bits 31:20 are the fixed value 0xFEE, which
// the chipset turns into an interrupt message to the local APICs rather
// than a memory write; it is the architecture's message window, not the
// local APIC's (relocatable) register page.
const (
	msgAddrFixed  = 0xFEE // bits 31:20
	msgDestShift  = 12    // bits 19:12: destination APIC ID
	msgRH         = 1 << 3
	msgDMLogical  = 1 << 2
	msgDelivShift = 8 // data bits 10:8: delivery mode
	msgLevel      = 1 << 14
	msgTrigLevel  = 1 << 15
)

// Delivery modes of an MSI (Figure 11-25).
const (
	DeliverFixed          = 0
	DeliverLowestPriority = 1
	DeliverNMI            = 4
)

// MSIMessage returns the message that delivers vector to the local APIC
// with ID apicID, edge-triggered, fixed delivery, physical destination
// mode (no redirection hint). Vectors 0-15 are reserved by the
// architecture (§11.11.2 forbids them for fixed delivery), and an APIC ID
// above 255 cannot be written without interrupt remapping: both are
// refused.
func MSIMessage(vector uint8, apicID uint32) (Message, error) {
	if vector < 16 {
		return Message{}, fmt.Errorf("pci: MSI vector %d is reserved (0-15)", vector)
	}
	if apicID > 0xFF {
		return Message{}, fmt.Errorf("pci: APIC ID %d needs interrupt remapping for MSI", apicID)
	}
	return Message{
		Addr: msgAddrFixed<<20 | uint64(apicID)<<msgDestShift,
		Data: uint32(vector) | DeliverFixed<<msgDelivShift,
	}, nil
}

// Vector returns the vector that the message delivers, and its
// destination APIC ID; ok is false if msg is not an x86 interrupt message
// of the kind MSIMessage makes (fixed delivery, edge, physical mode).
func (msg Message) Vector() (vector uint8, apicID uint32, ok bool) {
	ok = msg.Addr>>20 == msgAddrFixed && msg.Addr&(msgRH|msgDMLogical|3) == 0 &&
		msg.Data>>msgDelivShift&7 == DeliverFixed && msg.Data&(msgLevel|msgTrigLevel) == 0
	return uint8(msg.Data), uint32(msg.Addr>>msgDestShift) & 0xFF, ok
}
