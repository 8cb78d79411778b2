package pci

import "fmt"

// Class is a function's class code (PCI Local Bus 3.0 §6.2.1 and
// Appendix D; the PCI Code and ID Assignment Specification 1.x lists the
// current codes): base class, subclass and programming interface.
type Class struct {
	Base, Sub, ProgIF uint8
}

// Class codes this package's users look for.
var (
	ClassXHCI       = Class{0x0C, 0x03, 0x30} // USB xHCI host controller
	ClassBridge     = Class{0x06, 0x04, 0x00} // PCI-to-PCI bridge
	ClassHostBridge = Class{0x06, 0x00, 0x00}
)

// String formats the code as lspci -n does: "0c03" plus the prog-if.
func (c Class) String() string { return fmt.Sprintf("%02x%02x%02x", c.Base, c.Sub, c.ProgIF) }

// Name describes the class in words for the pci command: the most
// specific entry of the table (with the prog-if, then without, then the
// base class alone).
func (c Class) Name() string {
	if n, ok := classNames[uint32(c.Base)<<16|uint32(c.Sub)<<8|uint32(c.ProgIF)|progIFKnown]; ok {
		return n
	}
	if n, ok := classNames[uint32(c.Base)<<16|uint32(c.Sub)<<8]; ok {
		return n
	}
	if n, ok := classNames[uint32(c.Base)<<16|0xFF00]; ok {
		return n
	}
	return "unknown class " + c.String()
}

// progIFKnown marks a table key that includes the prog-if.
const progIFKnown = 1 << 24

// Keys: base<<16 | sub<<8, with progIFKnown|progif for the entries that
// depend on the programming interface, and base<<16|0xFF00 for the base
// class's own name (from the PCI Code and ID Assignment Specification).
var classNames = map[uint32]string{
	0x00FF00:               "unclassified device",
	0x000100:               "VGA-compatible unclassified device",
	0x01FF00:               "mass storage controller",
	0x010000:               "SCSI controller",
	0x010100:               "IDE controller",
	0x010500:               "ATA controller",
	0x010600:               "SATA controller",
	0x010601 | progIFKnown: "SATA controller (AHCI)",
	0x010700:               "SAS controller",
	0x010800:               "non-volatile memory controller",
	0x010802 | progIFKnown: "NVMe controller",
	0x02FF00:               "network controller",
	0x020000:               "Ethernet controller",
	0x028000:               "network controller",
	0x03FF00:               "display controller",
	0x030000:               "VGA-compatible controller",
	0x030200:               "3D controller",
	0x04FF00:               "multimedia controller",
	0x040100:               "audio device",
	0x040300:               "audio device (HD Audio)",
	0x05FF00:               "memory controller",
	0x06FF00:               "bridge",
	0x060000:               "host bridge",
	0x060100:               "ISA bridge",
	0x060400:               "PCI bridge",
	0x060401 | progIFKnown: "PCI bridge (subtractive decode)",
	0x060700:               "CardBus bridge",
	0x068000:               "bridge",
	0x07FF00:               "communication controller",
	0x070000:               "serial controller",
	0x070002 | progIFKnown: "serial controller (16550)",
	0x08FF00:               "system peripheral",
	0x088000:               "system peripheral",
	0x09FF00:               "input device controller",
	0x0CFF00:               "serial bus controller",
	0x0C0300:               "USB controller",
	0x0C0300 | progIFKnown: "USB controller (UHCI)",
	0x0C0310 | progIFKnown: "USB controller (OHCI)",
	0x0C0320 | progIFKnown: "USB controller (EHCI)",
	0x0C0330 | progIFKnown: "USB controller (xHCI)",
	0x0C0340 | progIFKnown: "USB controller (USB4)",
	0x0C03FE | progIFKnown: "USB device (not a host controller)",
	0x0C0500:               "SMBus controller",
	0x0DFF00:               "wireless controller",
	0x0EFF00:               "intelligent controller",
	0x0FFF00:               "satellite communication controller",
	0x10FF00:               "encryption controller",
	0x11FF00:               "signal processing controller",
	0x12FF00:               "processing accelerator",
	0x13FF00:               "non-essential instrumentation",
	0xFFFF00:               "unassigned class",
}
