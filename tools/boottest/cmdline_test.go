package boottest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gokernel/tools/vm"
)

// The command line as a careless user types it: every option that takes
// a value warns about a bad one; test= with no name fails at once; only
// the kernel's own line counts against the length limit, not the path
// QEMU's loader puts first; too many words say which limit they hit.

func TestCommandLineWarnings(t *testing.T) {
	t.Parallel()
	res := vm.RunTest(t, vm.Options{Kernel: artifact(t, "kernel.elf"), Memory: "64M",
		Cmdline: "console=bogus ps2=maybe hz=5 keymap=xx shell=maybe console= ps2"}, "boot")
	expectLines(t, res,
		`^cmdline: console=bogus: not one of vga, fb, serial; ignored$`,
		`^cmdline: ps2=maybe: not one of force; ignored$`,
		`^cmdline: hz=5: not a number from 19 to 10000; using 1000$`,
		`^cmdline: keymap=xx: not one of us, uk, de, fr, dvorak, colemak; using us$`,
		`^cmdline: shell=maybe: not one of on, off; using on$`,
		`^cmdline: console=: no value; ignored$`,
		`^cmdline: ps2: no value; ignored$`)
}

// test= with no name (or test alone) stops the boot with the fail status
// before the runtime starts: a test run that names no test must not wait
// for one.
func TestCommandLineNoTestName(t *testing.T) {
	for _, line := range []string{"test=", "test"} {
		t.Run(line, func(t *testing.T) {
			t.Parallel()
			v := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf"), Memory: "64M", Cmdline: line, Timeout: 20 * time.Second})
			res, err := v.Wait()
			if err != nil {
				t.Fatal(err)
			}
			if !res.Failed() {
				t.Errorf("QEMU %s, want the fail status\n%s", res.Meaning(), res.Report())
			}
			expectLines(t, res, `^boot: test= names no test; test=list names them$`)
			if strings.Contains(res.Log, "go: runtime up") {
				t.Error("the runtime started")
			}
		})
	}
}

// QEMU's multiboot loader passes "PATH ARGS": a kernel in a deep
// directory must not shorten the line the user may type.
func TestCommandLineLongPath(t *testing.T) {
	t.Parallel()
	kernel, err := os.ReadFile(artifact(t, "kernel.elf"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for len(dir) < 900 {
		dir = filepath.Join(dir, strings.Repeat("d", 100))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "kernel.elf")
	if err := os.WriteFile(path, kernel, 0o644); err != nil {
		t.Fatal(err)
	}
	pad := "PAD=" + strings.Repeat("p", 600) // with test=boot: 615 bytes, under the limit
	res := vm.RunTest(t, vm.Options{Kernel: path, Memory: "64M", Cmdline: pad}, "boot")
	if strings.Contains(res.Log, "too long") {
		t.Errorf("a %d-byte path counted against the command line", len(path))
	}
}

// Too many words stop the boot naming the limit they hit.
func TestCommandLineTooManyWords(t *testing.T) {
	words := func(format string, n int) string {
		w := make([]string, n)
		for i := range w {
			w[i] = fmt.Sprintf(format, i)
		}
		return strings.Join(w, " ")
	}
	for _, tc := range []struct{ name, line, want string }{
		{"args", words("a%d", 70), `^boot: too many arguments \(words without '='\) on the command line: 70, the limit is 63$`},
		{"env", words("E%d=1", 70), `^boot: too many environment entries \(NAME=VALUE words\) on the command line: 71, the limit is 64$`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf"), Memory: "64M", Cmdline: tc.line + " test=boot", Timeout: 20 * time.Second})
			res, err := v.Wait()
			if err != nil {
				t.Fatal(err)
			}
			if !res.Failed() {
				t.Errorf("QEMU %s, want the fail status\n%s", res.Meaning(), res.Report())
			}
			expectLines(t, res, tc.want)
		})
	}
}
