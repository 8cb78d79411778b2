package xhci

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"gokernel/kernel/usb"
	"gokernel/keyboard"
	"gokernel/task"
)

// TestHotplug runs the port monitor with a keyboard class driver written
// as the kernel will write it (keyboardSetup, then the reports through
// usb.ScancodeStream into a decoder), and plugs, types, unplugs and
// replugs: a keyboard at boot, one on another port later, a replug
// faster than the monitor looks, a device that fails and is retried on
// its next connect. Once with interrupts, once polled.
func TestHotplug(t *testing.T) {
	for _, polled := range []bool{false, true} {
		t.Run(fmt.Sprintf("polled=%v", polled), func(t *testing.T) { hotplug(t, polled) })
	}
}

func hotplug(t *testing.T, polled bool) {
	s := newSim(t, 4, nil)
	if polled {
		s.hc.irq = nil
	}
	var log []string
	var typed strings.Builder
	logf := func(format string, args ...any) { log = append(log, fmt.Sprintf(format, args...)) }
	hooks := Hooks{
		Spawn: func(f task.Future[struct{}]) error { _, err := s.e.Spawn(f); return err },
		Log:   func(msg string) { log = append(log, msg) },
		Attached: func(port int, d *Device) task.Future[struct{}] {
			return script(func(a await) {
				var fault string
				ep, ok := keyboardSetup(errorf(func(msg string) { fault = msg }), a, d)
				if !ok {
					logf("usb: port %d: %s", port, fault)
					return
				}
				logf("usb: keyboard attached (port %d, %v)", port, d.Speed())
				dec := keyboard.NewDecoder(keyboard.US, keyboard.CtrlMapsToControlChars)
				st := usb.NewScancodeStream(d.Reports(ep), s.q, nil, nil)
				for {
					b := aw(a, nextOf[byte](st))
					if !b.OK {
						break
					}
					if e, ok := dec.Feed(b.V); ok && e.Rune != 0 {
						typed.WriteRune(e.Rune)
					}
				}
				logf("usb: keyboard detached (port %d)", port)
			})
		},
	}
	kbd := newKeyboard(64)
	s.hc.attach(2, kbd, SpeedHigh)
	s.e.Spawn(s.c.Monitor(hooks))
	if polled {
		s.e.Spawn(s.c.PollTask(10 * time.Millisecond))
	}
	sleep := func(a await) { aw(a, s.q.Sleep(200*time.Millisecond)) }
	s.run(func(a await) {
		if err := aw(a, s.c.Start()); err != nil {
			t.Error(err)
			return
		}
		sleep(a)
		kbd.reports = [][]byte{rep(0, 0x04), rep(0), rep(0, 0x05), rep(0)}
		sleep(a)
		s.hc.detach(2)
		sleep(a)
		k2 := newKeyboard(8)
		s.hc.attach(3, k2, SpeedFull)
		sleep(a)
		k2.reports = [][]byte{rep(0, 0x06), rep(0)}
		sleep(a)
		// Out and in again before the monitor looks: one change.
		k3 := newKeyboard(64)
		s.hc.detach(3)
		s.hc.attach(3, k3, SpeedHigh)
		sleep(a)
		k3.reports = [][]byte{rep(0, 0x07), rep(0)}
		sleep(a)
		// A device that stalls everything: one line, the port is left.
		bad := newKeyboard(64)
		bad.stall = func([8]byte) bool { return true }
		s.hc.attach(1, bad, SpeedHigh)
		sleep(a)
		// Fixed and plugged in again: it works.
		s.hc.detach(1)
		sleep(a)
		bad.stall = nil
		s.hc.attach(1, bad, SpeedHigh)
		sleep(a)
		bad.reports = [][]byte{rep(0, 0x08), rep(0)}
		sleep(a)
	})
	if typed.String() != "abcde" {
		t.Errorf("typed %q", typed.String())
	}
	want := []string{
		"usb: keyboard attached (port 2, high speed)",
		"usb: keyboard detached (port 2)",
		"usb: keyboard attached (port 3, full speed)",
		"usb: keyboard detached (port 3)",
		"usb: keyboard attached (port 3, high speed)",
		"usb: port 1: setup 80 06 0100 0000 0012: xhci: slot 2 endpoint 1: stall",
		"usb: keyboard attached (port 1, high speed)",
	}
	if !slices.Equal(log, want) {
		t.Errorf("log:\n%s\nwant:\n%s", strings.Join(log, "\n"), strings.Join(want, "\n"))
	}
}

// errorf is a t.Errorf that keeps the last message.
type errorf func(msg string)

func (e errorf) Errorf(format string, args ...any) { e(fmt.Sprintf(format, args...)) }
