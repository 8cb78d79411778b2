package boottest

import (
	"strings"
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
		{"badreturn", []string{`^badreturn: a faulting IRETQ became the thread's SIGSEGV: recovered "runtime error: invalid memory address or nil pointer dereference"$`}},
		{"clonemask", []string{`^clonemask: a new thread keeps its parent's signal mask$`}},
		{"badfs", []string{`^badfs: system calls, a yield and timer ticks with FS at 0x10000; non-canonical bases refused$`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := vm.RunTest(t, vm.Options{Kernel: kernel, Memory: "64M"}, tc.name)
			expectLines(t, res, tc.lines...)
			if n := strings.Count(res.Log, "sys: clone: all"); tc.name == "manythreads" && n != 1 {
				t.Errorf("the thread limit was reported %d times, want once", n)
			}
		})
	}
}

// Bad calls that end the program as they end it on Linux: the kernel
// lives on to say why, and QEMU exits with the fail status.
//
// badfsfault: a thread reads its TLS through an FS base that points at
// nothing; the runtime's SIGSEGV handler reads g the same way, and the
// second SIGSEGV is blocked. badsigreturn: rt_sigreturn to a
// non-canonical RIP is a SIGSEGV (SI_KERNEL) at that RIP, where the
// runtime cannot resume. manythreads: more threads than the kernel's
// table holds, with GOMAXPROCS=1000 on top: clone's EAGAIN (Linux's at
// RLIMIT_NPROC), said once by the kernel, and the runtime's report.
func TestBadCallFatal(t *testing.T) {
	threadLimit := []string{`^sys: clone: all 128 threads in use \(the kernel's RLIMIT_NPROC\) -> EAGAIN$`,
		`^runtime: failed to create new OS thread \(have \d+ already; errno=11\)$`,
		`^runtime: may need to increase max user processes \(ulimit -u\)$`, `^fatal error: newosproc$`}
	kernel := artifact(t, "kernel.elf")
	for _, tc := range []struct {
		name, cmdline string
		lines         []string
	}{
		{"manythreads", "", append([]string{`^manythreads: RLIMIT_NPROC is 128, 128$`}, threadLimit...)},
		// The runtime asks for more threads than that before main.main.
		{"manythreads", "GOMAXPROCS=1000", threadLimit},
		{"badfsfault", "", []string{`^kernel: cannot deliver signal 11 to the Go runtime: the signal is blocked$`,
			`^kernel: fatal fault in Go code \(ring 3\): page fault \(vector 14\)`, `^  address \(cr2\) 0xfff8$`,
			`^  rip 0x[0-9a-f]+ runtime\.sigtramp`}},
		{"badsigreturn", "", []string{`^\[signal SIGSEGV: segmentation violation code=0x80 addr=0x0 pc=0x800000000000\]$`}},
	} {
		t.Run(strings.TrimSpace(tc.name+" "+tc.cmdline), func(t *testing.T) {
			t.Parallel()
			v := vm.StartT(t, vm.Options{Kernel: kernel, Memory: "64M", Cmdline: tc.cmdline + " test=" + tc.name})
			res, err := v.Wait()
			if err != nil {
				t.Fatal(err)
			}
			if !res.Failed() {
				t.Errorf("QEMU %s, want the fail status 35\n%s", res.Meaning(), res.Report())
			}
			expectLines(t, res, tc.lines...)
			if n := strings.Count(res.Log, "sys: clone: all"); tc.name == "manythreads" && n != 1 {
				t.Errorf("the thread limit was reported %d times, want once", n)
			}
		})
	}
}
