package main

import "testing"

func TestReadyOrHalt(t *testing.T) {
	for s, want := range map[string]string{
		"ready": "ready",
		"boot: this CPU has no 64-bit long mode; halted":      "boot: this CPU has no 64-bit long mode; halted",
		"kernel: the Go program exited with status 2; halted": "kernel: the Go program exited with status 2; halted",
		"keyboard: ready (layout us)":                         "",
		"> ready":                                             "",
	} {
		got := ""
		if m := readyOrHalt.FindStringSubmatch(s); m != nil {
			got = m[0]
		}
		if got != want {
			t.Errorf("%q matched %q, want %q", s, got, want)
		}
	}
}

func TestLastPanic(t *testing.T) {
	log := "00362328458p[TERM  ] >>PANIC<< 32 bpp graphics mode not supported\n" +
		"00368377272p[CPU0  ] >>PANIC<< exception(): 3rd (13) exception with no resolution\n" +
		"00368377272i[CPU0  ] CPU is in protected mode (active)\n"
	if got, want := lastPanic(log), "Bochs: exception(): 3rd (13) exception with no resolution"; got != want {
		t.Errorf("lastPanic = %q, want %q", got, want)
	}
	if got := lastPanic("00362328458p[TERM  ] >>PANIC<< 32 bpp graphics mode not supported\n"); got != "" {
		t.Errorf("term's expected panic reported: %q", got)
	}
}
