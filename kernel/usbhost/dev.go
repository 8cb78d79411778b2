package usbhost

import (
	"fmt"

	"gokernel/kernel/dev/xhci"
	"gokernel/kernel/usb"
	"gokernel/task"
)

// Dev is an addressed USB device as the class drivers use it: an
// *xhci.Device in the kernel (xhciDev), a fake in the tests.
type Dev interface {
	// Control makes a control transfer on endpoint 0.
	Control(s usb.Setup, data []byte) task.Future[xhci.Result]
	// ConfigureEndpoints adds endpoints after SET_CONFIGURATION; hub is
	// not nil for a hub.
	ConfigureEndpoints(eps []xhci.EndpointConfig, hub *xhci.HubConfig) task.Future[xhci.Result]
	// Reports is the stream of transfers from an interrupt IN endpoint.
	Reports(ep uint8) Reports
	// Detach gives the device's slot back; its transfers end.
	Detach() task.Future[xhci.Result]
	// Loc is where the device is; At where a device on port of this
	// hub is, at speed s.
	Loc() xhci.Location
	At(port int, s xhci.Speed) xhci.Location
}

// Reports is a stream of interrupt transfers; Err says why it ended.
type Reports interface {
	task.Stream[[]byte]
	Err() error
}

// Addressed is a device given an address, or why it could not be.
type Addressed struct {
	Dev Dev
	Err error
}

// Drivers is what the class drivers of one controller need: how to
// address a device found behind a hub, the executor's timers and Spawn,
// where messages go, and the keyboards' common stream.
type Drivers struct {
	Address   func(loc xhci.Location) task.Future[Addressed]
	Timers    *task.Timers
	Spawn     func(task.Future[struct{}]) error
	Log       func(msg string)
	Keyboards *Keyboards
}

func (dr *Drivers) logf(format string, args ...any) {
	if dr.Log != nil {
		dr.Log(fmt.Sprintf(format, args...))
	}
}

// xhciDev is Dev over the xHCI driver's device.
type xhciDev struct{ d *xhci.Device }

func (x xhciDev) Control(s usb.Setup, data []byte) task.Future[xhci.Result] {
	return x.d.Control(s.Bytes(), data)
}

func (x xhciDev) ConfigureEndpoints(eps []xhci.EndpointConfig, hub *xhci.HubConfig) task.Future[xhci.Result] {
	return x.d.ConfigureEndpoints(eps, hub)
}

func (x xhciDev) Reports(ep uint8) Reports                { return x.d.Reports(ep) }
func (x xhciDev) Detach() task.Future[xhci.Result]        { return x.d.Detach() }
func (x xhciDev) Loc() xhci.Location                      { return x.d.Loc }
func (x xhciDev) At(port int, s xhci.Speed) xhci.Location { return x.d.At(port, s) }

// addressOn returns Drivers.Address for controller c.
func addressOn(c *xhci.Controller) func(xhci.Location) task.Future[Addressed] {
	return func(loc xhci.Location) task.Future[Addressed] {
		return task.Map(c.Address(loc), func(r xhci.AttachResult) Addressed {
			if r.Err != nil {
				return Addressed{Err: r.Err}
			}
			return Addressed{Dev: xhciDev{r.Dev}}
		})
	}
}
