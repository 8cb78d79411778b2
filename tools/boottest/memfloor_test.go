package boottest

import (
	"strings"
	"testing"
	"time"

	"gokernel/tools/vm"
)

// floorMemory is the smallest machine the kernel promises to work in
// (issue 15): every in-kernel test but gc and oom passes there, and the
// shell comes up. README.md, "Memory at boot", says where the memory goes.
const floorMemory = "16M"

// floorSkip are the tests that need more: gc allocates 1 GiB in total at a
// pace the floor's heap cannot keep up with, and oom fills any memory.
var floorSkip = map[string]bool{"gc": true, "oom": true}

// floorCPUs gives the SMP tests (test=list's area "smp", which
// inKernelTests leaves out) the CPUs they need.
var floorCPUs = map[string]int{"apfault": 4, "pagefaults": 2, "parallel": 2, "shootdown": 2, "smp": 2, "smpstress": 2, "wakestorm": 2}

// TestMemoryFloor boots every in-kernel test at -m 16M, the timing tests
// (and parallel) one at a time and the others in parallel; the ones that fail on purpose
// must still fail with the fail status (not hang or reset); and the shell
// must reach "ready" and answer a command.
func TestMemoryFloor(t *testing.T) {
	if testing.Short() {
		t.Skip("boots every test at 16 MiB")
	}
	kernel := artifact(t, "kernel.elf")
	passes, fails := inKernelTests(t)
	opts := func(name string) vm.Options {
		o := vm.Options{Kernel: kernel, Memory: floorMemory, CPUs: floorCPUs[name], Name: "floor-" + name, Timeout: 2 * time.Minute}
		if name == "smpstress" {
			o.Cmdline = "SMPSTRESS=3" // seconds: the stress is TestSMP's, the memory is ours
		}
		return o
	}
	// The timing tests, and parallel, which measures a speedup, alone.
	alone := func(name string) bool { return timing[name] || name == "parallel" }
	for name := range floorCPUs {
		passes = append(passes, name)
	}
	for _, name := range passes {
		if alone(name) {
			runTiming(t, opts(name), name)
		}
	}
	for _, name := range passes {
		if alone(name) || floorSkip[name] {
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			vm.RunTest(t, opts(name), name)
		})
	}
	for _, name := range fails {
		if floorSkip[name] {
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			o := opts(name)
			o.Cmdline = strings.TrimSpace(o.Cmdline + " test=" + name)
			res, err := vm.StartT(t, o).Wait()
			if err != nil {
				t.Fatal(err)
			}
			if !res.Failed() {
				t.Errorf("test=%s at %s: QEMU %s, want the fail status\n%s", name, floorMemory, res.Meaning(), res.Report())
			}
		})
	}
	t.Run("shell", func(t *testing.T) {
		t.Parallel()
		v := vm.StartT(t, vm.Options{Kernel: kernel, Memory: floorMemory, Name: "floor-shell"})
		expectLine(t, v, `^ready$`)
		if err := v.SendSerial("mem\r"); err != nil {
			t.Fatal(err)
		}
		expectLine(t, v, `MiB`)
	})
}
