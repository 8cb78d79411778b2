package vm

import (
	"errors"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// missing skips a test whose tools are absent on a developer's machine,
// but fails it under CI (CI=true), where a skip would hide a broken setup.
func missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func needTools(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			missing(t, "%s not installed; the VM tests need it", tool)
		}
	}
}

var empty struct {
	once sync.Once
	path string
	err  error
}

// emptyELF builds build/empty.elf once per test binary; make keeps it
// cheap when other packages' tests build it too. The file target, not a
// phony name, is what the Makefile is sure to keep.
func emptyELF(t testing.TB) string {
	t.Helper()
	needTools(t, "make", "as", "ld", QEMUBinary)
	empty.once.Do(func() {
		root, err := filepath.Abs("../..")
		if err != nil {
			empty.err = err
			return
		}
		out, err := exec.Command("make", "-C", root, "build/empty.elf").CombinedOutput()
		if err != nil {
			empty.err = fmt.Errorf("make build/empty.elf: %v\n%s", err, out)
			return
		}
		empty.path = filepath.Join(root, "build", "empty.elf")
	})
	if empty.err != nil {
		t.Fatal(empty.err)
	}
	return empty.path
}

func TestKernelBoot(t *testing.T) {
	t.Parallel()
	logDir := t.TempDir()
	v := StartT(t, Options{Kernel: emptyELF(t), Cmdline: "test=boot", LogDir: logDir})
	line, err := v.ExpectTimed("empty: ok", 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	res, err := v.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if !res.Passed() {
		t.Fatalf("want PASS, got %s\n%s", res.Meaning(), res.Report())
	}
	if line.Text != "empty: ok" || line.At <= 0 || line.At > res.Elapsed {
		t.Errorf("line %v: want %q between 0 and the exit at %v", line, "empty: ok", res.Elapsed)
	}
	t.Logf("-kernel: %q at %v, QEMU exit at %v", line.Text, line.At.Round(time.Millisecond), res.Elapsed.Round(time.Millisecond))

	log, err := os.ReadFile(filepath.Join(logDir, "TestKernelBoot.log"))
	if err != nil || string(log) != res.Log || !strings.Contains(res.Log, "empty: ok") {
		t.Errorf("serial log file: %q, %v; want %q", log, err, res.Log)
	}
}

func TestISO(t *testing.T) {
	t.Parallel()
	kernel := emptyELF(t)
	needTools(t, "grub-mkrescue", "xorriso", "mformat")
	iso := filepath.Join(t.TempDir(), "empty.iso")
	start := time.Now()
	if err := BuildISO(kernel, "test=iso", iso); err != nil {
		t.Fatal(err)
	}
	t.Logf("BuildISO: %v", time.Since(start).Round(time.Millisecond))

	for _, fw := range []Firmware{SeaBIOS, OVMF} {
		t.Run(fw.String(), func(t *testing.T) {
			t.Parallel()
			if fw == OVMF {
				if _, err := os.Stat(OVMFPath); err != nil {
					missing(t, "OVMF (Debian package ovmf): %v", err)
				}
			}
			v := StartT(t, Options{ISO: iso, Firmware: fw})
			line, err := v.ExpectTimed("empty: ok", 0)
			if err != nil {
				t.Fatal(err)
			}
			res, err := v.Wait()
			if err != nil {
				t.Fatal(err)
			}
			if !res.Passed() {
				t.Fatalf("want PASS, got %s\n%s", res.Meaning(), res.Report())
			}
			t.Logf("%v ISO: %q at %v, QEMU exit at %v", fw, line.Text, line.At.Round(time.Millisecond), res.Elapsed.Round(time.Millisecond))
		})
	}
}

func TestExpectFailures(t *testing.T) {
	t.Parallel()
	kernel := emptyELF(t)

	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		// -S holds the guest before its first instruction: a VM that
		// runs but never prints.
		v := StartT(t, Options{Kernel: kernel, Args: []string{"-S"}})
		_, err := v.Expect("never printed", 300*time.Millisecond)
		if !errors.Is(err, ErrTimeout) {
			t.Fatalf("want ErrTimeout, got %v", err)
		}
		for _, want := range []string{`"never printed" not seen within 300ms`, "still running", "command: ", " -S", "serial log, last 0 of 0 lines"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error lacks %q:\n%v", want, err)
			}
		}
		v.Kill()
		res, err := v.Wait()
		if err != nil || !res.Killed || !strings.Contains(res.Meaning(), "killed by Kill") {
			t.Errorf("after Kill: %v, %s", err, res.Meaning())
		}
	})

	t.Run("exited", func(t *testing.T) {
		t.Parallel()
		v := StartT(t, Options{Kernel: kernel})
		_, err := v.Expect("never printed", 10*time.Second)
		if !errors.Is(err, ErrExited) {
			t.Fatalf("want ErrExited, got %v", err)
		}
		for _, want := range []string{"status 33: PASS", "serial log, last 1 of 1 lines", "empty: ok"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error lacks %q:\n%v", want, err)
			}
		}
	})

	t.Run("vm timeout", func(t *testing.T) {
		t.Parallel()
		v := StartT(t, Options{Kernel: kernel, Args: []string{"-S"}, Timeout: 300 * time.Millisecond})
		res, err := v.Wait()
		if !errors.Is(err, ErrTimeout) || !res.TimedOut || res.Passed() {
			t.Fatalf("want a timeout, got %v (%s)", err, res.Meaning())
		}
		if !strings.Contains(err.Error(), "killed by the 300ms timeout") {
			t.Errorf("error lacks the timeout:\n%v", err)
		}
	})
}

