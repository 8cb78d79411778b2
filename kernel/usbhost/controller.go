package usbhost

import (
	"errors"
	"fmt"

	"gokernel/kernel/dev/pci"
	"gokernel/kernel/dev/xhci"
	"gokernel/task"
)

// startController brings up the xHCI controller at f on executor e: BAR
// 0 sized and mapped, memory decoding and bus mastering on (PCI Local
// Bus 3.0 §6.2.2), DMA memory from a pool, the interrupt, and the
// driver's tasks: the event dispatcher, the start (xHCI §4.2), and once
// it ran, the port monitor with the class drivers. The controller's
// line, or why it did not start, goes to log from the start task.
func startController(e *task.Executor, cfg pci.Config, f pci.Function, kbds *Keyboards, log func(string)) error {
	a := f.Addr
	bars, err := pci.ReadBARs(cfg, a, f.Header)
	if err != nil {
		return err
	}
	var bar0 pci.BAR
	for _, b := range bars {
		if b.Index == 0 {
			bar0 = b
		}
	}
	if (bar0.Kind != pci.BARMem32 && bar0.Kind != pci.BARMem64) || bar0.Addr == 0 {
		return errors.New("BAR 0 is not an assigned memory BAR")
	}
	pci.SetCommand(cfg, a, pci.Read16(cfg, a, pci.RegCommand)|pci.CmdMemory|pci.CmdBusMaster)
	regs, err := MapRegs(bar0.Addr, bar0.Size)
	if err != nil {
		return err
	}
	pool := &DMAPool{}
	c, err := xhci.New(xhci.Config{Regs: regs, RegsSize: uintptr(bar0.Size), Mem: pool, Timers: e.Timers()})
	if err != nil {
		return err
	}
	pool.Below4G = !c.Caps.AC64
	mode, err := interrupts(e, cfg, f, bars, regs, c)
	if err != nil {
		return err
	}
	if err := spawn(e, c.Run()); err != nil {
		return err
	}
	dr := &Drivers{
		Address: addressOn(c), Timers: e.Timers(), Log: log, Keyboards: kbds,
		Spawn: func(t task.Future[struct{}]) error { return spawn(e, t) },
	}
	hooks := xhci.Hooks{
		Spawn: dr.Spawn, Log: log,
		Attached: func(port int, d *xhci.Device) task.Future[struct{}] {
			return dr.Attached(fmt.Sprintf("port %d", port), xhciDev{d})
		},
	}
	name := fmt.Sprintf("xHCI %04x:%04x at %s", f.Vendor, f.Device, a)
	return spawn(e, task.Map(c.Start(), func(err error) struct{} {
		if err != nil {
			log(fmt.Sprintf("usb: %s: %v; not used", name, err))
			return struct{}{}
		}
		log(fmt.Sprintf("usb: %s, %s, %d ports", name, mode, c.Caps.MaxPorts))
		if err := dr.Spawn(c.Monitor(hooks)); err != nil {
			log(fmt.Sprintf("usb: %s: port monitor: %v", name, err))
		}
		return struct{}{}
	}))
}
