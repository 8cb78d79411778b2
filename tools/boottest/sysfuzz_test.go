package boottest

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"gokernel/tools/vm"
)

// TestSysFuzz runs the system-call fuzzer (test=sysfuzz) for 20 s with a
// fixed seed: the kernel must neither hang nor fault, the program must
// live on, and the fuzzer's checks must pass. make fuzz-sys runs it as
// long as asked with a random seed.
func TestSysFuzz(t *testing.T) {
	t.Parallel()
	const seed, duration = 1, 20 * time.Second
	res := vm.RunTest(t, vm.Options{Kernel: artifact(t, "kernel.elf"), Memory: "64M", Timeout: 2 * time.Minute,
		Cmdline: "SYSFUZZ_SEED=" + strconv.Itoa(seed) + " SYSFUZZ_DURATION=" + duration.String()}, "sysfuzz")
	expectLines(t, res, `^sysfuzz: seed 1, 20s, 8 goroutines, \d+ calls of the table and \d+ numbers it lacks$`,
		`^sysfuzz: \d+ calls in 20s \(\d+ a second\): .*; \d+ checks passed$`,
		`^sysfuzz: skipped exit_group: `, `^sysfuzz: constrained `)
	re := regexp.MustCompile(`^sysfuzz: (\d+) calls in 20s`)
	for _, l := range res.Lines {
		if m := re.FindStringSubmatch(l.Text); m != nil {
			t.Logf("%s calls in %v", m[1], duration)
		}
	}
}
