package keyboard

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// codegenMain calls AddScancode from another package, as the kernel's
// IRQ1 handler will, and keeps its body with a func value.
const codegenMain = `package main

import (
	"os"

	"gokernel/keyboard"
	"gokernel/task"
)

var addScancode = keyboard.AddScancode

func main() {
	s, _ := keyboard.NewScancodeStream()
	e, _ := task.NewExecutor(4, nil)
	e.Spawn(keyboard.PrintKeypresses(s, keyboard.US, os.Stdout))
	addScancode(0x1E)
	keyboard.AddScancode(0x9E)
	s.Close()
	e.Run()
}
`

// TestCodegen builds a linux/amd64 program that uses AddScancode and runs
// tools/ring0check on it with AddScancode as the root: everything it
// reaches (the ring's Push, AtomicWaker.Wake, Waker.Wake) must make no
// runtime call beyond the checker's allow-list, so no stack-growth check,
// no write barrier, no allocation and no panic. It needs the go command
// and skips with -short.
func TestCodegen(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program with the go command")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	moduleRoot := filepath.Join(wd, "..")
	if _, err := os.Stat(filepath.Join(moduleRoot, "tools", "ring0check")); err != nil {
		t.Skip("tools/ring0check not found:", err)
	}
	tmp := t.TempDir()
	// The program lives in the module only through -overlay, in a
	// directory that does not exist on disk.
	mainGo := filepath.Join(tmp, "main.go")
	if err := os.WriteFile(mainGo, []byte(codegenMain), 0o644); err != nil {
		t.Fatal(err)
	}
	overlay, _ := json.Marshal(map[string]map[string]string{
		"Replace": {filepath.Join(wd, "codegencheck", "main.go"): mainGo},
	})
	overlayFile := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o644); err != nil {
		t.Fatal(err)
	}
	build := func(dir string, args ...string) {
		t.Helper()
		cmd := exec.Command(goCmd, append([]string{"build"}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	prog := filepath.Join(tmp, "prog")
	build(wd, "-overlay", overlayFile, "-o", prog, "./codegencheck")
	checker := filepath.Join(tmp, "ring0check")
	build(moduleRoot, "-o", checker, "./tools/ring0check")
	out, err := exec.Command(checker, "-roots", "gokernel/keyboard.AddScancode", "-vectors", "", prog).CombinedOutput()
	if err != nil {
		t.Fatalf("ring0check: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "runtime calls: none") {
		t.Errorf("ring0check: %s", out)
	}
	t.Logf("%s", out)
}
