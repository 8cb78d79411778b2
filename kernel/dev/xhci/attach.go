package xhci

import (
	"fmt"
	"time"

	"gokernel/task"
)

// Reset timing of a root port: the controller drives the reset (10-20 ms
// of USB 2.0 §7.1.7.5) and reports its end with PRC.
const PortResetTimeout = 500 * time.Millisecond

// AttachResult is what Attach and Address complete with.
type AttachResult struct {
	Dev *Device
	Err error
}

// Attach returns the future that brings up the device connected to root
// port (from 1): it resets the port if the port is not enabled yet (USB
// 2 ports; USB 3 ports enable themselves after link training) and waits
// for the reset's end, then addresses the device at the port's speed
// (Address). The error names the port and the step that failed.
func (c *Controller) Attach(port int) task.Future[AttachResult] {
	return &attacher{c: c, port: port}
}

type attacher struct {
	c     *Controller
	port  int
	state int
	timer *task.Timer
	sub   task.Future[AttachResult]
}

func (a *attacher) fail(format string, args ...any) (AttachResult, bool) {
	return AttachResult{Err: fmt.Errorf("usb: port %d: "+format, append([]any{a.port}, args...)...)}, true
}

func (a *attacher) Poll(cx *task.Context) (AttachResult, bool) {
	c := a.c
	for {
		switch a.state {
		case 0:
			if c.failed != nil || c.ev == nil {
				return a.fail("%v", c.notRunning())
			}
			s, err := c.AckPortChanges(a.port)
			switch {
			case err != nil:
				return AttachResult{Err: err}, true
			case !s.Connected:
				return a.fail("%v", ErrNotConnect)
			case s.Enabled:
				a.state = 2
				continue
			}
			c.r.Write32(c.Caps.PortSC(a.port), PortStartReset(s.Raw))
			a.timer, a.state = c.q.Sleep(PortResetTimeout), 1
		case 1:
			s, _ := c.PortStatus(a.port)
			if !s.ResetChange && !(s.Enabled && !s.Resetting) {
				if _, due := a.timer.Poll(cx); !due {
					// Look again in a millisecond: the reset's end also
					// brings a port event, but that goes to PortChanges.
					t := c.q.Sleep(pollEvery)
					if _, due := t.Poll(cx); !due {
						return AttachResult{}, false
					}
					continue
				}
				return a.fail("reset did not complete in %v", PortResetTimeout)
			}
			a.timer.Cancel()
			s, _ = c.AckPortChanges(a.port)
			if !s.Connected || !s.Enabled {
				return a.fail("not enabled after reset (PORTSC %#x)", s.Raw)
			}
			a.state = 2
		case 2:
			s, _ := c.PortStatus(a.port)
			if !s.Speed.Valid() {
				return a.fail("unknown port speed %d", s.Speed)
			}
			a.sub, a.state = c.Address(Location{RootPort: a.port, Speed: s.Speed}), 3
		case 3:
			return a.sub.Poll(cx)
		}
	}
}

// Address returns the future that gives a device at loc a slot and an
// address: Enable Slot, the device's contexts and endpoint 0's ring,
// Address Device (§4.3.2-§4.3.4); then, for a full-speed device, whose
// endpoint 0 may take 8, 16, 32 or 64 bytes, the first 8 bytes of its
// device descriptor and, if they name another size, Evaluate Context
// (§4.6.7). On failure the slot is given back.
func (c *Controller) Address(loc Location) task.Future[AttachResult] {
	return &addresser{c: c, loc: loc}
}

type addresser struct {
	c     *Controller
	loc   Location
	d     *Device
	slot  int
	state int
	sub   task.Future[Result]
	err   error // the failure being cleaned up after
	buf   [8]byte
}

// Steps of Address, and their names in errors.
const (
	adEnableSlot = iota
	adAddress
	adMaxPacket
	adEvaluate
	adDone
	adCleanup // Disable Slot after a failure, then report it
)

var stepNames = [...]string{"enable slot", "address device", "read max packet size", "evaluate context"}

// failed starts the cleanup: the memory goes at once, the slot with a
// Disable Slot command.
func (a *addresser) failed(step string, err error) {
	a.err = fmt.Errorf("usb: port %d: %s: %w", a.loc.RootPort, step, err)
	if a.d != nil {
		a.d.release()
	}
	a.state = adCleanup
	if a.slot != 0 && a.c.failed == nil {
		a.sub = a.c.Command(DisableSlot(a.slot))
	}
}

func (a *addresser) Poll(cx *task.Context) (AttachResult, bool) {
	c := a.c
	for {
		if a.sub != nil {
			r, ok := a.sub.Poll(cx)
			if !ok {
				return AttachResult{}, false
			}
			a.sub = nil
			switch {
			case a.state == adCleanup:
			case r.Err != nil:
				a.failed(stepNames[a.state], r.Err)
				continue
			case a.state == adEnableSlot:
				a.slot = r.Slot
				d, err := c.newDevice(r.Slot, a.loc)
				if err != nil {
					a.failed("device context", err)
					continue
				}
				a.d = d
				a.state++
			default:
				a.state++
			}
		}
		switch a.state {
		case adEnableSlot:
			a.sub = c.Command(EnableSlot())
		case adAddress:
			a.sub = c.Command(AddressDevice(a.d.in.Phys, a.d.Slot, false))
		case adMaxPacket:
			if a.loc.Speed != SpeedFull {
				return AttachResult{Dev: a.d}, true
			}
			// GET_DESCRIPTOR for the first 8 bytes of the device
			// descriptor (USB 2.0 §9.4.3, Table 9-3).
			a.sub = a.d.Control([8]byte{0x80, 6, 0, 1, 0, 0, 8, 0}, a.buf[:])
		case adEvaluate:
			mp := int(a.buf[7])
			if mp != 8 && mp != 16 && mp != 32 && mp != 64 {
				a.failed("read max packet size", fmt.Errorf("bMaxPacketSize0 %d", mp))
				continue
			}
			if mp == a.d.eps[1].maxPacket {
				return AttachResult{Dev: a.d}, true
			}
			a.sub = a.d.setMaxPacket0(mp)
		case adDone:
			return AttachResult{Dev: a.d}, true
		case adCleanup:
			if a.sub == nil {
				return AttachResult{Err: a.err}, true
			}
		}
	}
}
