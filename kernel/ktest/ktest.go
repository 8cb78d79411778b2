// Package ktest holds the in-kernel tests. The command line test=NAME runs
// one; it prints "test NAME: PASS" or "test NAME: FAIL <reason>", and
// exit_group turns the exit status into QEMU's pass (33) or fail (35)
// status. test=list prints the names. The tests are grouped by area, a
// file each (boot.go, runtime.go, sched.go, memory.go, traps.go,
// kfaults.go, time.go, syscalls.go, devices.go), and registered by name
// with what they check and how they end (Outcome): the host harness
// (tools/boottest, make test-one) reads the outcome to judge a run.
//
// Ring 3: ordinary Go code. The tests reach the ring-0 core as the rest
// of the kernel's Go program does: through system calls and the private
// call's typed wrappers (kernel/kcall), never by reading its variables.
package ktest

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"gokernel/kernel/boot"
)

// Outcome is how a test's run ends when the kernel works.
type Outcome uint8

const (
	// Passes: "test NAME: PASS" and QEMU status 33.
	Passes Outcome = iota
	// Fails: the test provokes a fatal report (a panic, a kernel fault,
	// the runtime's out-of-memory error) and ends with the fail status;
	// the host harness checks the report. Like blog_os's should_panic.
	Fails
	// NeedsKeys: the test waits for keys typed from the host through QMP
	// (the host harness drives it).
	NeedsKeys
)

// String names the outcome as test=list prints it.
func (o Outcome) String() string {
	switch o {
	case Fails:
		return "fails"
	case NeedsKeys:
		return "keys"
	}
	return "passes"
}

// Test is one in-kernel test.
type Test struct {
	Name, Area, Note string
	Run              func() error
	Outcome          Outcome
}

// Each area file's init hands later a function that registers its tests;
// Tests runs them when a test is asked for. The inits run on every boot,
// before "go: runtime up", and building some 60 tests' literals there
// cost about 2 ms of TCG time on a boot that runs none of them.
var (
	pending []func()
	areas   []Test
)

func later(f func()) { pending = append(pending, f) }

// register adds an area's tests.
func register(area string, ts ...Test) {
	for _, t := range ts {
		t.Area = area
		areas = append(areas, t)
	}
}

// Tests returns the tests sorted by name; two tests of one name are a
// kernel bug and panic.
func Tests() []Test {
	for _, f := range pending {
		f()
	}
	pending = nil
	out := append([]Test(nil), areas...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	for i := 1; i < len(out); i++ {
		if out[i].Name == out[i-1].Name {
			panic("ktest: two tests named " + out[i].Name)
		}
	}
	return out
}

// fitRAM returns n for machines of 60 MiB of RAM or more, and below that
// n scaled to 1/128 of n per MiB, at least 1: the tests sized for the
// 64 MiB machines of the suite also run at the 16 MiB floor
// (tools/boottest TestMemoryFloor), with as many goroutines alive at once
// as that memory holds (about 3 KiB each: a 2 KiB stack, the g, channels).
func fitRAM(n int) int {
	mib := int(boot.Info().UsableBytes() >> 20)
	if mib >= 60 {
		return n
	}
	return max(1, n*mib/128)
}

// lookup returns the test called name.
func lookup(name string) (Test, bool) {
	for _, t := range Tests() {
		if t.Name == name {
			return t, true
		}
	}
	return Test{}, false
}

// Run runs the test called name and exits: status 0 for a pass, 1 for a
// failure. name "list" prints the names on one line, then a line per test
// with its area, outcome and note.
func Run(name string) {
	if name == "list" {
		var names []string
		for _, t := range Tests() {
			names = append(names, t.Name)
		}
		fmt.Printf("tests: %s\n", strings.Join(names, " "))
		for _, t := range Tests() {
			fmt.Printf("test %s: %s, %s: %s\n", t.Name, t.Area, t.Outcome, t.Note)
		}
		os.Exit(0)
	}
	t, ok := lookup(name)
	if !ok {
		fmt.Printf("test %s: FAIL unknown test (test=list names them)\n", name)
		os.Exit(1)
	}
	if err := t.Run(); err != nil {
		fmt.Printf("test %s: FAIL %v\n", name, err)
		os.Exit(1)
	}
	fmt.Printf("test %s: PASS\n", name)
	os.Exit(0)
}
