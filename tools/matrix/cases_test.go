package main

import (
	"strings"
	"testing"
)

func TestFullSet(t *testing.T) {
	cases, err := Cases("full", "auto", true, "ryzen")
	if err != nil {
		t.Fatal(err)
	}
	// 2 images x 2 firmwares x 2 machines x 2 CPUs, the timer, SMP and
	// USB cases, and Bochs twice (the given model and the x2APIC one).
	if want := 16 + len(timerCases) + len(smpCases) + len(usbCases) + 2; len(cases) != want {
		t.Fatalf("%d cases, want %d", len(cases), want)
	}
	seen := map[string]bool{}
	na := 0
	for _, c := range cases {
		if seen[c.Name()] {
			t.Errorf("case %s twice", c.Name())
		}
		seen[c.Name()] = true
		if c.NA != "" {
			na++
			if c.Image != KernelImage || c.Firmware != OVMF {
				t.Errorf("%s is n/a: %s", c.Name(), c.NA)
			}
		}
	}
	if na != 4 {
		t.Errorf("%d n/a cases, want the 4 -kernel x OVMF ones", na)
	}
	if b := cases[len(cases)-2]; !b.Bochs() || b.Image != ISOImage || b.CPU != "ryzen" || b.NA != "" {
		t.Errorf("case %+v, want the Bochs ISO row", b)
	}
	if b := cases[len(cases)-1]; !b.Bochs() || b.CPU != bochsX2APIC {
		t.Errorf("last case %+v, want the x2APIC Bochs row", b)
	}
	for _, c := range append(timerCases, usbCases...) {
		if !seen[c.Name()] {
			t.Errorf("case %s missing", c.Name())
		}
	}
	fws := map[string]bool{}
	for _, c := range usbCases {
		fws[string(c.Image)+" "+c.Firmware] = c.USB && strings.HasSuffix(c.Name(), "-usb")
	}
	if usb, err := Cases("usb", "on", true, ""); err != nil || len(usb) != len(usbCases) {
		t.Errorf("-set usb: %d cases, %v; want the %d USB ones", len(usb), err, len(usbCases))
	}
	if len(fws) != 3 || !fws["kernel SeaBIOS"] || !fws["ISO SeaBIOS"] || !fws["ISO OVMF"] {
		t.Errorf("USB cases %v, want -kernel, ISO under SeaBIOS and ISO under OVMF, named -usb", fws)
	}
}

func TestQuickSetAndBochsModes(t *testing.T) {
	for _, tc := range []struct {
		bochs   string
		have    bool
		n       int
		bochsNA bool
	}{
		{"auto", true, 5, false},
		{"auto", false, 5, true},
		{"on", false, 5, false}, // runs, and fails saying why
		{"off", true, 4, false},
	} {
		cases, err := Cases("quick", tc.bochs, tc.have, "m")
		if err != nil || len(cases) != tc.n {
			t.Fatalf("-bochs=%s have=%v: %d cases, %v; want %d", tc.bochs, tc.have, len(cases), err, tc.n)
		}
		last := cases[len(cases)-1]
		if last.Bochs() && (last.NA != "") != tc.bochsNA {
			t.Errorf("-bochs=%s have=%v: Bochs row n/a %q", tc.bochs, tc.have, last.NA)
		}
		if tc.bochsNA && !strings.Contains(last.NA, "apt-get install") {
			t.Errorf("n/a reason %q does not say how to install Bochs", last.NA)
		}
	}
	if cases, _ := Cases("quick", "off", false, ""); cases[3] != (Case{Image: ISOImage, Firmware: OVMF, Machine: "q35", CPU: "max"}) {
		t.Errorf("quick set: %+v", cases)
	}
	for _, bad := range [][2]string{{"most", "auto"}, {"full", "yes"}} {
		if _, err := Cases(bad[0], bad[1], true, ""); err == nil {
			t.Errorf("Cases(%q, %q) accepted", bad[0], bad[1])
		}
	}
}
