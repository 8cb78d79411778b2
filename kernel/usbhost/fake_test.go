package usbhost

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"gokernel/kernel/dev/xhci"
	"gokernel/kernel/usb"
	"gokernel/keyboard"
	"gokernel/task"
)

// The class drivers on the host: a real executor on a virtual clock,
// fake devices and hubs that answer control transfers from their
// descriptors and state, and a script of things that happen at given
// virtual times (a device plugged in, keys typed, a device pulled out).
// Between them the executor runs until nothing is runnable; timers
// (debounce, reset polls, typematic repeat) jump the clock.

// rig is one test's world.
type rig struct {
	t      *testing.T
	now    time.Duration
	q      *task.Timers
	e      *task.Executor
	dr     *Drivers
	ks     *Keyboards
	lines  []string         // what the drivers logged
	roots  map[int]*fakeDev // devices on root ports
	script []action         // in time order
	typed  strings.Builder  // the runes the keyboards' stream gave
	slot   int              // the last slot handed out
	events *keyboard.EventStream
}

type action struct {
	at time.Duration
	do func()
}

// maxVirtual bounds a test's virtual time.
const maxVirtual = time.Hour

func newRig(t *testing.T) *rig {
	r := &rig{t: t, roots: map[int]*fakeDev{}}
	r.q = task.NewTimers(func() time.Duration { return r.now })
	e, err := task.NewExecutor(256, r.idle)
	if err != nil {
		t.Fatal(err)
	}
	e.SetTimers(r.q)
	e.SetPanicHandler(func(p *task.TaskPanic) { t.Errorf("task panicked: %v", p) })
	r.e = e
	r.ks = NewKeyboards()
	r.dr = &Drivers{
		Address: r.address, Timers: r.q, Keyboards: r.ks,
		Spawn: func(f task.Future[struct{}]) error { _, err := e.Spawn(f); return err },
		Log:   func(m string) { r.lines = append(r.lines, m) },
	}
	r.events = keyboard.Events(r.ks, keyboard.US, r.ks.SetLEDs)
	e.Spawn(task.ForEach[keyboard.Event](r.events, func(ev keyboard.Event) {
		if ev.Rune != 0 {
			r.typed.WriteRune(ev.Rune)
		}
	}))
	return r
}

// at adds an action at virtual time d (not before the last one's).
func (r *rig) at(d time.Duration, f func()) { r.script = append(r.script, action{d, f}) }

// idle plays the world: when no task is runnable, the next action or the
// next timer, whichever comes first; with neither, the end.
func (r *rig) idle(queueEmpty func() bool, deadline time.Duration, has bool) {
	switch {
	case !queueEmpty():
	case len(r.script) > 0 && (!has || r.script[0].at <= deadline):
		a := r.script[0]
		r.script = r.script[1:]
		r.now = max(r.now, a.at)
		a.do()
	case has && deadline < maxVirtual:
		r.now = max(r.now, deadline)
	default:
		r.e.Stop()
	}
}

// run runs the script to its end and until everything has settled.
func (r *rig) run() {
	r.t.Helper()
	if err := r.e.Run(); err != nil {
		r.t.Fatal(err)
	}
	if len(r.script) > 0 {
		r.t.Fatalf("%d actions left", len(r.script))
	}
}

// plugRoot attaches d to root port p, as the port monitor does.
func (r *rig) plugRoot(p int, d *fakeDev) {
	r.roots[p] = d
	r.slot++
	d.loc, d.slot, d.addressed = xhci.Location{RootPort: p, Speed: d.speed}, r.slot, true
	r.dr.Spawn(r.dr.Attached(fmt.Sprintf("port %d", p), d))
}

// unplugRoot detaches the device on root port p, as the monitor does.
func (r *rig) unplugRoot(p int) {
	d := r.roots[p]
	delete(r.roots, p)
	r.dr.Spawn(task.Map(d.Detach(), func(xhci.Result) struct{} { return struct{}{} }))
}

