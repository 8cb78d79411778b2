package usbhost

import (
	"errors"
	"fmt"
	"syscall"
	"time"

	"gokernel/kernel/dev/pci"
	"gokernel/kernel/dev/xhci"
	"gokernel/kernel/irq"
	"gokernel/kernel/kcall"
	"gokernel/task"
)

// How interrupter 0 reaches the kernel, in the order: MSI-X
// (PCI Local Bus 3.0 §6.8.2), MSI (§6.8.1), or a task that looks at the
// event ring every PollPeriod. Both message kinds get a vector of the
// kernel's (kcall.AllocMSIVector) sent to the boot CPU; its ring-0
// handler wakes the interrupt task, which calls the driver's Interrupt.
//
// INTx is not used. Which I/O APIC input a PCI device's INTx# pin
// reaches is in the ACPI namespace (the _PRT objects, AML that the kernel
// cannot run), and the Interrupt Line register the BIOS fills names the
// 8259's IRQ, which on a machine run through the I/O APIC need not be
// the input (QEMU's q35 routes PIRQs to GSIs 16-23 while SeaBIOS writes
// 10 or 11). A wrong guess is an interrupt storm or silence; polling is
// merely slower.

// PollPeriod is how often the event ring is read without an interrupt.
const PollPeriod = 10 * time.Millisecond

// intr is the interrupt task: the handler in ring 0 wakes it through w.
type intr struct {
	c *xhci.Controller
	w task.AtomicWaker
}

// Poll registers first, then drains: an interrupt after the register
// wakes it again, one before it is drained now.
func (t *intr) Poll(cx *task.Context) (struct{}, bool) {
	t.w.Register(cx.Waker())
	t.c.Interrupt()
	return struct{}{}, false
}

// interrupts connects controller c at f to the kernel and spawns the
// task that serves it; it returns the mode for the boot line.
func interrupts(e *task.Executor, cfg pci.Config, f pci.Function, bars []pci.BAR, regs *Regs, c *xhci.Controller) (string, error) {
	caps, err := pci.Capabilities(pci.ReadSpace(cfg, f.Addr, 256), f.Header)
	if err != nil {
		caps = nil // polling, with the reason below
	}
	var why []string
	t := &intr{c: c}
	if cp, ok := pci.FindCap(caps, pci.CapMSIX); ok {
		err := useMSIX(cfg, f, cp, bars, regs, t)
		if err == nil {
			return "MSI-X", spawn(e, t)
		}
		why = append(why, "MSI-X: "+err.Error())
	}
	if cp, ok := pci.FindCap(caps, pci.CapMSI); ok {
		err := useMSI(cfg, f, cp, t)
		if err == nil {
			return "MSI", spawn(e, t)
		}
		why = append(why, "MSI: "+err.Error())
	}
	if len(why) == 0 {
		why = append(why, "no MSI-X or MSI")
	}
	mode := fmt.Sprintf("polling every %v (%s; INTx needs ACPI's _PRT)", PollPeriod, joinWhy(why))
	return mode, spawn(e, untilFailed(c, c.PollTask(PollPeriod)))
}

// untilFailed runs f until the controller has failed (it did not start,
// or a host controller error stopped it): a poller would tick for
// nothing after that.
func untilFailed(c *xhci.Controller, f task.Future[struct{}]) task.Future[struct{}] {
	return task.FutureFunc[struct{}](func(cx *task.Context) (struct{}, bool) {
		if c.Failed() != nil {
			return struct{}{}, true
		}
		return f.Poll(cx)
	})
}

func joinWhy(w []string) string {
	s := w[0]
	for _, x := range w[1:] {
		s += "; " + x
	}
	return s
}

// spawn starts one of the driver's tasks. They all run on runner 0: they
// share the controller's state, written for one thread, and keep time on
// e.Timers(), runner 0's queue.
func spawn(e *task.Executor, f task.Future[struct{}]) error {
	_, err := e.SpawnOn(0, "usb", f)
	return err
}

// vector gets a vector, points it at t, and returns its message.
func vector(t *intr) (pci.Message, error) {
	v, apic, err := kcall.AllocMSIVector()
	switch {
	case errors.Is(err, syscall.ENODEV):
		return pci.Message{}, errors.New("the 8259 PICs are the interrupt controller, and messages need a local APIC")
	case err != nil:
		return pci.Message{}, fmt.Errorf("no vector: %w", err)
	}
	msg, err := pci.MSIMessage(v, apic)
	if err != nil {
		return msg, err
	}
	if !irq.SetMSIWaker(v, &t.w) {
		return msg, errors.New("vector out of range")
	}
	return msg, nil
}

// useMSIX programs entry 0 of the MSI-X table (interrupter 0's) and
// enables MSI-X with INTx off.
func useMSIX(cfg pci.Config, f pci.Function, cp pci.Cap, bars []pci.BAR, regs *Regs, t *intr) error {
	m, err := pci.ParseMSIX(pci.ReadSpace(cfg, f.Addr, 256), cp)
	if err != nil {
		return err
	}
	table, err := msixTable(m, bars, regs)
	if err != nil {
		return err
	}
	msg, err := vector(t)
	if err != nil {
		return err
	}
	if err := pci.WriteMSIXEntry(table, m, 0, msg, false); err != nil {
		return err
	}
	pci.SetCommand(cfg, f.Addr, pci.Read16(cfg, f.Addr, pci.RegCommand)|pci.CmdIntxDisable)
	pci.EnableMSIX(cfg, f.Addr, m)
	return nil
}

// msixTable maps the vector table: in BAR 0's registers already (the
// xHCI's usual place), else in the BAR it names.
func msixTable(m pci.MSIX, bars []pci.BAR, regs *Regs) (*Regs, error) {
	for _, b := range bars {
		if b.Index != int(m.TableBIR) {
			continue
		}
		if b.Kind == pci.BARIO || uint64(m.TableOffset)+uint64(m.TableBytes()) > b.Size {
			return nil, fmt.Errorf("table at %#x in %v", m.TableOffset, b)
		}
		if b.Index == 0 {
			return &Regs{base: regs.base + uintptr(m.TableOffset), size: uintptr(m.TableBytes())}, nil
		}
		return MapRegs(b.Addr+uint64(m.TableOffset), uint64(m.TableBytes()))
	}
	return nil, fmt.Errorf("table in BAR %d, which is not there", m.TableBIR)
}

// useMSI programs the MSI capability for one vector, INTx off.
func useMSI(cfg pci.Config, f pci.Function, cp pci.Cap, t *intr) error {
	m, err := pci.ParseMSI(pci.ReadSpace(cfg, f.Addr, 256), cp)
	if err != nil {
		return err
	}
	msg, err := vector(t)
	if err != nil {
		return err
	}
	pci.SetCommand(cfg, f.Addr, pci.Read16(cfg, f.Addr, pci.RegCommand)|pci.CmdIntxDisable)
	return pci.ProgramMSI(cfg, f.Addr, m, msg, 1)
}
