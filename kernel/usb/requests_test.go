package usb

import (
	"slices"
	"testing"
)

func TestSetupPackets(t *testing.T) {
	for _, c := range []struct {
		name string
		s    Setup
		want [8]byte
	}{
		{"GET_DESCRIPTOR device", GetDescriptor(DescDevice, 0, 0, 18), [8]byte{0x80, 6, 0, 1, 0, 0, 18, 0}},
		{"GET_DESCRIPTOR configuration", GetDescriptor(DescConfiguration, 0, 0, 34), [8]byte{0x80, 6, 0, 2, 0, 0, 34, 0}},
		{"GET_DESCRIPTOR string", GetDescriptor(DescString, 4, LangEnglishUS, 255), [8]byte{0x80, 6, 4, 3, 0x09, 0x04, 255, 0}},
		{"SET_CONFIGURATION", SetConfiguration(1), [8]byte{0x00, 9, 1, 0, 0, 0, 0, 0}},
		{"GET_DESCRIPTOR report", GetReportDescriptor(0, 63), [8]byte{0x81, 6, 0, 0x22, 0, 0, 63, 0}},
		{"SET_PROTOCOL boot", SetProtocol(0, true), [8]byte{0x21, 0x0B, 0, 0, 0, 0, 0, 0}},
		{"SET_PROTOCOL report", SetProtocol(1, false), [8]byte{0x21, 0x0B, 1, 0, 1, 0, 0, 0}},
		{"SET_IDLE", SetIdle(0, 0, 0), [8]byte{0x21, 0x0A, 0, 0, 0, 0, 0, 0}},
		{"SET_IDLE 500 ms", SetIdle(2, 125, 0), [8]byte{0x21, 0x0A, 0, 125, 2, 0, 0, 0}},
		{"SET_REPORT LEDs", SetReport(0, ReportOutput, 0, 1), [8]byte{0x21, 0x09, 0, 2, 0, 0, 1, 0}},
		{"GetHubDescriptor", GetHubDescriptor(false, 71), [8]byte{0xA0, 6, 0, 0x29, 0, 0, 71, 0}},
		{"GetHubDescriptor SS", GetHubDescriptor(true, 12), [8]byte{0xA0, 6, 0, 0x2A, 0, 0, 12, 0}},
		{"GetPortStatus", GetPortStatus(3), [8]byte{0xA3, 0, 0, 0, 3, 0, 4, 0}},
		{"SetPortFeature reset", SetPortFeature(PortReset, 2), [8]byte{0x23, 3, 4, 0, 2, 0, 0, 0}},
		{"SetPortFeature power", SetPortFeature(PortPower, 8), [8]byte{0x23, 3, 8, 0, 8, 0, 0, 0}},
		{"ClearPortFeature C_CONNECTION", ClearPortFeature(CPortConnection, 1), [8]byte{0x23, 1, 16, 0, 1, 0, 0, 0}},
		{"SetHubDepth", SetHubDepth(1), [8]byte{0x20, 12, 1, 0, 0, 0, 0, 0}},
		{"GetHubStatus", GetHubStatus(), [8]byte{0xA0, 0, 0, 0, 0, 0, 4, 0}},
		{"ClearHubFeature C_HUB_OVER_CURRENT", ClearHubFeature(CHubOverCurrent), [8]byte{0x20, 1, 1, 0, 0, 0, 0, 0}},
	} {
		got := c.s.Bytes()
		if got != c.want {
			t.Errorf("%s: % x, want % x", c.name, got, c.want)
		}
		back, err := ParseSetup(got[:])
		if err != nil || back != c.s {
			t.Errorf("%s: ParseSetup: %v %v", c.name, back, err)
		}
		if c.s.In() != (c.want[0]&0x80 != 0) {
			t.Errorf("%s: In", c.name)
		}
	}
	if _, err := ParseSetup(make([]byte, 7)); err == nil {
		t.Error("7-byte setup accepted")
	}
	if s := SetConfiguration(1).String(); s != "setup 00 09 0001 0000 0000" {
		t.Error(s)
	}
}

