package usb

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseDeviceQEMU(t *testing.T) {
	d, err := ParseDevice(qemuKbdDevice)
	want := Device{USB: 0x200, MaxPacket0: 64, Vendor: 0x0627, Product: 1,
		Manufacturer: 1, ProductName: 4, SerialNumber: 11, Configurations: 1}
	if err != nil || d != want {
		t.Errorf("keyboard: %+v %v\nwant %+v", d, err, want)
	}
	h, err := ParseDevice(qemuHubDevice)
	if err != nil || h.Class != ClassHub || h.MaxPacket0 != 8 || h.USB != 0x110 {
		t.Errorf("hub: %+v %v", h, err)
	}
	if mp, err := MaxPacket0(qemuKbdDevice[:8]); mp != 64 || err != nil {
		t.Errorf("MaxPacket0: %d %v", mp, err)
	}
}

// mutate returns a copy of b with b[i] = v.
func mutate(b []byte, i int, v byte) []byte {
	c := slices.Clone(b)
	c[i] = v
	return c
}

func TestParseDeviceRefused(t *testing.T) {
	ss := mutate(mutate(qemuKbdDevice, 3, 0x03), 7, 9) // USB 3.0, 2^9
	if d, err := ParseDevice(ss); err != nil || d.MaxPacket0 != 512 {
		t.Errorf("USB 3 MaxPacket0: %+v %v", d, err)
	}
	for _, c := range []struct {
		name string
		b    []byte
		why  string
	}{
		{"empty", nil, "shorter than its header"},
		{"short", qemuKbdDevice[:17], "bLength 18 but 17 bytes"},
		{"bLength", mutate(qemuKbdDevice, 0, 17), "bLength 17, want 18"},
		{"type", mutate(qemuKbdDevice, 1, 2), "type 0x2"},
		{"mps", mutate(qemuKbdDevice, 7, 7), "bMaxPacketSize0 7"},
		{"mps9 on USB 2", mutate(qemuKbdDevice, 7, 9), "bMaxPacketSize0 9"},
		{"no configs", mutate(qemuKbdDevice, 17, 0), "no configurations"},
	} {
		_, err := ParseDevice(c.b)
		var de *DescError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), c.why) {
			t.Errorf("%s: %v, want %q", c.name, err, c.why)
		}
	}
	if _, err := MaxPacket0(qemuKbdDevice[:7]); err == nil {
		t.Error("MaxPacket0 of 7 bytes")
	}
	if _, err := MaxPacket0(mutate(qemuKbdDevice, 1, 2)[:8]); err == nil {
		t.Error("MaxPacket0 of a configuration")
	}
}

func TestParseConfigurationQEMU(t *testing.T) {
	c, err := ParseConfiguration(qemuKbdConfig)
	if err != nil {
		t.Fatal(err)
	}
	if c.Value != 1 || c.Name != 8 || !c.RemoteWakeup || c.SelfPowered || c.MaxPower != 50 || len(c.Interfaces) != 1 {
		t.Fatalf("%+v", c)
	}
	i := c.Interfaces[0]
	ep, ok := BootKeyboardInterface(i)
	wantEP := Endpoint{Address: 0x81, Type: Interrupt, MaxPacket: 8, Interval: 7}
	if !ok || ep != wantEP || !ep.In() || ep.Number() != 1 {
		t.Errorf("endpoint %+v %v", ep, ok)
	}
	if i.HID == nil || i.HID.ReportLength != 63 || i.HID.Version != 0x111 {
		t.Errorf("HID %+v", i.HID)
	}
	d, _ := ParseDevice(qemuKbdDevice)
	if k, n := Classify(d, i); k != KindKeyboard || n != "keyboard" {
		t.Errorf("Classify: %v %q", k, n)
	}

	hc, err := ParseConfiguration(qemuHubConfig)
	if err != nil || len(hc.Interfaces) != 1 || !hc.SelfPowered {
		t.Fatalf("hub: %+v %v", hc, err)
	}
	hd, _ := ParseDevice(qemuHubDevice)
	if k, n := Classify(hd, hc.Interfaces[0]); k != KindHub || n != "hub" {
		t.Errorf("hub Classify: %v %q", k, n)
	}
	if _, ok := BootKeyboardInterface(hc.Interfaces[0]); ok {
		t.Error("hub taken for a keyboard")
	}
}

