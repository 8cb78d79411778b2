package xhci

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"gokernel/kernel/usb"
	"gokernel/keyboard"
	"gokernel/task"
)

// item is what nextOf completes with.
type item[T any] struct {
	V  T
	OK bool
}

// nextOf is a future of a stream's next item (OK false at its end).
func nextOf[T any](s task.Stream[T]) task.Future[item[T]] {
	return task.FutureFunc[item[T]](func(cx *task.Context) (item[T], bool) {
		v, ok, ready := s.PollNext(cx)
		return item[T]{v, ok}, ready
	})
}

// keyboardSetup is the class driver's part, as the kernel will do it with
// package usb: descriptors, configuration, boot protocol, the interrupt
// endpoint. It returns the endpoint's address; failures go to t.Errorf
// (a test, or a log).
func keyboardSetup(t interface{ Errorf(string, ...any) }, a await, d *Device) (uint8, bool) {
	failed := false
	ctl := func(s usb.Setup, data []byte) Result {
		if failed {
			return Result{Err: ErrBadArgument}
		}
		r := aw(a, d.Control(s.Bytes(), data))
		if r.Err != nil {
			t.Errorf("%v: %v", s, r.Err)
			failed = true
		}
		return r
	}
	r := ctl(usb.GetDescriptor(usb.DescDevice, 0, 0, usb.DeviceDescriptorSize), make([]byte, 18))
	if failed {
		return 0, false
	}
	dev, err := usb.ParseDevice(r.Data)
	if err != nil {
		t.Errorf("%v", err)
		return 0, false
	}
	r = ctl(usb.GetDescriptor(usb.DescConfiguration, 0, 0, usb.ConfigDescriptorSize), make([]byte, 9))
	if failed || r.N != 9 {
		t.Errorf("configuration header: %d bytes", r.N)
		return 0, false
	}
	total := uint16(r.Data[2]) | uint16(r.Data[3])<<8
	r = ctl(usb.GetDescriptor(usb.DescConfiguration, 0, 0, total), make([]byte, total))
	if failed {
		return 0, false
	}
	cfg, err := usb.ParseConfiguration(r.Data)
	if err != nil {
		t.Errorf("%v", err)
		return 0, false
	}
	i := cfg.Interfaces[0]
	if k, name := usb.Classify(dev, i); k != usb.KindKeyboard {
		t.Errorf("classified as %q", name)
		return 0, false
	}
	ep, ok := usb.BootKeyboardInterface(i)
	if !ok {
		t.Errorf("no boot keyboard endpoint")
		return 0, false
	}
	ctl(usb.SetConfiguration(cfg.Value), nil)
	ctl(usb.SetProtocol(i.Number, true), nil)
	ctl(usb.SetIdle(i.Number, 0, 0), nil)
	if failed {
		return 0, false
	}
	cr := aw(a, d.ConfigureEndpoints([]EndpointConfig{{
		Address: ep.Address, Attributes: uint8(ep.Type), MaxPacket: ep.MaxPacket, Interval: ep.Interval,
	}}, nil))
	if cr.Err != nil {
		t.Errorf("configure endpoint: %v", cr.Err)
		return 0, false
	}
	return ep.Address, true
}

func rep(mods byte, keys ...byte) []byte {
	r := make([]byte, 8)
	r[0] = mods
	copy(r[2:], keys)
	return r
}

