package usbhost

import (
	"fmt"
	"time"

	"gokernel/kernel/dev/xhci"
	"gokernel/kernel/usb"
	"gokernel/task"
)

// A hub port's change, handled as one task step after another: read the
// port's status and acknowledge its change bits (USB 2.0 §11.24.2.7),
// detach the device that left; for a device that came, wait out the
// connect debounce (§7.1.7.3, TATTDB: 100 ms), reset the port (§11.24.2.13;
// a USB 3 port that trained is enabled already, USB 3.2 §10.16.2.10) and
// wait the reset recovery (§7.1.7.5, TRSTRCY: 10 ms), then give the
// device an address at the speed the port reports and start its driver.
const (
	debounce      = 100 * time.Millisecond
	resetTimeout  = 500 * time.Millisecond
	resetPoll     = 10 * time.Millisecond
	resetRecovery = 10 * time.Millisecond
)

// port returns the future that handles a change of port p.
func (h *usbHub) port(p int) task.Future[error] {
	c := &portChange{h: h, p: p}
	c.s.add(c.status(true))
	return c
}

type portChange struct {
	h        *usbHub
	p        int
	st       usb.PortStatus
	s        steps
	phase    int
	deadline time.Duration
	addr     task.Future[Addressed]
}

// Phases: each runs its steps, then decides what comes next.
const (
	pcStatus   = iota // read and acknowledge; detach; a device came?
	pcDebounce        // still there after the debounce?
	pcReset           // reset done?
	pcAddress         // address it, start its driver
)

func (c *portChange) Poll(cx *task.Context) (error, bool) {
	h, p := c.h, c.p
	for {
		if c.addr != nil {
			r, ok := c.addr.Poll(cx)
			if !ok {
				return nil, false
			}
			if r.Err != nil {
				return r.Err, true
			}
			h.ports[p-1].child = r.Dev
			if err := h.dr.Spawn(h.dr.Attached(h.portName(p), r.Dev)); err != nil {
				return err, true
			}
			return nil, true
		}
		err, ok := c.s.Poll(cx)
		if !ok {
			return nil, false
		}
		if err != nil {
			return err, true
		}
		c.s = steps{}
		switch c.phase {
		case pcStatus:
			known := h.ports[p-1].child != nil
			if known && (!c.st.Connected || c.st.ConnectChange) {
				h.detachChild(p)
				known = false
			}
			if !c.st.Connected || known {
				return nil, true
			}
			c.s.add(pause(h.dr.Timers, "debounce", debounce), c.status(true))
			c.phase = pcDebounce
		case pcDebounce:
			if !c.st.Connected {
				return nil, true // it left again: a flap; its next change says more
			}
			if h.ss && c.st.Enabled {
				c.phase = pcAddress
				continue
			}
			c.deadline = h.dr.Timers.Now() + resetTimeout
			c.s.add(control(h.d, "port reset", usb.SetPortFeature(usb.PortReset, uint8(p)), nil), c.resetPoll())
			c.phase = pcReset
		case pcReset:
			if !c.st.Connected || !c.st.Enabled {
				return fmt.Errorf("not enabled after reset (%+v)", c.st), true
			}
			c.s.add(pause(h.dr.Timers, "reset recovery", resetRecovery))
			c.phase = pcAddress
		case pcAddress:
			speed, ok := xhciSpeed(c.st.Speed)
			if !ok {
				return fmt.Errorf("unknown speed %v", c.st.Speed), true
			}
			c.addr = h.dr.Address(h.d.At(p, speed))
		}
	}
}

// status is the step that reads the port's status into c.st and, with
// ack, acknowledges the changes it shows.
func (c *portChange) status(ack bool) step {
	h, p := c.h, uint8(c.p)
	return control(h.d, "port status", usb.GetPortStatus(p), func(b []byte) error {
		st, err := usb.ParsePortStatus(b, h.ss)
		if err != nil {
			return err
		}
		c.st = st
		if ack {
			for _, f := range st.ChangeFeatures() {
				c.s.add(control(h.d, "acknowledge port change", usb.ClearPortFeature(f, p), nil))
			}
		}
		return nil
	})
}

// resetPoll is the step that looks at the port every resetPoll until the
// reset is over: its change bit is set (which the status acknowledges)
// or, for USB 3, the port is enabled and not resetting.
func (c *portChange) resetPoll() step {
	h := c.h
	return step{what: "port reset",
		run: func() task.Future[xhci.Result] {
			return task.Map(h.dr.Timers.Sleep(resetPoll), func(struct{}) xhci.Result { return xhci.Result{} })
		},
		then: func(xhci.Result) error {
			c.s.add(c.status(true), step{what: "port reset", run: func() task.Future[xhci.Result] {
				return task.Ready(xhci.Result{})
			}, then: func(xhci.Result) error {
				switch {
				case (c.st.ResetChange || h.ss && c.st.Enabled) && !c.st.Resetting:
					return nil
				case h.dr.Timers.Now() >= c.deadline:
					return fmt.Errorf("did not complete in %v", resetTimeout)
				}
				c.s.add(c.resetPoll())
				return nil
			}})
			return nil
		}}
}

// xhciSpeed converts a hub port's speed to the slot context's.
func xhciSpeed(s usb.Speed) (xhci.Speed, bool) {
	switch s {
	case usb.SpeedLow:
		return xhci.SpeedLow, true
	case usb.SpeedFull:
		return xhci.SpeedFull, true
	case usb.SpeedHigh:
		return xhci.SpeedHigh, true
	case usb.SpeedSuper:
		return xhci.SpeedSuper, true
	case usb.SpeedSuperPlus:
		return xhci.SpeedSuperPlus, true
	}
	return 0, false
}
