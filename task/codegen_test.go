package task

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// codegenMain uses the interrupt-safe functions from another package, as
// the kernel will, and keeps their bodies in the binary with method
// expressions (calls alone might all be inlined).
const codegenMain = `package main

import "gokernel/task"

var (
	wake       = task.Waker.Wake
	atomicWake = (*task.AtomicWaker).Wake
	queueEmpty = (*task.Executor).QueueEmpty
)

func main() {
	e, _ := task.NewExecutor(4, nil)
	var aw task.AtomicWaker
	e.Spawn(task.FutureFunc[struct{}](func(cx *task.Context) (struct{}, bool) {
		aw.Register(cx.Waker())
		wake(cx.Waker())
		atomicWake(&aw)
		return struct{}{}, true
	}))
	println(queueEmpty(e))
	e.Run()
}
`

// interruptRoots are the functions an interrupt handler (or an idle
// function with interrupts off) may call.
var interruptRoots = []string{
	"gokernel/task.Waker.Wake",
	"gokernel/task.(*AtomicWaker).Wake",
	"gokernel/task.(*Executor).QueueEmpty",
}

// TestCodegen builds a linux/amd64 program that uses Waker.Wake,
// AtomicWaker.Wake and Executor.QueueEmpty and runs tools/ring0check on it
// with them as roots: the machine code reachable from them must make no
// runtime call beyond the checker's allow-list (memmove,
// memclrNoHeapPointers, memequal), so no stack-growth check (they are
// nosplit), no write barrier, no allocation and no panic. It needs the go
// command and skips with -short.
func TestCodegen(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program with the go command")
	}
	ring0check(t, "codegencheck", codegenMain, interruptRoots)
}

// ring0check builds main (a program in the module, in directory dir of
// this package through -overlay, so nothing is written to the tree) and
// runs tools/ring0check on it with roots.
func ring0check(t *testing.T, dir, main string, roots []string) {
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
	mainGo := filepath.Join(tmp, "main.go")
	if err := os.WriteFile(mainGo, []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	overlay, _ := json.Marshal(map[string]map[string]string{
		"Replace": {filepath.Join(wd, dir, "main.go"): mainGo},
	})
	overlayFile := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command(goCmd, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	prog := filepath.Join(tmp, "prog")
	run(wd, "build", "-overlay", overlayFile, "-o", prog, "./"+dir)
	checker := filepath.Join(tmp, "ring0check")
	run(moduleRoot, "build", "-o", checker, "./tools/ring0check")
	cmd := exec.Command(checker, "-roots", strings.Join(roots, ","), "-vectors", "", prog)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ring0check: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
