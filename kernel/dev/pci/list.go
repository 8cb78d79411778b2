package pci

import "fmt"

// Line formats a function for the pci shell command: address, vendor and
// device IDs, class and the driver bound to it ("-" for none):
//
//	00:04.0 1b36:000d  USB controller (xHCI)         xhci
func Line(f Function, driver string) string {
	if driver == "" {
		driver = "-"
	}
	return fmt.Sprintf("%s %04x:%04x  %-30s %s", f.Addr, f.Vendor, f.Device, f.Class.Name(), driver)
}
