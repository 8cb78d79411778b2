package ring

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestStalledOperations runs TestStalls (stall_test.go) in a child go
// test built with -tags ringstall, which turns stallPoint into a yield in
// the middle of every Push and Pop: the stress test with producers and
// consumers preempted between their claim and their publication. (The
// hook is compiled out of normal builds, so it needs a build of its own.)
// It needs the go command and skips with -short.
func TestStalledOperations(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the tests with -tags ringstall")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	args := []string{"test", "-tags", "ringstall", "-run", "^TestStalls$", "-count=1", "-v"}
	if raceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.Command(goCmd, append(args, ".")...)
	cmd.Env = append(os.Environ(), "GOFLAGS=")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestStalls") {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "stalls") {
			t.Log(strings.TrimSpace(line))
		}
	}
}
