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
		{"rozero", []string{`^rozero: 512 MiB of untouched read-only memory read, [0-3]\.\d MiB used$`,
			`^rozero: getrandom stopped with EFAULT after \d+ MiB, \d+\.\d MiB still free$`}},
		{"bigmprotect", []string{`^bigmprotect: 3 mprotects and a munmap of 32 TiB took `}},
		{"badfs", []string{`^badfs: system calls, a yield and timer ticks with FS at 0x10000; non-canonical bases refused$`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := vm.RunTest(t, vm.Options{Kernel: kernel, Memory: "64M"}, tc.name)
			expectLines(t, res, tc.lines...)
		})
	}
}

// A thread that reads its TLS through an FS base that points at nothing
// gets SIGSEGV; the runtime's handler reads g the same way, and the second
// SIGSEGV is blocked, so the program dies, as on Linux: the kernel says
// why and QEMU exits with the fail status.
func TestBadFSFault(t *testing.T) {
	t.Parallel()
	v := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf"), Memory: "64M", Cmdline: "test=badfsfault"})
	res, err := v.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if !res.Failed() {
		t.Errorf("QEMU %s, want the fail status 35\n%s", res.Meaning(), res.Report())
	}
	expectLines(t, res, `^kernel: cannot deliver signal 11 to the Go runtime: the signal is blocked$`,
		`^kernel: fatal fault in Go code \(ring 3\): page fault \(vector 14\)`, `^  address \(cr2\) 0xfff8$`,
		`^  rip 0x[0-9a-f]+ runtime\.sigtramp`)
}