func TestQMP(t *testing.T) {
	t.Parallel()
	kernel := emptyELF(t)
	v := StartT(t, Options{Kernel: kernel, QMP: true, Args: []string{"-S"}})

	status, err := v.RunQMP("query-status", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(status), `"prelaunch"`) {
		t.Errorf("query-status: %s", status)
	}

	shot := filepath.Join(t.TempDir(), "screen.png")
	if err := v.Screendump(shot); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil || cfg.Width == 0 || cfg.Height == 0 {
		t.Errorf("screendump: %+v, %v", cfg, err)
	}

	if err := v.SendKeys("ret", "shift-a"); err != nil {
		t.Error(err)
	}
	if err := v.SendKeys("no-such-key"); err == nil {
		t.Error("SendKeys accepted an unknown qcode")
	}

	if _, err := v.RunQMP("cont", nil); err != nil {
		t.Fatal(err)
	}
	if res, err := v.Wait(); err != nil || !res.Passed() {
		t.Fatalf("after cont: %v\n%s", err, res.Report())
	}
}

func TestReset(t *testing.T) {
	t.Parallel()
	// With -no-reboot a reset request ends QEMU with status 0, the same
	// way a triple fault does.
	v := StartT(t, Options{Kernel: emptyELF(t), QMP: true, Args: []string{"-S"}})
	if _, err := v.RunQMP("system_reset", nil); err != nil {
		t.Fatal(err)
	}
	res, err := v.Wait()
	if err != nil || !res.Reset() || !strings.Contains(res.Meaning(), "guest reset (triple fault?)") {
		t.Fatalf("want a reset, got %v, %s", err, res.Meaning())
	}
}

func TestQEMUError(t *testing.T) {
	t.Parallel()
	v := StartT(t, Options{Kernel: emptyELF(t), Args: []string{"-no-such-option"}})
	res, err := v.Wait()
	if err != nil || res.Status != 1 {
		t.Fatalf("want status 1, got %v, %s", err, res.Meaning())
	}
	if r := res.Report(); !strings.Contains(r, "QEMU error") || !strings.Contains(r, "QEMU stderr:") || !strings.Contains(r, "-no-such-option") {
		t.Errorf("report lacks QEMU's complaint:\n%s", r)
	}
}

