// Package usbhost puts USB to work in the kernel. It finds the xHCI
// controllers on PCI, gives the driver (kernel/dev/xhci) what it asks of
// the kernel — its registers, DMA memory and an interrupt — and drives
// what is plugged in: HID boot keyboards, whose scan codes join one
// stream that the shell reads beside the PS/2 keyboard and the serial
// line, and hubs, USB 2.0 and 3.x, so a keyboard behind a hub works.
// Other devices are named, not driven.
//
// The glue (files that name kcall or pci): config.go reaches PCI
// configuration space (ECAM when the ACPI MCFG lists it, else the ports),
// regs.go and dma.go implement the driver's MMIO and Memory over the
// private call's device area, interrupt.go picks MSI-X, MSI or polling,
// controller.go brings one controller up and start.go all of them.
//
// The class drivers (dev.go, steps.go, enumerate.go, keyboard.go,
// keyboards.go, hub.go, hubport.go) see a device only through Dev and
// Drivers, so the host tests run them against fake devices and hubs
// (fake_test.go). Each is a task: a device's enumeration is a sequence of
// control transfers (steps.go), a hub a loop over its status-change
// reports, a keyboard its lock-light task; every transfer and command has
// a timeout (the driver's), so a device that stalls, answers garbage or
// vanishes costs one line naming its port, and is tried again when it is
// plugged in again.
//
// Ring 3, ordinary Go. Everything runs on the executor's goroutine, so
// nothing here locks; the only thing ring 0 does for it is wake the
// interrupt task (kernel/irq, msi.go).
package usbhost