// cfg assembles a configuration from descriptors, filling wTotalLength.
func cfg(numIf byte, descs ...[]byte) []byte {
	b := []byte{9, DescConfiguration, 0, 0, numIf, 1, 0, 0x80, 50}
	for _, d := range descs {
		b = append(b, d...)
	}
	b[2], b[3] = byte(len(b)), byte(len(b)>>8)
	return b
}

func iface(num, alt, neps, class, sub, proto byte) []byte {
	return []byte{9, DescInterface, num, alt, neps, class, sub, proto, 0}
}

func endpoint(addr, attr byte, mps uint16, interval byte) []byte {
	return []byte{7, DescEndpoint, addr, attr, byte(mps), byte(mps >> 8), interval}
}

var hidDesc = []byte{9, DescHID, 0x11, 1, 0, 1, DescReport, 63, 0}

func TestParseConfiguration(t *testing.T) {
	// A composite keyboard: boot keyboard, a mouse, an audio interface
	// with a 9-byte endpoint and a class descriptor, an alternate setting,
	// an interface association, a SuperSpeed companion.
	b := cfg(3,
		[]byte{8, DescInterfaceAssoc, 0, 2, 3, 0, 0, 0},
		iface(0, 0, 1, 3, 1, 1), hidDesc, endpoint(0x81, 3, 8, 10),
		iface(1, 0, 1, 3, 1, 2), hidDesc, endpoint(0x82, 3, 4, 10),
		iface(2, 0, 0, 1, 2, 0), []byte{7, 0x24, 1, 1, 0, 0, 0},
		iface(2, 1, 1, 1, 2, 0), []byte{9, DescEndpoint, 0x03, 0x05, 0xC0, 0x10, 1, 0, 0},
		[]byte{6, DescSSEndpointComp, 3, 0, 0, 0},
	)
	c, err := ParseConfiguration(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Interfaces) != 4 {
		t.Fatalf("%d interfaces", len(c.Interfaces))
	}
	d := Device{}
	kinds := []string{}
	for _, i := range c.Interfaces {
		_, n := Classify(d, i)
		kinds = append(kinds, n)
	}
	if want := []string{"keyboard", "mouse", "audio device", "audio device"}; !slices.Equal(kinds, want) {
		t.Errorf("kinds %q", kinds)
	}
	iso := c.Interfaces[3].Endpoints[0]
	if iso != (Endpoint{Address: 3, Type: Isochronous, MaxPacket: 0xC0, Mult: 2, Interval: 1, MaxBurst: 3}) {
		t.Errorf("iso endpoint %+v", iso)
	}
	if len(c.Interfaces[2].Extra) != 1 || c.Interfaces[2].Extra[0][1] != 0x24 {
		t.Errorf("class descriptor not kept: %v", c.Interfaces[2].Extra)
	}
	longer := append(slices.Clone(b), 0xde, 0xad) // bytes past wTotalLength
	if _, err := ParseConfiguration(longer); err != nil {
		t.Errorf("trailing bytes: %v", err)
	}
}

