// Package codegen is the shared helper of the codegen tests: tests that
// build a small linux/amd64 program using a package's interrupt-path
// functions from another package, as the kernel does, and inspect the
// machine code the compiler produced for them.
//
// Build compiles the program; Ring0Check runs tools/ring0check on it with
// the given roots (everything they reach must make no runtime call beyond
// the checker's allow-list: no stack-growth check, no write barrier, no
// allocation, no panic); Objdump returns the disassembly of the functions
// matching a pattern. Each skips the test with -short or without the go
// command.
package codegen

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// goCmd returns the go command, or skips the test.
func goCmd(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a program with the go command")
	}
	g, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	return g
}

// ModuleRoot returns the directory holding go.mod, searched upwards from
// the test's working directory.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// run runs the go command in dir for linux/amd64 without cgo and returns
// its combined output, failing the test on an error.
func run(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(goCmd(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Build compiles mainSrc, a package main, as if it lived in a directory
// codegencheck under the test's package (it exists only through
// -overlay), and returns the executable's path and the compiler's output.
// gcflags, if not empty, is passed as -gcflags.
func Build(t testing.TB, mainSrc, gcflags string) (prog, output string) {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	mainGo := filepath.Join(tmp, "main.go")
	if err := os.WriteFile(mainGo, []byte(mainSrc), 0o644); err != nil {
		t.Fatal(err)
	}
	overlay, _ := json.Marshal(map[string]map[string]string{
		"Replace": {filepath.Join(wd, "codegencheck", "main.go"): mainGo},
	})
	overlayFile := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o644); err != nil {
		t.Fatal(err)
	}
	prog = filepath.Join(tmp, "prog")
	args := []string{"build", "-overlay", overlayFile, "-o", prog}
	if gcflags != "" {
		args = append(args, "-gcflags="+gcflags)
	}
	output = run(t, wd, append(args, "./codegencheck")...)
	return prog, output
}

// Ring0Check runs tools/ring0check on prog with roots and returns its
// summary line; a violation fails the test with the checker's report.
func Ring0Check(t testing.TB, prog string, roots ...string) string {
	t.Helper()
	out, code := Ring0CheckResult(t, prog, roots...)
	if code != 0 {
		t.Fatalf("ring0check: exit %d\n%s", code, out)
	}
	return strings.TrimSpace(out)
}

// Ring0CheckResult runs tools/ring0check on prog with roots and returns
// its output and exit status, for a test that expects violations.
func Ring0CheckResult(t testing.TB, prog string, roots ...string) (string, int) {
	t.Helper()
	checker := filepath.Join(t.TempDir(), "ring0check")
	run(t, ModuleRoot(t), "build", "-o", checker, "./tools/ring0check")
	out, err := exec.Command(checker, "-roots", strings.Join(roots, ","), "-vectors", "", prog).CombinedOutput()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		}
		t.Fatalf("ring0check: %v\n%s", err, out)
	}
	return string(out), 0
}

// Objdump returns the bodies of the functions in prog whose symbol
// matches the regular expression pattern, by name.
func Objdump(t testing.TB, prog, pattern string) map[string]string {
	t.Helper()
	dis := run(t, ModuleRoot(t), "tool", "objdump", "-s", pattern, prog)
	funcs := map[string]string{}
	var cur string
	for _, line := range strings.Split(dis, "\n") {
		if name, ok := strings.CutPrefix(line, "TEXT "); ok {
			cur = strings.Fields(name)[0]
			funcs[cur] = ""
			continue
		}
		if cur != "" {
			funcs[cur] += line + "\n"
		}
	}
	return funcs
}