func TestParseHub(t *testing.T) {
	h, err := ParseHub(qemuHubDescriptor)
	if err != nil || h.Ports != 8 || h.Characteristics != 0x0a || h.PowerOnGood != 2 || len(h.Removable) != 8 || !h.Removable[0] || h.SuperSpeed {
		t.Errorf("QEMU hub: %+v %v", h, err)
	}
	// 4 ports, port 2 and 4 not removable (bits 2 and 4).
	h, err = ParseHub([]byte{9, DescHub, 4, 0x09, 0, 50, 100, 0x14, 0xFF})
	if want := []bool{true, false, true, false}; err != nil || !slices.Equal(h.Removable, want) || h.PowerOnGood != 100 {
		t.Errorf("4 ports: %+v %v", h, err)
	}
	ss, err := ParseSuperSpeedHub([]byte{12, DescSuperSpeedHub, 4, 0x09, 0, 50, 0, 4, 0x10, 0, 0x04, 0})
	if err != nil || !ss.SuperSpeed || ss.Ports != 4 || ss.HubDelay != 16 || ss.HeaderDecodeLat != 4 || ss.Removable[1] {
		t.Errorf("SuperSpeed: %+v %v", ss, err)
	}
	for _, b := range [][]byte{
		{7, DescHub, 0, 0, 0, 0, 0},                 // no ports
		{7, DescHub, 8, 0, 0, 0, 0},                 // no DeviceRemovable
		{8, DescHub, 8, 0, 0, 0, 0, 0},              // one byte of two
		{9, DescSuperSpeedHub, 1, 0, 0, 0, 0, 0, 0}, // wrong type
		qemuHubDescriptor[:9],                       // bLength past the bytes
	} {
		if _, err := ParseHub(b); err == nil {
			t.Errorf("% x accepted", b)
		}
	}
	for _, b := range [][]byte{
		{12, DescSuperSpeedHub, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0}, // 16 ports
		{12, DescSuperSpeedHub, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		{11, DescSuperSpeedHub, 1, 0, 0, 0, 0, 0, 0, 0, 0},
		qemuHubDescriptor,
	} {
		if _, err := ParseSuperSpeedHub(b); err == nil {
			t.Errorf("SuperSpeed % x accepted", b)
		}
	}
}

func TestPortStatus(t *testing.T) {
	for _, c := range []struct {
		b    []byte
		ss   bool
		want PortStatus
		clr  []uint16
	}{
		// USB 2: connected, powered, connect change (QEMU after attach).
		{[]byte{0x01, 0x01, 0x01, 0x00}, false, PortStatus{Connected: true, Powered: true, Speed: SpeedFull, ConnectChange: true}, []uint16{CPortConnection}},
		// Reset done: enabled, high speed, reset change.
		{[]byte{0x03, 0x05, 0x10, 0x00}, false, PortStatus{Connected: true, Enabled: true, Powered: true, Speed: SpeedHigh, ResetChange: true}, []uint16{CPortReset}},
		{[]byte{0x03, 0x03, 0x1F, 0x00}, false, PortStatus{Connected: true, Enabled: true, Powered: true, Speed: SpeedLow,
			ConnectChange: true, EnableChange: true, SuspendChange: true, OverCurrentChange: true, ResetChange: true},
			[]uint16{CPortConnection, CPortEnable, CPortSuspend, CPortOverCurrent, CPortReset}},
		// USB 3: connected, enabled, U0, powered, 5 Gb/s; BH reset, link state, config error changes.
		{[]byte{0x03, 0x02, 0xE0, 0x00}, true, PortStatus{Connected: true, Enabled: true, Powered: true, Speed: SpeedSuper,
			BHResetChange: true, LinkStateChange: true, ConfigErrorChange: true}, []uint16{CBHPortReset, CPortLinkState, CPortConfigError}},
		// USB 3: Rx.Detect (5), 10 Gb/s field.
		{[]byte{0xA0, 0x06, 0x00, 0x00}, true, PortStatus{LinkState: 5, Powered: true, Speed: SpeedSuperPlus}, nil},
	} {
		got, err := ParsePortStatus(c.b, c.ss)
		if err != nil || got != c.want {
			t.Errorf("% x (ss %v): %+v %v\nwant %+v", c.b, c.ss, got, err, c.want)
		}
		if f := got.ChangeFeatures(); !slices.Equal(f, c.clr) {
			t.Errorf("% x: clear %v, want %v", c.b, f, c.clr)
		}
	}
	if _, err := ParsePortStatus([]byte{1, 2}, false); err == nil {
		t.Error("2 bytes accepted")
	}
}

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		d    Device
		i    Interface
		kind Kind
		name string
	}{
		{Device{}, Interface{Class: 3, SubClass: 0, Protocol: 0}, KindHID, "HID device"},
		{Device{}, Interface{Class: 3, SubClass: 0, Protocol: 1}, KindHID, "keyboard (no boot protocol)"},
		{Device{}, Interface{Class: 3, SubClass: 0, Protocol: 2}, KindHID, "mouse (no boot protocol)"},
		{Device{}, Interface{Class: 8, SubClass: 6, Protocol: 0x50}, KindOther, "mass storage device"},
		{Device{Class: 9}, Interface{Class: 9}, KindHub, "hub"},
		{Device{Class: 0xEF}, Interface{Class: 0x0E}, KindOther, "video device"},
		{Device{Class: 0xFF}, Interface{Class: 3, SubClass: 1, Protocol: 1}, KindKeyboard, "keyboard"},
		{Device{}, Interface{Class: 0x77}, KindOther, "class 0x77 device"},
	} {
		k, n := Classify(c.d, c.i)
		if k != c.kind || n != c.name {
			t.Errorf("%+v %+v: %v %q, want %v %q", c.d, c.i, k, n, c.kind, c.name)
		}
	}
}