// address finds the device a location names: down from its root port
// through the hubs' enabled ports, a route string nibble per tier.
func (r *rig) address(loc xhci.Location) task.Future[Addressed] {
	d := r.roots[loc.RootPort]
	for i := 1; i <= loc.Depth && d != nil; i++ {
		p := int(loc.Route>>(4*(i-1))) & 0xF
		if d.hub == nil || p < 1 || p > len(d.hub.ports) || !d.hub.ports[p-1].enabled {
			d = nil
			break
		}
		d = d.hub.ports[p-1].dev
	}
	if d == nil || d.addressed {
		return task.Ready(Addressed{Err: fmt.Errorf("usb: no device answers at %+v", loc)})
	}
	r.slot++
	d.loc, d.slot, d.addressed = loc, r.slot, true
	return task.Ready(Addressed{Dev: d})
}

// expect checks that the log holds lines matching each pattern, in order.
func (r *rig) expect(patterns ...string) {
	r.t.Helper()
	i := 0
	for _, l := range r.lines {
		if i < len(patterns) && strings.Contains(l, patterns[i]) {
			i++
		}
	}
	if i < len(patterns) {
		r.t.Errorf("no line %q in order; the log:\n%s", patterns[i], strings.Join(r.lines, "\n"))
	}
}

// fakeDev is a USB device: descriptors, what it was asked, its reports.
type fakeDev struct {
	r              *rig
	speed          xhci.Speed
	device, config []byte
	loc            xhci.Location
	slot           int
	addressed      bool
	gone           bool
	hub            *fakeHub // for a hub

	stall    func(s usb.Setup) bool // requests answered with STALL
	requests []usb.Setup
	eps      []xhci.EndpointConfig
	hubCfg   *xhci.HubConfig
	reports  map[uint8]*fakeReports
	leds     []byte
	protocol int // SET_PROTOCOL's value; -1 never set
	setIdle  bool
	conf     int
}

func (r *rig) dev(speed xhci.Speed, device, config []byte) *fakeDev {
	return &fakeDev{r: r, speed: speed, device: device, config: config, protocol: -1, reports: map[uint8]*fakeReports{}}
}

func (d *fakeDev) Control(s usb.Setup, data []byte) task.Future[xhci.Result] {
	d.requests = append(d.requests, s)
	switch {
	case d.gone:
		return task.Ready(xhci.Result{Err: xhci.ErrDetached})
	case d.stall != nil && d.stall(s):
		return task.Ready(xhci.Result{Err: fmt.Errorf("xhci: slot %d endpoint 1: %w", d.slot, xhci.ErrStall)})
	}
	var resp []byte
	var err error
	switch {
	case s.RequestType == usb.DirIn && s.Request == usb.ReqGetDescriptor && s.Value>>8 == usb.DescDevice:
		resp = d.device
	case s.RequestType == usb.DirIn && s.Request == usb.ReqGetDescriptor && s.Value>>8 == usb.DescConfiguration:
		resp = d.config
	case s.RequestType == 0 && s.Request == usb.ReqSetConfiguration:
		d.conf = int(s.Value)
	case s.RequestType == usb.TypeClass|usb.RecipInterface && s.Request == usb.ReqHIDSetProtocol:
		d.protocol = int(s.Value)
	case s.RequestType == usb.TypeClass|usb.RecipInterface && s.Request == usb.ReqHIDSetIdle:
		d.setIdle = true
	case s.RequestType == usb.TypeClass|usb.RecipInterface && s.Request == usb.ReqHIDSetReport:
		d.leds = append(d.leds, data[0])
	case d.hub != nil:
		resp, err = d.hub.control(s)
	default:
		err = fmt.Errorf("xhci: slot %d endpoint 1: %w", d.slot, xhci.ErrStall)
	}
	if err != nil {
		return task.Ready(xhci.Result{Err: err})
	}
	n := copy(data[:s.Length], resp)
	return task.Ready(xhci.Result{N: n, Data: data[:n]})
}

