package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"gokernel/tools/vm"
)

func TestParseList(t *testing.T) {
	m := ParseList([]string{
		"go: runtime up (go1.26.8)",
		"tests: boot panic keyboard",
		"test boot: boot, passes: the memory map has RAM",
		"test panic: runtime, fails: an unrecovered panic prints Go's report and fails",
		"test keyboard: devices, keys: typed lines come back",
	})
	if len(m) != 3 || m["panic"].Outcome != "fails" || m["keyboard"].Outcome != "keys" || m["boot"].Area != "boot" {
		t.Fatalf("parsed %+v", m)
	}
}

func TestVerdict(t *testing.T) {
	passLine := []vm.Line{{Text: "test x: PASS"}}
	for _, c := range []struct {
		outcome string
		res     vm.Result
		want    bool
	}{
		{"passes", vm.Result{Status: vm.StatusPass, Lines: passLine}, true},
		{"passes", vm.Result{Status: vm.StatusPass}, false},
		{"passes", vm.Result{Status: vm.StatusFail}, false},
		{"fails", vm.Result{Status: vm.StatusFail}, true},
		{"fails", vm.Result{Status: vm.StatusPass, Lines: passLine}, false},
		{"fails", vm.Result{Status: 0}, false}, // a reset is no declared failure
		{"fails", vm.Result{Status: -1, TimedOut: true}, false},
		{"passes", vm.Result{Status: -1, TimedOut: true}, false},
	} {
		if got, why := Verdict(Entry{Name: "x", Outcome: c.outcome}, c.res); got != c.want {
			t.Errorf("%s, status %d: %v (%s), want %v", c.outcome, c.res.Status, got, why, c.want)
		}
	}
}

func kernel(t *testing.T) string {
	p, _ := filepath.Abs("../../build/kernel.elf")
	if _, err := os.Stat(p); err != nil {
		t.Skip("build/kernel.elf is missing: make test-qemu builds it and runs this")
	}
	return p
}

// make test-one T=NAME: an expected-fault test passes, an empty or
// unknown name fails at once (issue 16, item 5).
func TestRun(t *testing.T) {
	k := kernel(t)
	for _, c := range []struct {
		name string
		want int
		max  time.Duration
	}{
		{"", 1, time.Second},
		{"nosuchtest", 1, 30 * time.Second},
		{"panic", 0, 60 * time.Second},
		{"kernelfault", 0, 60 * time.Second},
		{"boot", 0, 60 * time.Second},
	} {
		start := time.Now()
		if got := run(k, "64M", 90*time.Second, []string{c.name}); got != c.want {
			t.Errorf("test-one T=%q: status %d, want %d", c.name, got, c.want)
		}
		if d := time.Since(start); d > c.max {
			t.Errorf("test-one T=%q took %v, want under %v", c.name, d, c.max)
		}
	}
}
