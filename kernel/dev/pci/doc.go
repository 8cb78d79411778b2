// Package pci reads and programs PCI configuration space: the header
// (PCI Local Bus Specification 3.0 §6.1-6.2; the bridge header of the
// PCI-to-PCI Bridge Architecture Specification 1.2 §3.2), the capability
// list (§6.7), MSI and MSI-X (§6.8; PCI Express Base Specification §7.7),
// base address registers (§6.2.5.1), and the enumeration of buses,
// devices and functions behind bridges. It is the only place the
// configuration mechanism's ports (0xCF8/0xCFC) are named.
//
// Ring 3, ordinary Go. Every decision is a pure function over bytes or
// over the Config interface (config-space reads and writes), so that the
// host tests run them on QEMU's configuration space (testdata/) and on
// fakes. Two implementations of Config reach real hardware: Ports, the
// configuration mechanism #1 through I/O ports 0xCF8/0xCFC (§3.2.2.3.2),
// and ECAM, the PCI Express memory-mapped configuration space (PCIe Base
// §7.2.2), over an MMIO mapping the kernel provides.
package pci
