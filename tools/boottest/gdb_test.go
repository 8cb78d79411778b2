package boottest

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestMakeGDB runs make gdb as a user would, with gdb scripted: QEMU waits,
// gdb loads both symbol files without a question, loads Go's
// runtime-gdb.py, stops at the breakpoint BREAK names, and answers bt and
// info goroutines there (issue 16, item 9).
func TestMakeGDB(t *testing.T) {
	t.Parallel()
	artifact(t, "kernel.elf")
	artifact(t, "go.elf")
	if _, err := exec.LookPath("gdb"); err != nil {
		if os.Getenv(RequireEnv) != "" {
			t.Fatal("gdb is not installed (make deps-gdb)")
		}
		t.Skip("gdb is not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "make", "-s", "--no-print-directory", "-C", root, "gdb",
		"SKIP_DEPS=1", "BUILD="+buildDir(), "BREAK=main.main",
		`GDB_FLAGS=-batch -ex bt -ex "info goroutines"`)
	cmd.Env = append(os.Environ(), "ACCEL=")
	out, err := cmd.CombinedOutput()
	s := string(out)
	if err != nil {
		t.Fatalf("make gdb: %v\n%s", err, s)
	}
	for _, want := range []string{
		"qemurun: accelerator TCG (the default for debugging",
		"Breakpoint 1, main.main () at gokernel/kernel/main_ring3.go:",
		"#0  main.main () at gokernel/kernel/main_ring3.go:",
		"* 1 running", // info goroutines: runtime-gdb.py is loaded
	} {
		if !strings.Contains(s, want) {
			t.Errorf("make gdb's output lacks %q:\n%s", want, s)
		}
	}
	for _, bad := range []string{"(y or n)", "Python Exception", "No symbol table"} {
		if strings.Contains(s, bad) {
			t.Errorf("make gdb's output has %q:\n%s", bad, s)
		}
	}
}