func (d *fakeDev) ConfigureEndpoints(eps []xhci.EndpointConfig, hub *xhci.HubConfig) task.Future[xhci.Result] {
	if d.gone {
		return task.Ready(xhci.Result{Err: xhci.ErrDetached})
	}
	d.eps, d.hubCfg = append(d.eps, eps...), hub
	return task.Ready(xhci.Result{})
}

func (d *fakeDev) Reports(ep uint8) Reports {
	if d.reports[ep] == nil {
		d.reports[ep] = &fakeReports{}
	}
	return d.reports[ep]
}

func (d *fakeDev) Detach() task.Future[xhci.Result] {
	d.gone = true
	for _, rs := range d.reports {
		rs.end(xhci.ErrDetached)
	}
	return task.Ready(xhci.Result{})
}

func (d *fakeDev) Loc() xhci.Location { return d.loc }

// At is xhci.Device.At: one tier down, and the transaction translator of
// a high-speed hub for a low- or full-speed device.
func (d *fakeDev) At(port int, s xhci.Speed) xhci.Location {
	l := xhci.Location{RootPort: d.loc.RootPort, Route: xhci.Route(d.loc.Route, d.loc.Depth+1, port),
		Depth: d.loc.Depth + 1, Speed: s, TTHubSlot: d.loc.TTHubSlot, TTPort: d.loc.TTPort}
	if d.loc.Speed == xhci.SpeedHigh && (s == xhci.SpeedLow || s == xhci.SpeedFull) {
		l.TTHubSlot, l.TTPort = d.slot, port
	}
	return l
}

// report queues an interrupt report on endpoint ep.
func (d *fakeDev) report(ep uint8, b []byte) { d.Reports(ep).(*fakeReports).push(b) }

// asked reports whether the device got a request like s.
func (d *fakeDev) asked(s usb.Setup) bool {
	for _, x := range d.requests {
		if x == s {
			return true
		}
	}
	return false
}

// fakeReports is an interrupt endpoint's transfers.
type fakeReports struct {
	q     [][]byte
	ended bool
	err   error
	w     task.Waker
}

func (f *fakeReports) PollNext(cx *task.Context) ([]byte, bool, bool) {
	if len(f.q) > 0 {
		b := f.q[0]
		f.q = f.q[1:]
		return b, true, true
	}
	if f.ended {
		return nil, false, true
	}
	f.w = cx.Waker()
	return nil, false, false
}

func (f *fakeReports) Err() error { return f.err }

func (f *fakeReports) push(b []byte) {
	f.q = append(f.q, b)
	f.w.Wake()
}

func (f *fakeReports) end(err error) {
	if !f.ended {
		f.ended, f.err = true, err
	}
	f.w.Wake()
}

// fakeHub is a hub's class side: its ports and their status (USB 2.0
// §11.24.2.7, USB 3.2 §10.16.2.6).
type fakeHub struct {
	d          *fakeDev
	ss         bool
	ports      []fakePort
	depth      int  // SET_HUB_DEPTH's value, -1 if never set
	resetNever bool // a reset never ends
}

type fakePort struct {
	dev              *fakeDev
	powered, enabled bool
	change           uint16 // wPortChange
}

// Port status bits used here.
const (
	psConnection  = 1 << 0
	psEnable      = 1 << 1
	pchConnection = 1 << 0
	pchReset      = 1 << 4
)

