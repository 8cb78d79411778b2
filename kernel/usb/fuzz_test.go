package usb

import (
	"testing"
	"time"

	"gokernel/keyboard"
)

// Fuzz tests: no input makes a parser panic, and what they accept keeps
// its invariants. Run one for 30 s with
//
//	go test -run '^$' -fuzz '^FuzzParseConfiguration$' -fuzztime 30s ./kernel/usb/

func FuzzParseDevice(f *testing.F) {
	f.Add(qemuKbdDevice)
	f.Add(qemuHubDevice)
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := ParseDevice(b)
		if err == nil && (d.Configurations == 0 || d.MaxPacket0 < 8 || d.MaxPacket0 > 512) {
			t.Fatalf("%+v", d)
		}
		MaxPacket0(b)
	})
}

func FuzzParseConfiguration(f *testing.F) {
	f.Add(qemuKbdConfig)
	f.Add(qemuHubConfig)
	f.Add(cfg(3,
		[]byte{8, DescInterfaceAssoc, 0, 2, 3, 0, 0, 0},
		iface(0, 0, 1, 3, 1, 1), hidDesc, endpoint(0x81, 3, 8, 10),
		iface(1, 0, 1, 3, 1, 2), hidDesc, endpoint(0x82, 3, 4, 10),
		iface(2, 0, 0, 1, 2, 0), []byte{7, 0x24, 1, 1, 0, 0, 0},
		iface(2, 1, 1, 1, 2, 0), []byte{9, DescEndpoint, 0x03, 0x05, 0xC0, 0x10, 1, 0, 0},
		[]byte{6, DescSSEndpointComp, 3, 0, 0, 0}))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseConfiguration(b)
		if err != nil {
			return
		}
		n := 0
		for _, i := range c.Interfaces {
			if i.Alternate == 0 {
				n++
			}
			if len(i.Endpoints) != cap(i.Endpoints) {
				t.Fatalf("interface %d: %d of %d endpoints", i.Number, len(i.Endpoints), cap(i.Endpoints))
			}
			for _, e := range i.Endpoints {
				if e.Number() == 0 || e.MaxPacket > 0x7FF {
					t.Fatalf("endpoint %+v", e)
				}
			}
			if i.HID != nil && i.HID.ReportLength < 0 {
				t.Fatal("HID without a report")
			}
			if ep, ok := BootKeyboardInterface(i); ok && (!ep.In() || ep.Type != Interrupt || ep.MaxPacket < 8) {
				t.Fatalf("boot keyboard endpoint %+v", ep)
			}
			Classify(Device{}, i)
		}
		if n != int(b[4]) {
			t.Fatalf("%d interfaces, bNumInterfaces %d", n, b[4])
		}
	})
}

func FuzzParseHub(f *testing.F) {
	f.Add(qemuHubDescriptor)
	f.Add([]byte{12, DescSuperSpeedHub, 4, 0x09, 0, 50, 0, 4, 0x10, 0, 0x04, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, parse := range []func([]byte) (Hub, error){ParseHub, ParseSuperSpeedHub} {
			h, err := parse(b)
			if err == nil && (h.Ports == 0 || len(h.Removable) != h.Ports) {
				t.Fatalf("%+v", h)
			}
		}
	})
}

func FuzzSmallParsers(f *testing.F) {
	f.Add(qemuStringKbd)
	f.Add([]byte{4, DescString, 0x09, 0x04})
	f.Add([]byte{3, 1, 0x10, 0})
	f.Add(hidDesc)
	f.Fuzz(func(t *testing.T, b []byte) {
		ParseString(b)
		ParseLanguages(b)
		ParseSetup(b)
		if h, err := ParseHID(b); err == nil && len(h.Descriptors) == 0 {
			t.Fatal("HID without descriptors")
		}
		for _, ss := range []bool{false, true} {
			if s, err := ParsePortStatus(b, ss); err == nil {
				s.ChangeFeatures()
			}
		}
	})
}

// FuzzScancodes feeds any sequence of reports (each byte of the input
// after a length byte) to Scancodes with repeats, then unplugs: the set 1
// bytes must decode with no broken sequence, no stray release, no key
// left held, and no panic.
func FuzzScancodes(f *testing.F) {
	f.Add([]byte{8, 2, 0, 0x0B, 0, 0, 0, 0, 0, 8, 0, 0, 0x0B, 8, 0, 0, 0, 0})
	f.Add([]byte{8, 4, 0, 0x46, 0, 0, 0, 0, 0, 8, 0, 0, 0x46, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{8, 0x11, 0, 0x48, 1, 1, 1, 1, 1, 3, 0, 0, 4})
	f.Fuzz(func(t *testing.T, data []byte) {
		sc := NewScancodes(0, 0)
		var out []byte
		now := time.Duration(0)
		for len(data) > 0 {
			n := min(int(data[0])%12, len(data)-1)
			r := data[1 : 1+n]
			data = data[1+n:]
			out, _ = sc.Report(r, now, out)
			now += time.Duration(n) * 100 * time.Millisecond
			out = sc.Repeat(now, out)
		}
		out = sc.ReleaseAll(out)
		d := keyboard.NewDecoder(keyboard.US, keyboard.CtrlRaw)
		for _, b := range out {
			d.Feed(b)
		}
		s := d.Stats()
		if s.BrokenSequences != 0 || s.StrayReleases != 0 {
			t.Fatalf("% x: %+v", out, s)
		}
		for k := keyboard.Key(1); k < 256; k++ {
			if d.Held(k) {
				t.Fatalf("% x: %v held after unplugging", out, k)
			}
		}
	})
}
