package xhci

import (
	"fmt"

	"gokernel/task"
)

// EndpointConfig is an endpoint to configure, from its endpoint
// descriptor (USB 2.0 §9.6.6) and a SuperSpeed companion's bMaxBurst.
type EndpointConfig struct {
	Address    uint8 // bEndpointAddress
	Attributes uint8 // bmAttributes: bits 1:0 the transfer type
	MaxPacket  int   // wMaxPacketSize bits 10:0
	Mult       int   // wMaxPacketSize bits 12:11 (high speed)
	Interval   uint8 // bInterval
	MaxBurst   int   // SuperSpeed companion's bMaxBurst
}

// HubConfig says that a device is a hub, for its slot context (§6.2.2):
// the hub class driver gives it with the hub's endpoint.
type HubConfig struct {
	Ports int  // bNbrPorts
	TTT   int  // TT think time, wHubCharacteristics bits 6:5
	MTT   bool // a multi-TT hub (bDeviceProtocol 2), high speed
}

// ConfigureEndpoints returns the future that adds endpoints to the
// device (§4.6.6, Configure Endpoint; after SET_CONFIGURATION has
// selected the configuration that has them): their rings and contexts,
// the slot context's last context entry, and the hub fields if hub is
// not nil. Endpoint 0 cannot be configured here.
func (d *Device) ConfigureEndpoints(eps []EndpointConfig, hub *HubConfig) task.Future[Result] {
	c := d.c
	cs := c.Caps.ContextSize
	if d.gone {
		return task.Ready(Result{Err: ErrDetached})
	}
	clear(d.in.Mem[:InputContextSize(cs)])
	ctl := InputControl{Add: 1} // A0: the slot context
	slot := DecodeSlot(OutputSlot(d.out.Mem, cs))
	slot.State, slot.Address = 0, 0
	var added []int
	undo := func(err error) task.Future[Result] {
		for _, dci := range added {
			d.eps[dci] = nil // their pages stay with the device until it goes
		}
		return task.Ready(Result{Err: err})
	}
	for _, e := range eps {
		dci := DCI(e.Address)
		typ := EndpointType(e.Attributes, e.Address)
		if dci < 2 || d.eps[dci] != nil || typ == EPControl || e.MaxPacket <= 0 {
			return undo(fmt.Errorf("xhci: endpoint %#x (type %d, %d bytes) cannot be added: %w", e.Address, typ, e.MaxPacket, ErrBadArgument))
		}
		ep, err := d.newEndpoint(dci, e.MaxPacket)
		if err != nil {
			return undo(err)
		}
		added = append(added, dci)
		ctx := ep.context(typ, Interval(d.Loc.Speed, typ, e.Interval))
		ctx.Mult, ctx.MaxBurst = e.Mult, e.MaxBurst
		if typ == EPInterruptIn || typ == EPInterruptOut || typ == EPIsochIn || typ == EPIsochOut {
			ctx.MaxESIT = e.MaxPacket * (e.MaxBurst + 1) * (e.Mult + 1)
			ctx.AvgTRBLen = min(ctx.MaxESIT, PageSize)
		}
		ctx.Encode(InputEndpoint(d.in.Mem, cs, dci))
		ctl.Add |= 1 << dci
		slot.Entries = max(slot.Entries, dci)
	}
	if hub != nil {
		slot.Hub, slot.Ports, slot.TTT, slot.MTT = true, hub.Ports, hub.TTT, hub.MTT
	}
	ctl.Encode(d.in.Mem[:cs])
	slot.Encode(InputSlot(d.in.Mem, cs))
	return task.Map(c.Command(ConfigureEndpoint(d.in.Phys, d.Slot, false)), func(r Result) Result {
		if r.Err != nil {
			for _, dci := range added {
				d.eps[dci] = nil
			}
		}
		return r
	})
}

// Reports returns the stream of the transfers from IN endpoint epAddress
// (a HID report each, for a keyboard): it keeps one transfer queued
// while its consumer waits. After an error it retries, resetting the
// endpoint, up to three times in a row; it ends on the device's detach,
// a controller failure, or a fourth error in a row (Err says why).
func (d *Device) Reports(epAddress uint8) *ReportStream {
	return &ReportStream{d: d, ep: epAddress}
}

// ReportStream is what Reports returns: a task.Stream[[]byte].
type ReportStream struct {
	d      *Device
	ep     uint8
	cur    task.Future[Result]
	errors int
	err    error
}

const maxErrorsInARow = 3

// PollNext implements task.Stream.
func (s *ReportStream) PollNext(cx *task.Context) ([]byte, bool, bool) {
	for {
		if s.err != nil {
			return nil, false, true
		}
		if s.cur == nil {
			s.cur = s.d.In(s.ep)
		}
		r, ok := s.cur.Poll(cx)
		if !ok {
			return nil, false, false
		}
		s.cur = nil
		switch {
		case r.Err == nil:
			s.errors = 0
			return r.Data, true, true
		case r.Err == ErrDetached || s.d.c.failed != nil || s.d.gone:
			s.err = r.Err
		default:
			if s.errors++; s.errors > maxErrorsInARow {
				s.err = r.Err
			}
		}
	}
}

// Err returns why the stream ended (ErrDetached for a device unplugged).
func (s *ReportStream) Err() error { return s.err }