func TestParseConfigurationRefused(t *testing.T) {
	kbd := func(extra ...[]byte) []byte {
		return cfg(1, append([][]byte{iface(0, 0, 1, 3, 1, 1), hidDesc, endpoint(0x81, 3, 8, 10)}, extra...)...)
	}
	total := func(b []byte, n int) []byte { b = slices.Clone(b); b[2], b[3] = byte(n), byte(n>>8); return b }
	for _, c := range []struct {
		name string
		b    []byte
		why  string
	}{
		{"short", qemuKbdConfig[:8], "bLength 9 but 8 bytes"},
		{"type", mutate(qemuKbdConfig, 1, 1), "type 0x1"},
		{"truncated", qemuKbdConfig[:30], "wTotalLength 34 but 30 bytes"},
		{"total too small", total(qemuKbdConfig, 8), "wTotalLength 8"},
		{"descriptor past total", total(qemuKbdConfig, 33), "bLength 7 with 6 bytes left"},
		{"zero length", kbd([]byte{0, 0}), "bLength 0"},
		{"one byte left", total(append(slices.Clone(qemuKbdConfig), 7), 35), "with 1 bytes left"},
		{"endpoint first", cfg(0, endpoint(0x81, 3, 8, 1)), "outside an interface"},
		{"too few endpoints", cfg(1, iface(0, 0, 2, 3, 1, 1), endpoint(0x81, 3, 8, 1)), "says 2 endpoints, has 1"},
		{"too many endpoints", kbd(endpoint(0x82, 3, 8, 1)), "says 1 endpoints, has more"},
		{"endpoint 0", cfg(1, iface(0, 0, 1, 3, 1, 1), endpoint(0x80, 3, 8, 1)), "address 0x80"},
		{"reserved address bits", cfg(1, iface(0, 0, 1, 3, 1, 1), endpoint(0x91, 3, 8, 1)), "address 0x91"},
		{"duplicate", cfg(1, iface(0, 0, 2, 3, 1, 1), endpoint(0x81, 3, 8, 1), endpoint(0x81, 3, 8, 1)), "twice"},
		{"zero packet", cfg(1, iface(0, 0, 1, 3, 1, 1), endpoint(0x81, 3, 0, 1)), "wMaxPacketSize 0"},
		{"short endpoint", cfg(1, iface(0, 0, 1, 3, 1, 1), []byte{6, DescEndpoint, 0x81, 3, 8, 0}), "bLength 6, want 7"},
		{"long interface", cfg(1, []byte{10, DescInterface, 0, 0, 0, 3, 1, 1, 0, 0}), "bLength 10, want 9"},
		{"two HID", kbd(hidDesc), "two in interface"},
		{"HID outside", cfg(0, hidDesc), "outside an interface"},
		{"HID count", cfg(1, iface(0, 0, 0, 3, 0, 0), []byte{9, DescHID, 0x11, 1, 0, 2, DescReport, 1, 0}), "for 2 class descriptors"},
		{"HID no report", cfg(1, iface(0, 0, 0, 3, 0, 0), []byte{9, DescHID, 0x11, 1, 0, 1, 0x23, 1, 0}), "no report descriptor"},
		{"companion first", cfg(1, iface(0, 0, 0, 3, 0, 0), []byte{6, DescSSEndpointComp, 0, 0, 0, 0}), "not after an endpoint"},
		{"companion burst", kbd([]byte{6, DescSSEndpointComp, 16, 0, 0, 0}), "bMaxBurst 16"},
		{"interface count", mutate(qemuKbdConfig, 4, 2), "bNumInterfaces 2 but 1"},
	} {
		_, err := ParseConfiguration(c.b)
		var de *DescError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), c.why) {
			t.Errorf("%s: %v, want %q", c.name, err, c.why)
		}
	}
}

func TestParseHID(t *testing.T) {
	h, err := ParseHID([]byte{12, DescHID, 0x01, 0x01, 9, 2, 0x23, 5, 0, DescReport, 0x34, 0x12})
	if err != nil || h.ReportLength != 0x1234 || h.Country != 9 || len(h.Descriptors) != 2 {
		t.Errorf("%+v %v", h, err)
	}
	if _, err := ParseHID([]byte{9, DescHID, 1, 1, 0, 0, DescReport, 1, 0}); err == nil {
		t.Error("no descriptors accepted")
	}
}

func TestParseStrings(t *testing.T) {
	s, err := ParseString(qemuStringKbd)
	if err != nil || s != "QEMU USB Keyboard" {
		t.Errorf("%q %v", s, err)
	}
	if s, _ := ParseString(append([]byte{6, DescString}, utf16le("é€")...)); s != "é€" {
		t.Errorf("%q", s)
	}
	langs, err := ParseLanguages([]byte{4, DescString, 0x09, 0x04})
	if err != nil || !slices.Equal(langs, []uint16{LangEnglishUS}) {
		t.Errorf("%v %v", langs, err)
	}
	for _, b := range [][]byte{{3, DescString, 0}, {4, DescString, 0}, {4, DescDevice, 0, 0}, {1}} {
		if _, err := ParseString(b); err == nil {
			t.Errorf("% x accepted", b)
		}
	}
	if s, err := ParseString([]byte{2, DescString}); err != nil || s != "" {
		t.Errorf("empty string: %q %v", s, err)
	}
}
