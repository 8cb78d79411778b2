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

var tests = map[string]Test{}

// register adds an area's tests; each area file calls it from its init.
func register(area string, ts ...Test) {
	for _, t := range ts {
		if _, dup := tests[t.Name]; dup {
			panic("ktest: two tests named " + t.Name)
		}
		t.Area = area
		tests[t.Name] = t
	}
}

// Tests returns the tests sorted by name.
func Tests() []Test {
	var out []Test
	for _, t := range tests {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
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
	t, ok := tests[name]
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
