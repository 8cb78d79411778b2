package xhci

import (
	"fmt"
	"time"

	"gokernel/task"
)

// Hooks connect the port monitor to the kernel: how to spawn a task,
// what to run for a device once it has an address (the class driver:
// descriptors, configuration, the keyboard's reports; it should end when
// the device is detached, as its transfers then fail with ErrDetached),
// and where the messages go.
type Hooks struct {
	Spawn    func(task.Future[struct{}]) error
	Attached func(port int, d *Device) task.Future[struct{}]
	Detached func(port int, d *Device) // optional: after the device is gone
	Log      func(msg string)          // optional
}

// Monitor returns the port monitor task: it reads PortChanges, decides
// with PortAction, and spawns a task per attach (Attach, then
// hooks.Attached) and per detach (Detach). A device whose attach fails
// is reported (one line naming the port and the fault) and forgotten:
// it is tried again on its next connect. It never completes.
func (c *Controller) Monitor(h Hooks) task.Future[struct{}] {
	m := &monitor{c: c, h: h, known: make([]*portDev, c.Caps.MaxPorts+1)}
	return task.ForEach[int](c.PortChanges(), m.change)
}

type monitor struct {
	c     *Controller
	h     Hooks
	known []*portDev // by port: the device attached or being attached
}

// portDev is a port's device: nil while its Attach runs.
type portDev struct {
	d *Device
}

func (m *monitor) log(format string, args ...any) {
	if m.h.Log != nil {
		m.h.Log(fmt.Sprintf(format, args...))
	}
}

func (m *monitor) change(port int) {
	c := m.c
	s, err := c.PortStatus(port)
	if err != nil {
		return
	}
	switch PortAction(s, m.known[port] != nil) {
	case ActAttach:
		m.attach(port)
	case ActDetach:
		c.AckPortChanges(port)
		m.detach(port)
	case ActReplace:
		m.detach(port)
		m.attach(port)
	case ActIgnoreEnable:
		c.AckPortChanges(port)
	}
}

// attach spawns the port's Attach and, after it, the class driver.
func (m *monitor) attach(port int) {
	pd := &portDev{}
	m.known[port] = pd
	var class task.Future[struct{}]
	at := m.c.Attach(port)
	err := m.h.Spawn(task.FutureFunc[struct{}](func(cx *task.Context) (struct{}, bool) {
		if class == nil {
			r, ok := at.Poll(cx)
			if !ok {
				return struct{}{}, false
			}
			if m.known[port] != pd {
				// Unplugged while attaching: give the slot back.
				if r.Dev != nil {
					class = task.Map(r.Dev.Detach(), func(Result) struct{} { return struct{}{} })
					return class.Poll(cx)
				}
				return struct{}{}, true
			}
			if r.Err != nil {
				m.log("%v", r.Err)
				m.known[port] = nil
				return struct{}{}, true
			}
			pd.d = r.Dev
			if m.h.Attached == nil {
				return struct{}{}, true
			}
			class = m.h.Attached(port, r.Dev)
		}
		return class.Poll(cx)
	}))
	if err != nil {
		m.log("usb: port %d: %v", port, err)
		m.known[port] = nil
	}
}

// detach forgets the port's device and spawns its Detach.
func (m *monitor) detach(port int) {
	pd := m.known[port]
	m.known[port] = nil
	if pd == nil || pd.d == nil {
		return // still attaching: the attach task sees it and cleans up
	}
	d := pd.d
	m.h.Spawn(task.Map(d.Detach(), func(r Result) struct{} {
		if r.Err != nil {
			m.log("usb: port %d: detach: %v", port, r.Err)
		}
		if m.h.Detached != nil {
			m.h.Detached(port, d)
		}
		return struct{}{}
	}))
}

// PollTask returns a task that calls Interrupt every period: for a
// controller whose interrupt cannot be used (no MSI-X, MSI or INTx
// route), the last resort. It never completes.
func (c *Controller) PollTask(period time.Duration) task.Future[struct{}] {
	return task.ForEach[time.Duration](c.q.NewTicker(period), func(time.Duration) { c.Interrupt() })
}
