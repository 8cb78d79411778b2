package ring

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// codegenMain instantiates the ring from another package, as the kernel
// does. It deliberately does not import sync/atomic: that is the case in
// which atomic.Uint64 methods were not inlined (see the Ring type).
const codegenMain = `package main

import "gokernel/task/ring"

type big [200]byte

func main() {
	r8, _ := ring.New[uint8](3)
	r64, _ := ring.New[uint64](64)
	rb, _ := ring.New[big](2)
	r8.Push(1)
	r64.Push(2)
	rb.Push(big{})
	a, _ := r8.Pop()
	b, _ := r64.Pop()
	c, _ := rb.Pop()
	println(a, b, c[0], r8.Len(), r64.Len(), rb.Len(), r8.Cap())
}
`

// TestCodegen builds a program that uses Ring[uint8], Ring[uint64] and
// Ring[[200]byte] from another package and checks the machine code of
// Push, Pop and Len: no CALL instructions at all (so no runtime calls, no
// stack-growth check, no panics), LOCK CMPXCHGQ in Push and Pop (the
// sync/atomic intrinsics are in place), and no bounds checks left in the
// package (-d=ssa/check_bce). It needs the go command and skips with
// -short.
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
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(goCmd, args...)
		cmd.Dir = wd
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	prog := filepath.Join(tmp, "prog")
	out := run("build", "-overlay", overlayFile, "-o", prog,
		"-gcflags=gokernel/task/ring/...=-d=ssa/check_bce/debug=1", "./codegencheck")
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "ring.go") && strings.Contains(line, "Found Is") {
			t.Errorf("bounds check left: %s", line)
		}
	}

	dis := run("tool", "objdump", "-s", `ring\.\(\*Ring\[go\.shape\.`, prog)
	funcs := map[string]string{} // name -> body
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
	check := regexp.MustCompile(`ring\.\(\*Ring\[go\.shape\.(uint8|uint64|\[200\]uint8)\]\)\.(Push|Pop|Len)\(SB\)$`)
	seen := 0
	for name, body := range funcs {
		m := check.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		seen++
		for _, line := range strings.Split(body, "\n") {
			if strings.Contains(line, "CALL") {
				t.Errorf("%s calls: %s", name, strings.Join(strings.Fields(line), " "))
			}
		}
		if m[2] != "Len" && !strings.Contains(body, "LOCK CMPXCHGQ") {
			t.Errorf("%s has no LOCK CMPXCHGQ: atomics not intrinsified?", name)
		}
	}
	if seen != 9 {
		t.Errorf("found %d of the 9 Push/Pop/Len instances in the disassembly", seen)
	}
}
