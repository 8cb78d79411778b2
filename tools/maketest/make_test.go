// Package maketest checks the Makefile as a newcomer meets it: make help
// lists every target, make test-one refuses an empty name at once, make
// test-go names each test, make screenshots leaves docs/ alone unless
// asked (issue 16). It runs make, mostly with -n, in the repository.
package maketest

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

const root = "../.."

func makeOut(t *testing.T, args ...string) (string, error) {
	t.Helper()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "make", append([]string{"-s", "--no-print-directory", "-C", root}, args...)...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// phonyTargets reads the Makefile's .PHONY list.
func phonyTargets(t *testing.T) []string {
	b, err := os.ReadFile(root + "/Makefile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\.PHONY:((?:[^\n]*\\\n)*[^\n]*)`).FindStringSubmatch(string(b))
	if m == nil {
		t.Fatal("no .PHONY line in the Makefile")
	}
	return strings.Fields(strings.ReplaceAll(m[1], "\\", " "))
}

func TestHelpListsEveryTarget(t *testing.T) {
	out, err := makeOut(t, "help")
	if err != nil {
		t.Fatalf("make help: %v\n%s", err, out)
	}
	targets := phonyTargets(t)
	if len(targets) < 20 {
		t.Fatalf(".PHONY lists %d targets: %q", len(targets), targets)
	}
	for _, name := range targets {
		re := regexp.MustCompile(`(?m)^  make ` + regexp.QuoteMeta(name) + ` +\S`)
		if !re.MatchString(out) {
			t.Errorf("make help has no line for %s (a \"## \" comment above its rule gives it one)", name)
		}
	}
	for _, want := range []string{"test-host", "test-qemu", "gdb", "QEMU_ARGS", "ACCEL", "SKIP_DEPS"} {
		if !strings.Contains(out, want) {
			t.Errorf("make help does not mention %s:\n%s", want, out)
		}
	}
}

// make test-one T= stops at once with a failure, without building or
// booting anything.
func TestTestOneEmptyName(t *testing.T) {
	start := time.Now()
	out, err := makeOut(t, "test-one", "T=")
	if err == nil || !strings.Contains(out, "T is empty") {
		t.Errorf("make test-one T=: err %v, output:\n%s", err, out)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("make test-one T= took %v", d)
	}
}

func TestTestGoNamesEachTest(t *testing.T) {
	out, err := makeOut(t, "-n", "test-go", "GO=go1.27.4", "SKIP_DEPS=1")
	if err != nil {
		t.Fatalf("make -n test-go: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`go test -count=1 -v .*-run 'TestRelease' ./tools/boottest`).MatchString(out) {
		t.Errorf("make test-go does not run go test -v:\n%s", out)
	}
}

func TestScreenshotsStayInBuild(t *testing.T) {
	for _, c := range []struct{ arg, want string }{
		{"DOCS=", "-o build/screenshots"},
		{"DOCS=1", "-o docs"},
	} {
		out, err := makeOut(t, "-n", "screenshots", "SKIP_DEPS=1", c.arg)
		if err != nil {
			t.Fatalf("make -n screenshots: %v\n%s", err, out)
		}
		if !strings.Contains(out, "go run ./tools/screenshots") || !strings.Contains(out, c.want) {
			t.Errorf("make screenshots %s does not write with %q:\n%s", c.arg, c.want, out)
		}
	}
}
