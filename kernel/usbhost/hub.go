package usbhost

import (
	"errors"
	"fmt"
	"time"

	"gokernel/kernel/dev/xhci"
	"gokernel/kernel/usb"
	"gokernel/task"
)

// The hub class (USB 2.0 chapter 11; USB 3.2 chapter 10). A hub is set up
// once: configuration, SET_HUB_DEPTH for a USB 3 hub (USB 3.2
// §10.16.2.9), its descriptor, its status-change endpoint configured with
// the slot's hub fields (xHCI §6.2.2, §4.5.2), its ports powered. Then it
// is a loop over the status-change endpoint's reports (§11.12.4: bit 0
// the hub, bit n port n), handling one changed port at a time
// (hubport.go), so that at most one of its devices answers at the
// default address. When the hub goes, its devices go with it.

// maxHubDepth is the deepest a hub may be (hubs above it): the route
// string has room for five tiers (USB 3.2 §8.9), so a hub at depth 5
// could not reach its own devices.
const maxHubDepth = 4

// powerOnMin is the least wait after powering the ports: Linux's
// hub_power_on waits at least 100 ms, whatever bPwrOn2PwrGood says.
const powerOnMin = 100 * time.Millisecond

// hub returns the driver of hub interface i of device d.
func (dr *Drivers) hub(where string, d Dev, dev usb.Device, cfg usb.Configuration, i usb.Interface) task.Future[struct{}] {
	loc := d.Loc()
	h := &usbHub{dr: dr, where: where, d: d, ss: loc.Speed.USB3()}
	for _, e := range i.Endpoints {
		if e.In() && e.Type == usb.Interrupt {
			h.ep = e
			break
		}
	}
	switch {
	case h.ep.Address == 0:
		h.fail = errors.New("no status-change endpoint")
	case loc.Depth > maxHubDepth:
		h.fail = fmt.Errorf("%d hubs deep; USB allows %d", loc.Depth+1, maxHubDepth+1)
	}
	h.setup.add(control(d, "SET_CONFIGURATION", usb.SetConfiguration(cfg.Value), nil))
	if h.ss {
		h.setup.add(control(d, "SET_HUB_DEPTH", usb.SetHubDepth(uint16(loc.Depth)), nil))
	}
	size := uint16(7 + 2*32) // the longest USB 2.0 hub descriptor (§11.23.2.1)
	if h.ss {
		size = 12
	}
	h.setup.add(control(d, "hub descriptor", usb.GetHubDescriptor(h.ss, size), h.descriptor))
	return h
}

// usbHub is one hub's driver.
type usbHub struct {
	dr    *Drivers
	where string
	d     Dev
	ss    bool // a USB 3.x hub: its descriptor and port status differ
	ep    usb.Endpoint
	desc  usb.Hub
	fail  error // refused before setup

	setup   steps
	ready   bool
	reports Reports
	ports   []hubPort // by port number - 1
	pending []bool    // ports whose status changed, by port number - 1
	hubBit  bool      // the hub's own status changed
	cur     task.Future[error]
	curPort int // the port cur handles; 0 for the hub itself
}

// hubPort is what is known of one port: the device on it, if any.
type hubPort struct {
	child Dev
}

// descriptor takes the hub descriptor and adds the rest of the setup:
// the endpoint, then power on every port and wait for it.
func (h *usbHub) descriptor(b []byte) (err error) {
	if h.ss {
		h.desc, err = usb.ParseSuperSpeedHub(b)
	} else {
		h.desc, err = usb.ParseHub(b)
	}
	if err != nil {
		return err
	}
	n := h.desc.Ports
	h.ports, h.pending = make([]hubPort, n), make([]bool, n)
	h.setup.add(step{what: "configure endpoint", run: func() task.Future[xhci.Result] {
		ep := h.ep
		return h.d.ConfigureEndpoints([]xhci.EndpointConfig{{
			Address: ep.Address, Attributes: uint8(ep.Type), MaxPacket: ep.MaxPacket,
			Mult: ep.Mult, Interval: ep.Interval, MaxBurst: int(ep.MaxBurst),
		}}, &xhci.HubConfig{Ports: n, TTT: int(h.desc.Characteristics >> 5 & 3)})
	}})
	for p := 1; p <= n; p++ {
		h.setup.add(control(h.d, fmt.Sprintf("port %d power", p), usb.SetPortFeature(usb.PortPower, uint8(p)), nil))
	}
	h.setup.add(pause(h.dr.Timers, "power on", max(time.Duration(h.desc.PowerOnGood)*time.Millisecond, powerOnMin)))
	return nil
}

