package usbhost

import (
	"errors"

	"gokernel/kernel/dev/xhci"
	"gokernel/kernel/usb"
	"gokernel/task"
)

// The HID boot keyboard (HID 1.11 §4.2, Appendix B.1): the boot protocol,
// no idle reports (the kernel repeats keys itself, usb.Repeat), the
// interrupt IN endpoint's 8-byte reports turned into scan code set 1 by
// usb.ScancodeStream, and the lock lights by SET_REPORT.

// keyboard returns the driver of boot keyboard interface i of device d:
// setup, then the lights, for as long as the keyboard is there. Its
// scan codes go to dr.Keyboards, whose reader ends the keyboard when its
// reports end (gone).
func (dr *Drivers) keyboard(where string, d Dev, cfg usb.Configuration, i usb.Interface, ep usb.Endpoint) task.Future[struct{}] {
	k := &usbKeyboard{dr: dr, where: where, d: d, iface: i.Number, ep: ep.Address}
	k.setup.add(
		control(d, "SET_CONFIGURATION", usb.SetConfiguration(cfg.Value), nil),
		control(d, "SET_PROTOCOL (boot)", usb.SetProtocol(i.Number, true), nil),
		// SET_IDLE is optional for a keyboard that reports only on
		// change anyway (HID 1.11 §7.2.4); Linux ignores its failure.
		step{what: "SET_IDLE", stallOK: true, run: func() task.Future[xhci.Result] {
			return d.Control(usb.SetIdle(i.Number, 0, 0), nil)
		}},
		step{what: "configure endpoint", run: func() task.Future[xhci.Result] {
			return d.ConfigureEndpoints([]xhci.EndpointConfig{{
				Address: ep.Address, Attributes: uint8(ep.Type), MaxPacket: ep.MaxPacket,
				Mult: ep.Mult, Interval: ep.Interval, MaxBurst: int(ep.MaxBurst),
			}}, nil)
		}},
	)
	return k
}

// usbKeyboard is one attached boot keyboard.
type usbKeyboard struct {
	dr     *Drivers
	where  string
	d      Dev
	iface  uint8
	ep     uint8
	setup  steps
	ready  bool
	rep    Reports
	stream *usb.ScancodeStream
	bad    int // refused reports reported so far

	// The lights: the report wanted, the one the keyboard has, the
	// transfer under way; and the end.
	want, sent uint8
	haveSent   bool
	ledCtl     task.Future[xhci.Result]
	ledBroken  bool
	w          task.Waker
	gone       bool
	err        error // why the reports ended, if not an unplug
}

func (k *usbKeyboard) Poll(cx *task.Context) (struct{}, bool) {
	if !k.ready {
		err, ok := k.setup.Poll(cx)
		if !ok {
			return struct{}{}, false
		}
		if err != nil {
			k.dr.logf("usb: %s: keyboard: %v; ignored until it is plugged in again", k.where, err)
			return struct{}{}, true
		}
		k.ready = true
		k.rep = k.d.Reports(k.ep)
		k.stream = usb.NewScancodeStream(k.rep, k.dr.Timers, nil, k.refused)
		k.dr.Keyboards.add(k)
		k.dr.logf("usb: keyboard attached (%s, %v)", k.where, k.d.Loc().Speed)
	}
	for {
		if k.ledCtl != nil {
			r, ok := k.ledCtl.Poll(cx)
			if !ok {
				return struct{}{}, false
			}
			k.ledCtl = nil
			switch {
			case r.Err == nil:
				k.sent, k.haveSent = k.want, true
			case !errors.Is(r.Err, xhci.ErrDetached):
				k.dr.logf("usb: %s: keyboard lights: %v; left as they are", k.where, r.Err)
				k.ledBroken = true
			}
			continue
		}
		if k.gone {
			if k.err != nil {
				k.dr.logf("usb: %s: keyboard: %v; ignored until it is plugged in again", k.where, k.err)
			} else {
				k.dr.logf("usb: keyboard detached (%s)", k.where)
			}
			return struct{}{}, true
		}
		if !k.ledBroken && (!k.haveSent || k.sent != k.want) {
			k.ledCtl = k.d.Control(usb.SetReport(k.iface, usb.ReportOutput, 0, 1), []byte{k.want})
			continue
		}
		k.w = cx.Waker()
		return struct{}{}, false
	}
}

// setLEDs asks for the lights of HID LED byte r.
func (k *usbKeyboard) setLEDs(r uint8) {
	k.want = r
	k.w.Wake()
}

// ended is told by the stream's reader that the reports ended.
func (k *usbKeyboard) ended() {
	if err := k.rep.Err(); err != nil && !errors.Is(err, xhci.ErrDetached) {
		k.err = err
	}
	k.gone = true
	k.w.Wake()
}

// maxBadReports is how many refused reports of one keyboard are told.
const maxBadReports = 1

// refused is told of a report the converter refused (short, or a
// rollover error): the first one is reported, the rest counted.
func (k *usbKeyboard) refused(err error) {
	var re *usb.ReportError
	if errors.As(err, &re) && re.Len == usb.BootReportSize {
		return // a phantom report (rollover): normal with many keys held
	}
	if k.bad++; k.bad <= maxBadReports {
		k.dr.logf("usb: %s: %v", k.where, err)
	}
}