func (h *fakeHub) control(s usb.Setup) ([]byte, error) {
	p := int(s.Index)
	port := func() (*fakePort, error) {
		if p < 1 || p > len(h.ports) {
			return nil, fmt.Errorf("port %d: %w", p, xhci.ErrStall)
		}
		return &h.ports[p-1], nil
	}
	switch {
	case s.RequestType == usb.DirIn|usb.TypeClass && s.Request == usb.ReqGetDescriptor:
		return h.descriptor(), nil
	case s.RequestType == usb.DirIn|usb.TypeClass && s.Request == usb.ReqGetStatus:
		return make([]byte, 4), nil
	case s.RequestType == usb.TypeClass && s.Request == usb.ReqHubSetHubDepth && h.ss:
		h.depth = int(s.Value)
		return nil, nil
	case s.RequestType == usb.DirIn|usb.TypeClass|usb.RecipOther && s.Request == usb.ReqGetStatus:
		pt, err := port()
		if err != nil {
			return nil, err
		}
		st := h.status(pt)
		return []byte{byte(st), byte(st >> 8), byte(pt.change), byte(pt.change >> 8)}, nil
	case s.RequestType == usb.TypeClass|usb.RecipOther && s.Request == usb.ReqSetFeature:
		pt, err := port()
		if err != nil {
			return nil, err
		}
		switch s.Value {
		case usb.PortPower:
			pt.powered = true
			if pt.dev != nil {
				pt.change |= pchConnection
				pt.enabled = h.ss // a USB 3 port trains and enables itself
			}
		case usb.PortReset:
			if pt.dev != nil && !h.resetNever {
				pt.enabled = true
				pt.change |= pchReset
				h.changed(p)
			}
		}
		return nil, nil
	case s.RequestType == usb.TypeClass|usb.RecipOther && s.Request == usb.ReqClearFeature:
		pt, err := port()
		if err != nil {
			return nil, err
		}
		if s.Value >= 16 {
			pt.change &^= 1 << (s.Value - 16)
		}
		return nil, nil
	}
	return nil, fmt.Errorf("hub request %v: %w", s, xhci.ErrStall)
}

// status encodes a port's wPortStatus.
func (h *fakeHub) status(pt *fakePort) uint16 {
	var st uint16
	if pt.dev != nil && pt.powered {
		st |= psConnection
	}
	if pt.enabled {
		st |= psEnable
	}
	switch {
	case h.ss && pt.powered:
		st |= 1 << 9
	case pt.powered:
		st |= 1 << 8
	}
	if !h.ss && pt.dev != nil {
		switch pt.dev.speed {
		case xhci.SpeedLow:
			st |= 1 << 9
		case xhci.SpeedHigh:
			st |= 1 << 10
		}
	}
	return st
}

func (h *fakeHub) descriptor() []byte {
	n := len(h.ports)
	if h.ss {
		return []byte{12, usb.DescSuperSpeedHub, byte(n), 0x00, 0x00, 50, 0, 0, 0, 0, 0, 0}
	}
	m := (n + 1 + 7) / 8
	b := []byte{byte(7 + 2*m), usb.DescHub, byte(n), 0x20, 0x00, 50, 100} // TT think time 1 (bits 6:5)
	b = append(b, make([]byte, m)...)
	for range m {
		b = append(b, 0xFF)
	}
	return b
}

// changed sends port p's bit on the status-change endpoint.
func (h *fakeHub) changed(p int) {
	b := make([]byte, (len(h.ports)+1+7)/8)
	b[p/8] |= 1 << (p % 8)
	h.d.report(0x81, b)
}

// plug connects dev to port p; unplug disconnects it.
func (h *fakeHub) plug(p int, dev *fakeDev) {
	pt := &h.ports[p-1]
	pt.dev, pt.change = dev, pt.change|pchConnection
	if pt.powered {
		pt.enabled = h.ss
		h.changed(p)
	}
}

func (h *fakeHub) unplug(p int) {
	pt := &h.ports[p-1]
	pt.dev, pt.enabled, pt.change = nil, false, pt.change|pchConnection
	if pt.powered {
		h.changed(p)
	}
}

