package xhci

import (
	"fmt"

	"gokernel/task"
)

// Device is a USB device in a device slot: its contexts, and endpoint 0
// and the endpoints configured since, each with its transfer ring.
type Device struct {
	c     *Controller
	Slot  int
	Loc   Location
	out   DMA // output device context: the controller's
	in    DMA // input context: for commands
	eps   [32]*endpoint
	pages []DMA // every page allocated for the device
	gone  bool
}

// Location is where a device is attached: its root port, its route
// string through hubs, its speed, and for a low- or full-speed device
// behind a high-speed hub the hub's slot and port whose transaction
// translator serves it (§4.3.3, §6.2.2).
type Location struct {
	RootPort  int
	Route     uint32
	Depth     int // hubs between the root port and the device
	Speed     Speed
	TTHubSlot int
	TTPort    int
	MTT       bool
}

// At returns the location of a device on port (from 1) of hub d, at
// speed s.
func (d *Device) At(port int, s Speed) Location {
	l := Location{
		RootPort: d.Loc.RootPort, Route: Route(d.Loc.Route, d.Loc.Depth+1, port),
		Depth: d.Loc.Depth + 1, Speed: s,
		TTHubSlot: d.Loc.TTHubSlot, TTPort: d.Loc.TTPort, MTT: d.Loc.MTT,
	}
	if d.Loc.Speed == SpeedHigh && (s == SpeedLow || s == SpeedFull) {
		l.TTHubSlot, l.TTPort, l.MTT = d.Slot, port, d.hubMTT()
	}
	return l
}

func (d *Device) hubMTT() bool { return DecodeSlot(OutputSlot(d.out.Mem, d.c.Caps.ContextSize)).MTT }

// endpoint is one endpoint's transfer ring and buffer.
type endpoint struct {
	dci       int
	ring      *Ring
	buf       DMA // one page for the data stage or the IN data
	maxPacket int
	cur       *xfer // the transfer in flight: one at a time
	halted    bool  // the controller halted it (stall, error): reset before the next transfer
	stale     bool  // a transfer timed out on it: stop and skip it before the next
}

// newDevice allocates a device's contexts and endpoint 0 and fills the
// input context for Address Device: A0 and A1, the slot context, and
// endpoint 0's context (§4.3.3).
func (c *Controller) newDevice(slot int, loc Location) (*Device, error) {
	if slot < 1 || slot > c.slots || c.devs[slot] != nil {
		return nil, fmt.Errorf("xhci: controller gave slot %d", slot)
	}
	d := &Device{c: c, Slot: slot, Loc: loc}
	var err error
	if d.out, err = d.page(); err != nil {
		return nil, err
	}
	if d.in, err = d.page(); err != nil {
		d.release()
		return nil, err
	}
	ep0, err := d.newEndpoint(1, loc.Speed.DefaultMaxPacket0())
	if err != nil {
		d.release()
		return nil, err
	}
	cs := c.Caps.ContextSize
	InputControl{Add: 1<<0 | 1<<1}.Encode(d.in.Mem[:cs])
	SlotContext{
		Route: loc.Route, Speed: int(loc.Speed), Entries: 1, RootPort: loc.RootPort,
		TTHubSlot: loc.TTHubSlot, TTPort: loc.TTPort, MTT: loc.MTT,
	}.Encode(InputSlot(d.in.Mem, cs))
	ep0.context(EPControl, 0).Encode(InputEndpoint(d.in.Mem, cs, 1))
	if err := SetDCBAA(c.dcbaa, slot, d.out.Phys); err != nil {
		d.release()
		return nil, err
	}
	c.devs[slot] = d
	return d, nil
}

// page allocates one zeroed page for the device.
func (d *Device) page() (DMA, error) {
	p, err := d.c.mem.Alloc(PageSize)
	if err != nil {
		return DMA{}, err
	}
	if err := checkDMA(p, PageSize, d.c.Caps.AC64); err != nil {
		d.c.mem.Free(p)
		return DMA{}, err
	}
	d.pages = append(d.pages, p)
	return p, nil
}

// newEndpoint allocates endpoint dci's ring and buffer.
func (d *Device) newEndpoint(dci, maxPacket int) (*endpoint, error) {
	rm, err := d.page()
	if err != nil {
		return nil, err
	}
	buf, err := d.page()
	if err != nil {
		return nil, err
	}
	r, err := NewRing(rm)
	if err != nil {
		return nil, err
	}
	ep := &endpoint{dci: dci, ring: r, buf: buf, maxPacket: maxPacket}
	d.eps[dci] = ep
	return ep, nil
}

// context returns the endpoint context that starts ep's ring.
func (ep *endpoint) context(typ, interval int) EndpointContext {
	e := EndpointContext{
		Type: typ, MaxPacket: ep.maxPacket, CErr: 3, Interval: interval,
		Dequeue: ep.ring.Phys(), DCS: ep.ring.CycleState(), AvgTRBLen: 8,
	}
	if typ == EPInterruptIn || typ == EPInterruptOut {
		e.AvgTRBLen, e.MaxESIT = ep.maxPacket, ep.maxPacket
	}
	return e
}

// setMaxPacket0 updates endpoint 0's maximum packet size with Evaluate
// Context (A1 only).
func (d *Device) setMaxPacket0(mp int) task.Future[Result] {
	cs := d.c.Caps.ContextSize
	clear(d.in.Mem[:InputContextSize(cs)])
	InputControl{Add: 1 << 1}.Encode(d.in.Mem[:cs])
	ep0 := d.eps[1]
	e := DecodeEndpoint(OutputEndpoint(d.out.Mem, cs, 1))
	e.MaxPacket, e.State = mp, 0
	e.Encode(InputEndpoint(d.in.Mem, cs, 1))
	return task.Map(d.c.Command(EvaluateContext(d.in.Phys, d.Slot)), func(r Result) Result {
		if r.Err == nil {
			ep0.maxPacket = mp
		}
		return r
	})
}

// release gives back the device's memory and slot entry. The slot itself
// is the controller's until Disable Slot.
func (d *Device) release() {
	c := d.c
	if c.devs[d.Slot] == d {
		c.devs[d.Slot] = nil
		SetDCBAA(c.dcbaa, d.Slot, 0)
	}
	for _, p := range d.pages {
		c.mem.Free(p)
	}
	d.pages, d.gone = nil, true
	d.eps = [32]*endpoint{}
}

// failAll ends every transfer in flight on the device with err.
func (d *Device) failAll(err error) {
	for _, ep := range d.eps {
		if ep != nil && ep.cur != nil {
			x := ep.cur
			ep.cur = nil
			x.o.finish(Event{}, err)
		}
	}
}

// Detach returns the future that forgets the device: its transfers end
// with ErrDetached, Disable Slot gives the slot back (§4.6.4), and its
// memory is freed even if the command fails.
func (d *Device) Detach() task.Future[Result] {
	d.failAll(ErrDetached)
	d.gone = true
	return task.Map(d.c.Command(DisableSlot(d.Slot)), func(r Result) Result {
		d.release()
		return r
	})
}

// Speed returns the device's speed.
func (d *Device) Speed() Speed { return d.Loc.Speed }

// State returns the slot state the controller keeps in the output slot
// context (SlotAddressed, SlotConfigured, ...), and the USB address it
// gave the device.
func (d *Device) State() (state, address int) {
	if d.gone {
		return 0, 0
	}
	s := DecodeSlot(OutputSlot(d.out.Mem, d.c.Caps.ContextSize))
	return s.State, s.Address
}