// TestEndToEnd brings up the fake controller with a keyboard on port 2
// (connected at boot), attaches it, reads its descriptors, configures
// its interrupt endpoint, types "Hi!" through HID reports into a
// keyboard.Events stream, sets the Caps Lock LED, and unplugs it.
func TestEndToEnd(t *testing.T) {
	for _, c := range []struct {
		name    string
		ctx     int
		speed   Speed
		mp0     byte
		scratch int
	}{
		{"high speed, 32-byte contexts", 32, SpeedHigh, 64, 2},
		{"full speed, 64-byte contexts, no scratchpad", 64, SpeedFull, 8, 0},
		{"full speed with 64-byte packets", 32, SpeedFull, 64, 1},
		{"low speed", 32, SpeedLow, 8, 0},
		{"SuperSpeed port", 64, SpeedSuper, 9, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newSim(t, 4, func(f *fakeHC) { f.ctxSize, f.scratch = c.ctx, c.scratch })
			kbd := newKeyboard(c.mp0)
			if c.speed.USB3() {
				kbd.device[2], kbd.device[3] = 0x00, 0x03
			}
			s.hc.attach(2, kbd, c.speed)
			var typed strings.Builder
			s.run(func(a await) {
				if err := aw(a, s.c.Start()); err != nil {
					t.Errorf("start: %v", err)
					return
				}
				changes := s.c.PortChanges()
				p := aw(a, nextOf(changes))
				st, _ := s.c.PortStatus(p.V)
				if p.V != 2 || PortAction(st, false) != ActAttach {
					t.Errorf("port change %v, status %+v", p, st)
					return
				}
				ar := aw(a, s.c.Attach(2))
				if ar.Err != nil {
					t.Errorf("attach: %v", ar.Err)
					return
				}
				d := ar.Dev
				if state, addr := d.State(); state != SlotAddressed || addr == 0 || d.Speed() != c.speed {
					t.Errorf("after attach: state %d address %d speed %v", state, addr, d.Speed())
				}
				if got := s.hc.slots[d.Slot].eps[1].maxPacket; got != c.speed.DefaultMaxPacket0() && got != int(c.mp0) {
					t.Errorf("endpoint 0 packet size %d", got)
				}
				epAddr, ok := keyboardSetup(t, a, d)
				if !ok {
					return
				}
				if state, _ := d.State(); state != SlotConfigured {
					t.Errorf("slot state %d after Configure Endpoint", state)
				}
				kbd.reports = [][]byte{
					rep(0x02, 0x0B), rep(0x02), rep(0, 0x0C), rep(0), rep(0x20, 0x1E), rep(0), rep(0, 0x28), rep(0),
				}
				stream := usb.NewScancodeStream(d.Reports(epAddr), s.q, nil, nil)
				var ledByte uint8
				events := keyboard.Events(stream, keyboard.US, func(leds uint8) { ledByte = usb.LEDReport(leds) })
				for {
					ev := aw(a, nextOf[keyboard.Event](events))
					if !ev.OK {
						t.Error("key stream ended early")
						return
					}
					if ev.V.Rune == '\n' {
						break
					}
					if ev.V.Rune != 0 {
						typed.WriteRune(ev.V.Rune)
					}
				}
				// Caps Lock, then its LED by SET_REPORT.
				kbd.reports = [][]byte{rep(0, 0x39), rep(0)}
				aw(a, nextOf[keyboard.Event](events))
				if r := aw(a, d.Control(usb.SetReport(0, usb.ReportOutput, 0, 1).Bytes(), []byte{ledByte})); r.Err != nil || r.N != 1 {
					t.Errorf("SET_REPORT: %+v", r)
				}
				// Unplug: the port monitor's decision, then the detach;
				// the pending interrupt transfer ends, the streams end.
				s.hc.detach(2)
				p = aw(a, nextOf(changes))
				st, _ = s.c.AckPortChanges(p.V)
				if act := PortAction(st, true); p.V != 2 || act != ActDetach {
					t.Errorf("unplug: port %d, action %v", p.V, act)
				}
				if r := aw(a, d.Detach()); r.Err != nil {
					t.Errorf("detach: %v", r.Err)
				}
				if ev := aw(a, nextOf[keyboard.Event](events)); ev.OK {
					t.Errorf("event after detach: %+v", ev.V)
				}
				if !errors.Is(d.Reports(epAddr).errOrProbe(a), ErrDetached) {
					t.Error("transfers on a detached device do not fail with ErrDetached")
				}
			})
			if typed.String() != "Hi!" {
				t.Errorf("typed %q", typed.String())
			}
			if kbd.configuration != 1 || kbd.protocol != 0 || kbd.idle != 0 || !slices.Equal(kbd.leds, []byte{usb.LEDNum | usb.LEDCaps}) {
				t.Errorf("device: configuration %d protocol %d idle %d LEDs % x", kbd.configuration, kbd.protocol, kbd.idle, kbd.leds)
			}
			for i, sl := range s.hc.slots {
				if sl != nil {
					t.Errorf("slot %d still enabled after detach", i)
				}
			}
			own := 4 + 1 + c.scratch // DCBAA, command ring, event ring, ERST; scratchpad array and pages
			if c.scratch == 0 {
				own = 4
			}
			if s.mem.live != own {
				t.Errorf("%d pages live after detach, want the controller's %d", s.mem.live, own)
			}
			if st := s.c.Stats(); st.Stray != 0 {
				t.Errorf("stats %+v", st)
			}
			evaluated := slices.Contains(s.hc.cmdLog, TypeEvaluateContext)
			if want := c.speed == SpeedFull && c.mp0 != 8; evaluated != want {
				t.Errorf("Evaluate Context used: %v, want %v (commands %v)", evaluated, want, s.hc.cmdLog)
			}
		})
	}
}

// errOrProbe runs one poll of a stream on a detached device: it must end
// at once with the detach error.
func (s *ReportStream) errOrProbe(a await) error {
	v := aw(a, nextOf[[]byte](s))
	if v.OK {
		return nil
	}
	return s.Err()
}
