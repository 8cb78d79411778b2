package xhci

import (
	"fmt"

	"gokernel/task"
)

// Interrupt moves the events the controller has written into the queue
// Run reads, tells the controller how far it got (ERDP), and wakes Run.
// It is the interrupt handler's body (MSI-X, MSI or INTx of interrupter
// 0), or what a polling timer calls when the controller has no working
// interrupt: it is cheap when there is nothing to do.
//
// It follows the ring-0 rules: no allocation, no lock, no pointer store;
// it calls only the MMIO methods (which the kernel's implementation must
// keep to the same rules), the ring's Push and AtomicWaker.Wake. It must
// not run concurrently with itself: call it from the interrupt handler,
// or from one polling task, not both.
//
// The acknowledgement comes first (USBSTS.EINT and IMAN.IP are
// write-1-to-clear, §4.17.5), so an event written after the scan raises
// a new interrupt. When the queue is full the remaining events stay on
// the event ring; writing ERDP with EHB clear makes the controller
// interrupt again while the ring is not empty (§4.17.2), at most once
// per moderation interval (IMOD, 1 ms), so they are taken later.
func (c *Controller) Interrupt() {
	if c.ev == nil {
		return
	}
	c.r.Write32(c.Caps.op(opUSBSTS), stsEINT)
	c.r.Write32(c.Caps.ir(0, irIMAN), imanIP|imanIE)
	moved := false
	for {
		t, ok := c.ev.Peek()
		if !ok {
			break
		}
		if !c.queue.Push(t) {
			c.deferred.Add(1)
			break
		}
		c.ev.Pop()
		moved = true
	}
	c.r.Write64(c.Caps.ir(0, irERDP), c.ev.ERDP())
	if moved {
		c.qWaker.Wake()
	}
}

// Run returns the dispatcher task: it takes the events Interrupt queued
// and completes the commands and transfers they end, notes port changes
// for PortChanges, and never completes. Spawn it once.
func (c *Controller) Run() task.Future[struct{}] {
	return task.FutureFunc[struct{}](func(cx *task.Context) (struct{}, bool) {
		for range task.ForEachBudget {
			t, ok := c.queue.Pop()
			if !ok {
				c.qWaker.Register(cx.Waker())
				if t, ok = c.queue.Pop(); !ok {
					return struct{}{}, false
				}
			}
			c.dispatch(t)
		}
		cx.Waker().Wake() // more may be waiting: yield, come back
		return struct{}{}, false
	})
}

// dispatch handles one event.
func (c *Controller) dispatch(t TRB) {
	e := DecodeEvent(t)
	switch e.Type {
	case TypeCommandComplete:
		if c.cmd != nil {
			c.cmd.Completed(e.Ptr) // a command that timed out still frees its place
		}
		if o, ok := c.cmds[e.Ptr]; ok {
			delete(c.cmds, e.Ptr)
			o.finish(e, nil)
			return
		}
	case TypeTransferEvent:
		if d := c.dev(e.Slot); d != nil && d.transferEvent(e) {
			return
		}
	case TypePortStatus:
		if e.Port >= 1 && e.Port <= len(c.ports) {
			c.ports[e.Port-1].changed = true
			c.portW.Wake()
			return
		}
	case TypeHostController:
		c.fail(fmt.Errorf("xhci: host controller event: %v", e.Code))
		return
	}
	c.stray++
}

// dev returns the device in slot, if any.
func (c *Controller) dev(slot int) *Device {
	if slot <= 0 || slot >= len(c.devs) {
		return nil
	}
	return c.devs[slot]
}

// Stats are the dispatcher's counters.
type Stats struct {
	Stray    uint64 // events for nothing in flight
	Deferred uint64 // interrupts that found the event queue full
}

// Stats returns the counters.
func (c *Controller) Stats() Stats {
	return Stats{Stray: c.stray, Deferred: c.deferred.Load()}
}

// PortChanges returns the stream of ports (numbered from 1) whose status
// changed: a Port Status Change Event came, or a device was connected
// when the controller started. Each change is given once, lowest port
// first; read the port's status with PortStatus. One consumer.
func (c *Controller) PortChanges() task.Stream[int] {
	return task.StreamFunc[int](func(cx *task.Context) (int, bool, bool) {
		for i := range c.ports {
			if c.ports[i].changed {
				c.ports[i].changed = false
				return i + 1, true, true
			}
		}
		c.portW = cx.Waker()
		return 0, false, false
	})
}

// PortStatus reads port's PORTSC (ports count from 1).
func (c *Controller) PortStatus(port int) (PortStatus, error) {
	if port < 1 || port > c.Caps.MaxPorts {
		return PortStatus{}, fmt.Errorf("xhci: no port %d", port)
	}
	return DecodePortSC(c.r.Read32(c.Caps.PortSC(port))), nil
}

// AckPortChanges clears the change bits of port that are set now.
func (c *Controller) AckPortChanges(port int) (PortStatus, error) {
	s, err := c.PortStatus(port)
	if err == nil && s.HasChange() {
		c.r.Write32(c.Caps.PortSC(port), PortAckChanges(s.Raw))
	}
	return s, err
}
