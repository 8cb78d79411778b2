package boottest

import (
	"os"
	"regexp"
	"testing"
	"time"

	"gokernel/tools/vm"
)

// TestRelease is the set make test-go runs for one Go release
// (GOKERNEL_RELEASE, with its kernel in GOKERNEL_BUILD): the kernel must
// report exactly that release, boot, run the runtime, goroutine, sleep and
// gc tests and its tasks, and make no system call its table lacks.
func TestRelease(t *testing.T) {
	rel := os.Getenv("GOKERNEL_RELEASE")
	if rel == "" {
		t.Skip("GOKERNEL_RELEASE not set: make test-go GO=go1.X.Y runs this")
	}
	kernel := artifact(t, "kernel.elf")
	up := `^go: runtime up \(` + regexp.QuoteMeta(rel) + `\)$`
	for _, name := range []string{"boot", "runtime", "goroutines", "sleep", "gc", "syscalls"} {
		t.Run(name, func(t *testing.T) {
			res := vm.RunTest(t, vm.Options{Kernel: kernel, Memory: "64M"}, name)
			expectLines(t, res, up)
		})
	}
	t.Run("executor", func(t *testing.T) {
		v := vm.StartT(t, vm.Options{Kernel: kernel, Memory: "64M", QMP: true, Cmdline: "shell=off"})
		for _, m := range []string{"go: runtime up (" + rel + ")", "ready", "async number: 42"} {
			if _, err := v.Expect(m, 30*time.Second); err != nil {
				t.Fatal(err)
			}
		}
		if err := v.SendKeysHold(hold, "g", "o", "shift-1"); err != nil {
			t.Fatal(err)
		}
		if _, err := v.Expect("go!", 10*time.Second); err != nil {
			t.Fatal(err)
		}
	})
}
