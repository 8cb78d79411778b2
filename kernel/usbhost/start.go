package usbhost

import (
	"fmt"

	"gokernel/kernel/dev/pci"
	"gokernel/task"
)

// USB is what Start brought up: the PCI listing, and the keyboards'
// common stream (empty until a keyboard is plugged in).
type USB struct {
	PCI         *PCI
	Keyboards   *Keyboards
	Controllers int // xHCI controllers being started

	// Log, if set, takes the lines of devices plugged in and out (the
	// shell's Notice, which keeps them off the line being typed);
	// otherwise they are printed.
	Log func(msg string)
}

func (u *USB) say(msg string) {
	if u.Log != nil {
		u.Log(msg)
		return
	}
	fmt.Println(msg)
}

// Start scans PCI and starts every xHCI controller on executor e, whose
// goroutine must be the caller's. It prints a line for the scan, one
// per controller once it runs (or why it does not), and one per device
// plugged in; the keyboards found join Keyboards.
func Start(e *task.Executor) *USB {
	cfg, access := OpenConfig()
	p := ScanPCI(cfg, access)
	u := &USB{PCI: p, Keyboards: NewKeyboards()}
	fmt.Printf("pci: %d functions (%s)\n", len(p.Functions), access)
	for _, err := range p.Problems {
		fmt.Println(err)
	}
	for _, f := range p.Functions {
		if f.Class != pci.ClassXHCI {
			continue
		}
		if err := startController(e, cfg, f, u.Keyboards, u.say); err != nil {
			fmt.Printf("usb: xHCI %04x:%04x at %s: %v; not used\n", f.Vendor, f.Device, f.Addr, err)
			continue
		}
		p.Bind(f.Addr, "xhci")
		u.Controllers++
	}
	return u
}