func (h *usbHub) Poll(cx *task.Context) (struct{}, bool) {
	if !h.ready {
		if h.fail != nil {
			h.dr.logf("usb: %s: hub: %v; not driven", h.where, h.fail)
			return struct{}{}, true
		}
		err, ok := h.setup.Poll(cx)
		if !ok {
			return struct{}{}, false
		}
		if err != nil {
			h.dr.logf("usb: %s: hub: %v; ignored until it is plugged in again", h.where, err)
			return struct{}{}, true
		}
		h.ready = true
		h.reports = h.d.Reports(h.ep.Address)
		for p := range h.pending {
			h.pending[p] = true // devices plugged in before the ports had power
		}
		h.dr.logf("usb: hub attached (%s, %v, %d ports)", h.where, h.d.Loc().Speed, h.desc.Ports)
	}
	for {
		if h.cur != nil {
			err, ok := h.cur.Poll(cx)
			if !ok {
				return struct{}{}, false
			}
			h.cur = nil
			if err != nil && !errors.Is(err, xhci.ErrDetached) {
				h.dr.logf("usb: %s: %v; ignored until it is plugged in again", h.portName(h.curPort), err)
			}
			continue
		}
		if h.hubBit {
			h.hubBit, h.curPort = false, 0
			h.cur = h.hubChange()
			continue
		}
		if p := h.nextPending(); p > 0 {
			h.curPort = p
			h.cur = h.port(p)
			continue
		}
		r, ok, ready := h.reports.PollNext(cx)
		switch {
		case !ready:
			return struct{}{}, false
		case !ok:
			h.gone()
			return struct{}{}, true
		}
		h.changed(r)
	}
}

// changed marks what a status-change report names (USB 2.0 §11.12.4).
func (h *usbHub) changed(r []byte) {
	for i, b := range r {
		for bit := 0; bit < 8; bit++ {
			if b&(1<<bit) == 0 {
				continue
			}
			switch p := 8*i + bit; {
			case p == 0:
				h.hubBit = true
			case p <= len(h.pending):
				h.pending[p-1] = true
			}
		}
	}
}

// nextPending takes the lowest port marked changed, or returns 0.
func (h *usbHub) nextPending() int {
	for i, c := range h.pending {
		if c {
			h.pending[i] = false
			return i + 1
		}
	}
	return 0
}

// portName names port p of the hub ("port 1.3"), or the hub for 0.
func (h *usbHub) portName(p int) string {
	if p == 0 {
		return h.where
	}
	return fmt.Sprintf("%s.%d", h.where, p)
}

// hubChange acknowledges the hub's own changes: its power source and
// over-current (USB 2.0 §11.24.2.6); nothing else is done about them.
func (h *usbHub) hubChange() task.Future[error] {
	s := &steps{}
	s.add(control(h.d, "hub status", usb.GetHubStatus(), func(b []byte) error {
		if len(b) != 4 {
			return fmt.Errorf("%d bytes, want 4", len(b))
		}
		change := uint16(b[2]) | uint16(b[3])<<8
		for _, f := range []uint16{usb.CHubLocalPower, usb.CHubOverCurrent} {
			if change&(1<<f) != 0 {
				s.add(control(h.d, "clear hub change", usb.ClearHubFeature(f), nil))
			}
		}
		if change&(1<<usb.CHubOverCurrent) != 0 {
			h.dr.logf("usb: %s: hub reports over-current", h.where)
		}
		return nil
	}))
	return s
}

// gone ends the hub: its devices are detached (their drivers end as
// their transfers fail), and its end is told.
func (h *usbHub) gone() {
	for i := range h.ports {
		h.detachChild(i + 1)
	}
	if err := h.reports.Err(); err != nil && !errors.Is(err, xhci.ErrDetached) {
		h.dr.logf("usb: %s: hub: %v; ignored until it is plugged in again", h.where, err)
		return
	}
	h.dr.logf("usb: hub detached (%s)", h.where)
}

// detachChild forgets the device on port p and gives its slot back.
func (h *usbHub) detachChild(p int) {
	c := h.ports[p-1].child
	if c == nil {
		return
	}
	h.ports[p-1].child = nil
	h.dr.Spawn(task.Map(c.Detach(), func(xhci.Result) struct{} { return struct{}{} }))
}