// TestExpectSemantics drives the serial log directly: partial lines,
// consumption and regexp submatches need no guest.
func TestExpectSemantics(t *testing.T) {
	v := &VM{done: make(chan struct{}), start: time.Now(), opts: Options{Name: "fake"}}
	v.serial.init()
	write := func(s string) {
		v.mu.Lock()
		v.serial.write([]byte(s), v.Since())
		v.mu.Unlock()
	}

	write("\x1b[2Jboot\r\nprompt> ")
	if l, err := v.Expect("prompt>", time.Second); err != nil || l != "prompt> " {
		t.Fatalf("partial line: %q, %v", l, err)
	}
	write("ls\nA\nB\n")
	if _, err := v.Expect("A", time.Second); err != nil {
		t.Fatal(err)
	}
	// The prompt line was consumed by the first Expect.
	if _, err := v.Expect("prompt", 50*time.Millisecond); !errors.Is(err, ErrTimeout) {
		t.Fatalf("consumed line matched again: %v", err)
	}
	if m, err := v.ExpectRegexp(regexp.MustCompile(`^(\w)$`), time.Second); err != nil || m[1] != "B" {
		t.Fatalf("regexp after A: %q, %v", m, err)
	}

	write("val=12")
	re := regexp.MustCompile(`val=(\d+)$`)
	if m, err := v.ExpectRegexp(re, 50*time.Millisecond); !errors.Is(err, ErrTimeout) {
		t.Fatalf("regexp matched an unfinished line: %q, %v", m, err)
	}
	go func() {
		time.Sleep(20 * time.Millisecond)
		write("3\n")
	}()
	if m, err := v.ExpectRegexp(re, time.Second); err != nil || m[1] != "123" {
		t.Fatalf("regexp on the finished line: %q, %v", m, err)
	}
	lines := v.Lines()
	if len(lines) != 5 || lines[0].Text != "boot" || lines[1].Text != "prompt> ls" {
		t.Errorf("lines: %v", lines)
	}
}

// recordTB captures RunTest's verdict instead of failing the real test.
type recordTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recordTB) Helper() {}

func (r *recordTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recordTB) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.errs) > 0
}

func TestRunTestWantsPassLine(t *testing.T) {
	t.Parallel()
	rec := &recordTB{TB: t}
	res := RunTest(rec, Options{Kernel: emptyELF(t)}, "x")
	if !res.Passed() || len(rec.errs) != 1 {
		t.Fatalf("want status 33 and one error, got %s and %q", res.Meaning(), rec.errs)
	}
	for _, want := range []string{`"test x: PASS" is missing`, "status 33: PASS", "command: ", "-append test=x", "empty: ok"} {
		if !strings.Contains(rec.errs[0], want) {
			t.Errorf("error lacks %q:\n%s", want, rec.errs[0])
		}
	}
}

func TestPassLine(t *testing.T) {
	re := passLine("a.b")
	for s, want := range map[string]bool{
		"test a.b: PASS":          true,
		"[ 0.1] test a.b: PASS  ": true,
		"subtest a.b: PASS":       false,
		"test a.b: PASSED":        false,
		"test aXb: PASS":          false,
		"test a.b: FAIL":          false,
	} {
		if got := re.MatchString(s); got != want {
			t.Errorf("%q: got %v, want %v", s, got, want)
		}
	}
}

func TestStripANSI(t *testing.T) {
	for in, want := range map[string]string{
		"\x1b[H\x1b[J\x1b[1;1H  Booting `gokernel'\r": "  Booting `gokernel'",
		"\x1b[0m\x1b[35m\x1b[40mBdsDxe\x1b[?25l":      "BdsDxe",
		"ab\b \bc":                                    "ac",
		"\x1b]0;title\x07x\x1b(By\x1bcz":              "xyz",
		"tab\tkept, ünïcode kept\x00":                 "tab\tkept, ünïcode kept",
		"cut \x1b[1;3":                                "cut ",
	} {
		if got := StripANSI(in); got != want {
			t.Errorf("StripANSI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGrubConfig(t *testing.T) {
	cfg, err := GrubConfig("  test=a   x=$y;z ")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cfg, "\n    multiboot2 /boot/kernel.elf 'test=a' 'x=$y;z'\n") {
		t.Errorf("grub.cfg:\n%s", cfg)
	}
	for _, bad := range []string{`a="b c"`, "a='b'", `a\b`, "a\nb"} {
		if _, err := GrubConfig(bad); err == nil {
			t.Errorf("GrubConfig(%q) accepted", bad)
		}
	}
}

func TestShellQuote(t *testing.T) {
	got := shellQuote([]string{"qemu", "-append", "a b", "it's", "", "x=1,y"})
	if want := `qemu -append 'a b' 'it'\''s' '' x=1,y`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestOptionsRejected(t *testing.T) {
	f := filepath.Join(t.TempDir(), "k.elf")
	if err := os.WriteFile(f, []byte("\x7fELF"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, o := range map[string]Options{
		"none":         {},
		"both":         {Kernel: f, ISO: f},
		"iso cmdline":  {ISO: f, Cmdline: "a"},
		"ovmf kernel":  {Kernel: f, Firmware: OVMF},
		"missing file": {Kernel: f + ".missing"},
	} {
		if _, err := Start(o); err == nil {
			t.Errorf("%s: Start accepted %+v", name, o)
		}
	}
}
