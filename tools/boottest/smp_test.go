package boottest

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"gokernel/tools/vm"
)

// TestSMP runs the SMP tests (test=list's area "smp") on machines with
// more than one CPU; QEMU runs each guest CPU on a host thread
// (-accel tcg,thread=multi, which vm chooses for CPUs > 1). TestMachines
// runs every other test with 2 and 4 CPUs as well.
func TestSMP(t *testing.T) {
	if testing.Short() {
		t.Skip("boots the SMP tests on 2 to 6 CPUs")
	}
	kernel := artifact(t, "kernel.elf")
	// The speedup first, alone: the other tests' QEMUs would take the
	// host's cores it measures.
	t.Run("parallel/2", func(t *testing.T) {
		res := runTiming(t, vm.Options{Kernel: kernel, Memory: "256M", CPUs: 2, Timeout: 3 * time.Minute}, "parallel")
		expectLines(t, res, `^parallel: SHA-256 of 64 MiB in 2 parts: .* speedup \d+\.\d\dx$`)
	})
	for _, c := range []struct {
		name    string
		cpus    int
		args    []string
		test    string
		memory  string
		timeout time.Duration
		lines   []string
	}{
		{"smp/2", 2, nil, "smp", "", 0, []string{`^smp: 2 CPUs \(APIC IDs 0 1\)$`, `^smp: 2 of 2 CPUs seen$`}},
		{"smp/4", 4, nil, "smp", "", 0, []string{`^smp: 4 of 4 CPUs seen$`}},
		// APIC IDs with gaps: 2 sockets of 3 cores number their CPUs
		// 0 1 2 and 4 5 6 (each socket's IDs start at a power of two).
		{"smp/gaps", 0, []string{"-smp", "6,sockets=2,cores=3"}, "smp", "", 2 * time.Minute,
			[]string{`^smp: 6 CPUs \(APIC IDs 0 1 2 4 5 6\)$`, `^smp: 6 of 6 CPUs seen$`}},
		{"shootdown/2", 2, nil, "shootdown", "", 0, []string{`^shootdown: 300 rounds, \d+ with reader and writer on different CPUs: \d+ read the new page, \d+ faulted, none the old`}},
		{"shootdown/4", 4, nil, "shootdown", "", 0, nil},
		{"pagefaults/2", 2, nil, "pagefaults", "", 0, []string{`^pagefaults: 10240 page faults on 2 CPUs: .* speedup \d+\.\d\dx; \d+ served without the big kernel lock$`}},
		{"smpstress/2", 2, nil, "smpstress", "", 2 * time.Minute, []string{`^smpstress: 10000 goroutines on 2 CPUs for 2\ds: \d+ exchanges`}},
		{"smpstress/4", 4, nil, "smpstress", "", 2 * time.Minute, []string{`^smpstress: 10000 goroutines on 4 CPUs for 2\ds: \d+ exchanges`}},
		// The first AP faults in its bring-up (test=apfault injects a
		// UD2): named, left out, the others run.
		{"apfault/4", 4, nil, "apfault", "", 0, []string{
			`^smp: the CPU with APIC ID 1 faulted during its setup: invalid opcode at gokernel/kernel/smp\.undefined\S*; left out$`,
			`^smp: 3 CPUs \(APIC IDs 0 2 3\)$`, `^apfault: 3 of 4 listed CPUs run; 3 seen running goroutines$`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			mem := c.memory
			if mem == "" {
				mem = "64M"
			}
			res := vm.RunTest(t, vm.Options{Kernel: kernel, Memory: mem, CPUs: c.cpus, Args: c.args, Timeout: c.timeout}, c.test)
			expectLines(t, res, c.lines...)
		})
	}
}

// TestSMPCmdline checks the bad values of cpus=: one warning each and the
// default (every CPU), and cpus=2 and nosmp.
func TestSMPCmdline(t *testing.T) {
	t.Parallel()
	kernel := artifact(t, "kernel.elf")
	for _, c := range []struct {
		cmdline string
		lines   []string
	}{
		{"cpus=0", []string{`^cmdline: cpus=0: not a number from 1 to 64; using 64$`, `^smp: 4 CPUs \(APIC IDs 0 1 2 3\)$`}},
		{"cpus=999", []string{`^cmdline: cpus=999: not a number from 1 to 64; using 64$`, `^smp: 4 CPUs`}},
		{"cpus=abc", []string{`^cmdline: cpus=abc: not a number from 1 to 64; using 64$`, `^smp: 4 CPUs`}},
		{"cpus=2", []string{`^smp: 2 CPUs \(APIC IDs 0 1\)$`}},
		{"nosmp", []string{`^smp: 1 CPU \(APIC ID 0\)$`}},
	} {
		t.Run(c.cmdline, func(t *testing.T) {
			t.Parallel()
			res := vm.RunTest(t, vm.Options{Kernel: kernel, Memory: "64M", CPUs: 4, Cmdline: c.cmdline}, "boot")
			expectLines(t, res, c.lines...)
		})
	}
}

// The shell's cpus command lists every CPU with its APIC ID, and the
// halt command stops all of them (QEMU's CPU use falls to nothing, which
// TestShellHalt measures for one CPU).
func TestShellCPUs(t *testing.T) {
	t.Parallel()
	v := shellVM(t, vm.Options{CPUs: 4})
	// An idle machine: every CPU, the APs that have halted since boot
	// included, spent most of its time idle (they once showed 0.6%: only
	// ended idles were counted).
	serialCommand(t, v, "sleep 1")
	serialCommand(t, v, "cpus")
	expectLine(t, v, `^CPU APIC ID   IDLE   INTERRUPTS  THREADS RUN$`)
	for c := range 4 {
		m := expectLine(t, v, fmt.Sprintf(`^  %d       %d +(\d+\.\d)%% +\d+ +\d+$`, c, c))
		if idle, _ := strconv.ParseFloat(m[1], 64); idle < 50 {
			t.Errorf("CPU %d idle %.1f%% on an idle machine, want at least 50%%", c, idle)
		}
	}
}