// Descriptors: QEMU 7.2's usb-kbd, usb-mouse and usb-hub (hw/usb/dev-hid.c,
// dev-hub.c), a high-speed hub, and a USB 3 hub.
var (
	kbdDevice = []byte{0x12, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x40, 0x27, 0x06, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x0b, 0x01}
	kbdConfig = []byte{
		0x09, 0x02, 0x22, 0x00, 0x01, 0x01, 0x08, 0xa0, 0x32,
		0x09, 0x04, 0x00, 0x00, 0x01, 0x03, 0x01, 0x01, 0x00,
		0x09, 0x21, 0x11, 0x01, 0x00, 0x01, 0x22, 0x3f, 0x00,
		0x07, 0x05, 0x81, 0x03, 0x08, 0x00, 0x07,
	}
	mouseDevice = []byte{0x12, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x40, 0x27, 0x06, 0x01, 0x00, 0x00, 0x00, 0x03, 0x02, 0x01, 0x01}
	mouseConfig = []byte{
		0x09, 0x02, 0x22, 0x00, 0x01, 0x01, 0x06, 0xa0, 0x32,
		0x09, 0x04, 0x00, 0x00, 0x01, 0x03, 0x01, 0x02, 0x00,
		0x09, 0x21, 0x01, 0x00, 0x00, 0x01, 0x22, 0x34, 0x00,
		0x07, 0x05, 0x81, 0x03, 0x04, 0x00, 0x07,
	}
	hubDevice  = []byte{0x12, 0x01, 0x10, 0x01, 0x09, 0x00, 0x00, 0x08, 0x09, 0x04, 0xaa, 0x55, 0x01, 0x01, 0x01, 0x02, 0x03, 0x01}
	hub2Device = []byte{0x12, 0x01, 0x00, 0x02, 0x09, 0x00, 0x01, 0x40, 0x09, 0x04, 0xaa, 0x55, 0x01, 0x01, 0x01, 0x02, 0x03, 0x01}
	hubConfig  = []byte{0x09, 0x02, 0x19, 0x00, 0x01, 0x01, 0x00, 0xe0, 0x00, 0x09, 0x04, 0x00, 0x00, 0x01, 0x09, 0x00, 0x00, 0x00, 0x07, 0x05, 0x81, 0x03, 0x02, 0x00, 0xff}
	hub3Device = []byte{0x12, 0x01, 0x00, 0x03, 0x09, 0x00, 0x03, 0x09, 0x09, 0x04, 0xab, 0x55, 0x01, 0x01, 0x01, 0x02, 0x03, 0x01}
	hub3Config = []byte{
		0x09, 0x02, 0x1f, 0x00, 0x01, 0x01, 0x00, 0xe0, 0x00,
		0x09, 0x04, 0x00, 0x00, 0x01, 0x09, 0x00, 0x00, 0x00,
		0x07, 0x05, 0x81, 0x03, 0x02, 0x00, 0x0c,
		0x06, 0x30, 0x00, 0x00, 0x02, 0x00, // SuperSpeed endpoint companion
	}
)

func (r *rig) keyboard(speed xhci.Speed) *fakeDev { return r.dev(speed, kbdDevice, kbdConfig) }

// hub makes a hub device with n ports: USB 1.1 (QEMU's) at full speed,
// USB 2.0 at high speed, USB 3 at SuperSpeed.
func (r *rig) hub(speed xhci.Speed, n int) *fakeDev {
	desc, cfg := hubDevice, hubConfig
	switch {
	case speed == xhci.SpeedHigh:
		desc = hub2Device
	case speed.USB3():
		desc, cfg = hub3Device, hub3Config
	}
	d := r.dev(speed, desc, cfg)
	d.hub = &fakeHub{d: d, ss: speed.USB3(), ports: make([]fakePort, n), depth: -1}
	return d
}

// rep is a boot keyboard report.
func rep(mods byte, keys ...byte) []byte {
	b := make([]byte, 8)
	b[0] = mods
	copy(b[2:], keys)
	return b
}

// typeKeys queues the reports that type usages one after another.
func typeKeys(d *fakeDev, usages ...byte) {
	for _, u := range usages {
		d.report(0x81, rep(0, u))
		d.report(0x81, rep(0))
	}
}

// HID usages (HID Usage Tables 1.4 §10).
const (
	uA     = 0x04
	uH     = 0x0B
	uI     = 0x0C
	uEnter = 0x28
	uCaps  = 0x39
)
