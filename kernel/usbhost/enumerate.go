package usbhost

import (
	"fmt"

	"gokernel/kernel/dev/xhci"
	"gokernel/kernel/usb"
	"gokernel/task"
)

// Attached returns the task of a device just given an address at where
// ("port 2", or "port 1.3" behind a hub): it reads the device descriptor
// and the first configuration (USB 2.0 §9.1.2), names what the device is
// (usb.Classify) and becomes the driver of a boot keyboard or a hub. It
// completes when a driven device is gone, and at once for a device that
// is not driven or that failed, after one line naming where and why.
// The slot stays the device's until it is unplugged, so a failed device
// is tried again only when it is plugged in again.
func (dr *Drivers) Attached(where string, d Dev) task.Future[struct{}] {
	e := &enumeration{dr: dr, d: d, where: where}
	e.s.add(
		control(d, "device descriptor", usb.GetDescriptor(usb.DescDevice, 0, 0, usb.DeviceDescriptorSize), e.device),
		control(d, "configuration descriptor", usb.GetDescriptor(usb.DescConfiguration, 0, 0, usb.ConfigDescriptorSize), e.header),
	)
	return e
}

type enumeration struct {
	dr     *Drivers
	d      Dev
	where  string
	s      steps
	dev    usb.Device
	cfg    usb.Configuration
	driver task.Future[struct{}] // once the descriptors are read
}

func (e *enumeration) device(b []byte) (err error) {
	e.dev, err = usb.ParseDevice(b)
	return err
}

// header reads the configuration's total length and asks for all of it
// (at most a page: the driver's transfer buffer).
func (e *enumeration) header(b []byte) error {
	if len(b) < usb.ConfigDescriptorSize {
		return fmt.Errorf("%d bytes, want %d", len(b), usb.ConfigDescriptorSize)
	}
	total := uint16(b[2]) | uint16(b[3])<<8
	if total < usb.ConfigDescriptorSize || total > xhci.PageSize {
		return fmt.Errorf("wTotalLength %d", total)
	}
	e.s.add(control(e.d, "configuration", usb.GetDescriptor(usb.DescConfiguration, 0, 0, total), func(b []byte) (err error) {
		e.cfg, err = usb.ParseConfiguration(b)
		return err
	}))
	return nil
}

func (e *enumeration) Poll(cx *task.Context) (struct{}, bool) {
	if e.driver == nil {
		err, ok := e.s.Poll(cx)
		if !ok {
			return struct{}{}, false
		}
		if err != nil {
			e.dr.logf("usb: %s: %v; ignored until it is plugged in again", e.where, err)
			return struct{}{}, true
		}
		if e.driver = e.choose(); e.driver == nil {
			return struct{}{}, true
		}
	}
	return e.driver.Poll(cx)
}

// choose picks the driver: the first interface (alternate setting 0)
// that is a boot keyboard or a hub; otherwise the device is named and
// left alone.
func (e *enumeration) choose() task.Future[struct{}] {
	speed := e.d.Loc().Speed
	name := ""
	for _, i := range e.cfg.Interfaces {
		if i.Alternate != 0 {
			continue
		}
		kind, n := usb.Classify(e.dev, i)
		switch kind {
		case usb.KindKeyboard:
			if ep, ok := usb.BootKeyboardInterface(i); ok {
				return e.dr.keyboard(e.where, e.d, e.cfg, i, ep)
			}
		case usb.KindHub:
			return e.dr.hub(e.where, e.d, e.dev, e.cfg, i)
		}
		if name == "" {
			name = n
		}
	}
	if name == "" {
		name = "device without interfaces"
	}
	e.dr.logf("usb: %s attached (%s, %v, %04x:%04x); not driven", name, e.where, speed, e.dev.Vendor, e.dev.Product)
	return nil
}
