package boottest

import (
	"testing"

	"gokernel/tools/vm"
)

// The regression tests of issue 18: system calls that once hung, stopped
// or faulted the kernel. Each boots on its own, so one that hangs fails
// alone (QEMU's timeout) and cannot hide the others.
func TestBadCallTests(t *testing.T) {
	kernel := artifact(t, "kernel.elf")
	for _, tc := range []struct {
		name  string
		lines []string
	}{
		{"munmaplow", []string{`^munmaplow: munmap below the user minimum unmapped nothing; the kernel is fine$`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := vm.RunTest(t, vm.Options{Kernel: kernel, Memory: "64M"}, tc.name)
			expectLines(t, res, tc.lines...)
		})
	}
}
