package boottest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"gokernel/tools/vm"
)

// Two runs of one release give the same make syscall-report (issue 16,
// item 8): counts, race outcomes and the calls timing decides are left
// out of the report, and that must be all that differs between runs.
func TestSyscallReportStable(t *testing.T) {
	t.Parallel()
	kernel := artifact(t, "kernel.elf")
	var reports []string
	for i := range 3 {
		res := vm.RunTest(t, vm.Options{Kernel: kernel, Memory: "64M"}, "syscalls")
		if t.Failed() {
			return
		}
		log := filepath.Join(t.TempDir(), "syscalls.log")
		if err := os.WriteFile(log, []byte(res.Log), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("go", "run", "./tools/sysreport", log)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("sysreport: %v\n%s", err, out)
		}
		reports = append(reports, string(out))
		if i > 0 && reports[i] != reports[0] {
			t.Fatalf("run %d's report differs from run 1's:\n%s\n---\n%s", i+1, reports[0], reports[i])
		}
	}
}
