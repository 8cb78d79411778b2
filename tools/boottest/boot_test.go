// Package boottest boots build/kernel.elf in QEMU and checks what it prints
// on COM1 and how QEMU exits. Build the images first (make kernel iso
// build/empty.elf); `make test` does.
package boottest

import (
	"debug/elf"
	"fmt"
	"go/build"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"gokernel/tools/vm"
)

var root = func() string {
	r, _ := filepath.Abs("../..")
	return r
}()

// buildDir is where the images are: build/, or GOKERNEL_BUILD (make test-go
// builds each Go release into its own directory).
func buildDir() string {
	if d := os.Getenv("GOKERNEL_BUILD"); d != "" {
		return d
	}
	return filepath.Join(root, "build")
}

// RequireEnv, set by make test-qemu, makes a missing image a failure;
// without it the tests skip, so that go test ./... passes on a fresh
// clone, which has no images.
const RequireEnv = "GOKERNEL_REQUIRE_IMAGES"

func missingImage(p string) string {
	return fmt.Sprintf("%s is missing: `make test-qemu` builds the images and runs these tests", p)
}

// TestMain skips the whole package, in one line, when there is no
// kernel.elf to boot.
func TestMain(m *testing.M) {
	p := filepath.Join(buildDir(), "kernel.elf")
	if _, err := os.Stat(p); err != nil && os.Getenv(RequireEnv) == "" {
		fmt.Println("boottest: skipped: " + missingImage(p))
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func artifact(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(buildDir(), name)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv(RequireEnv) == "" {
			t.Skip(missingImage(p))
		}
		t.Fatal(missingImage(p))
	}
	return p
}

// expectLines fails t unless every pattern matches some line of res.
func expectLines(t *testing.T, res vm.Result, patterns ...string) {
	t.Helper()
	for _, p := range patterns {
		re := regexp.MustCompile(p)
		found := false
		for _, l := range res.Lines {
			if re.MatchString(l.Text) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no line matches %q\n%s", p, res.Report())
		}
	}
}

const runtimeUp = `^go: runtime up \(go1\.\d+(\.\d+)?\)$`

// The in-kernel tests that pass, by -kernel (multiboot1, SeaBIOS).
func TestKernelTests(t *testing.T) {
	kernel := artifact(t, "kernel.elf")
	for _, tc := range []struct {
		name  string
		lines []string
	}{
		{"boot", []string{`^boot: multiboot1$`, `^mem: \d+ MiB usable RAM`, runtimeUp,
			`^console: serial and screen ok$`, `^console: stderr ok$`}},
		{"runtime", []string{`^runtime: \d+ GC cycles, \d+ MiB allocated in total`}},
		{"breakpoint", []string{`^kernel: breakpoint at 0x[0-9a-f]+ gokernel/kernel/ktest\.int3(\.abi0)?\+0x[0-9a-f]+; continuing$`, `^breakpoint: 2 reported, resumed 2 times$`}},
		{"nilderef", []string{`^nil dereference: recovered "runtime error: invalid memory address or nil pointer dereference"$`}},
		{"divzero", []string{`^DIVQ by zero \(#DE\): recovered "runtime error: integer divide by zero"$`}},
		{"exceptions", []string{`^#PF at 0xdead0000: recovered`, `^#GP at a non-canonical address: recovered`, `^exceptions: alive after`}},
		{"kernelint3", []string{`^kernel: breakpoint at 0x[0-9a-f]+ gokernel/kernel/kcall\.int3`, `^kernel: unexpected interrupt 129$`, `^kernel int3: resumed$`}},
		{"goroutines", []string{`^goroutines: 50000 round trips between 10000 goroutines; mutex counter 100000$`}},
		{"gc", []string{`^gc: 10\d\d MiB allocated, \d+ GC cycles`}},
		{"reserve", []string{`^reserve: 1 GiB reserved`}},
		{"preempt", []string{`^preempt: tick 9 at `, `^preempt: thread preemptions [1-9]`}},
		{"idle", []string{`^idle: \d+ HLT wake-ups per second$`}},
		{"badcalls", []string{`^sys: futex op 0x4d not supported -> ENOSYS$`,
			`^sys: clone flags 0x0 not supported \(threads only\) -> EINVAL$`,
			`^sys: epoll_ctl op 99 not supported -> EINVAL$`, `^badcalls: every bad call failed`}},
		{"threads", []string{`^threads: main thread \d+ and 4 locked threads \[\d+ \d+ \d+ \d+\] passed a token 800 times$`}},
		{"firmware", []string{`^machine: QEMU Standard PC \(i440FX \+ PIIX, 1996\) \(pc-i440fx-[0-9.]+\), BIOS SeaBIOS`,
			`^smbios: [23]\.\d+(\.\d+)? at 0x[0-9a-f]+ \(BIOS area\)`, `^acpi: RSDP rev \d .*RSDT: FACP DSDT`}},
		{"enosys", []string{`^sys: unknown system call 183 \(afs_syscall\) -> ENOSYS$`,
			`^sys: unknown system call 999 -> ENOSYS$`, `^sys: unknown system call 100000 -> ENOSYS$`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := vm.RunTest(t, vm.Options{Kernel: kernel, Memory: "64M"}, tc.name)
			expectLines(t, res, tc.lines...)
			if tc.name == "kernelint3" && strings.Count(res.Log, "unexpected interrupt 129") != 1 {
				t.Errorf("vector 129 reported %d times, want once", strings.Count(res.Log, "unexpected interrupt 129"))
			}
			if tc.name == "enosys" {
				// Logged once per number, though each was called twice,
				// below and above the 512 numbers the kernel counts.
				for _, nr := range []string{"183 ", "999 ", "100000 "} {
					if n := strings.Count(res.Log, "unknown system call "+nr); n != 1 {
						t.Errorf("call %s logged %d times, want once", nr, n)
					}
				}
			}
		})
	}
}

// TestTiming runs the tests that measure time, one at a time and before the
// parallel tests start (Go runs parallel tests only after the sequential
// ones): with other VMs competing for the host's CPUs, QEMU's emulated PIT
// drops ticks the vCPU cannot take in time, which says nothing about the
// kernel.
func TestTiming(t *testing.T) {
	kernel := artifact(t, "kernel.elf")
	for _, tc := range []struct {
		name, cmdline string
		lines         []string
	}{
		// The 8254 through the PICs, and its tick race.
		{"ticks", "apic=off", []string{`^timer: PIT, 1000 Hz tick$`, `^ticks: \d+ ticks at 1000 Hz = \d+ms; TSC clock [0-9.]+ms; ratio [01]\.\d+$`,
			`^ticks: tick stopped with one pending \(one-shot run out: false\): [0-2] ticks`,
			`^ticks: tick stopped with one pending \(one-shot run out: true\): (49|50|51|52) ticks`}},
		// The local APIC's timer.
		{"ticks", "", []string{`^timer: LAPIC one-shot at \d+ MHz, 1000 Hz tick$`, `^ticks: \d+ ticks at 1000 Hz = \d+ms; TSC clock [0-9.]+ms; ratio [01]\.\d+$`,
			`^ticks: the timer is not the 8254 on the PIC: no tick race to check$`}},
		{"sleep", "", []string{`^sleep: time\.Sleep\(50ms\) took`, `^sleep: 20 ticks of a 10 ms ticker took`}},
		{"timers", "", []string{`^timers: 1000 sleeping tasks woke in deadline order within [0-9.]+m?s; latest [0-9.]+[mµ]?s late; \d+ halts, \d+ ended by the timer, for 100 deadlines on \d+ CPUs \(\d+ wake-up IPIs\)$`,
			`^timers: 20 ticks of a 10 ms ticker took \d+ms$`}},
	} {
		t.Run(tc.name+"/"+tc.cmdline, func(t *testing.T) {
			res := runTiming(t, vm.Options{Kernel: kernel, Memory: "64M", Cmdline: tc.cmdline}, tc.name)
			expectLines(t, res, tc.lines...)
		})
	}
	// The vDSO makes time.Now() a function call; novdso makes it a system
	// call again. Both must work, and the vDSO must be the faster.
	var perCall [2]int
	for i, opt := range []string{"", "novdso"} {
		t.Run("clock"+opt, func(t *testing.T) {
			res := vm.RunTest(t, vm.Options{Kernel: kernel, Memory: "64M", Cmdline: opt}, "clock")
			re := regexp.MustCompile(`^clock: time\.Now\(\) (\d+) ns through the (vDSO|system call \(novdso\))`)
			for _, l := range res.Lines {
				if m := re.FindStringSubmatch(l.Text); m != nil {
					fmt.Sscan(m[1], &perCall[i])
					if want := map[string]string{"": "vDSO", "novdso": "system call (novdso)"}[opt]; m[2] != want {
						t.Errorf("clock read through %q, want %q", m[2], want)
					}
				}
			}
			if perCall[i] == 0 {
				t.Errorf("no clock line\n%s", res.Report())
			}
		})
	}
	if perCall[0] >= perCall[1] {
		t.Errorf("time.Now() costs %d ns with the vDSO, %d ns without: the vDSO is not used", perCall[0], perCall[1])
	}
}

// Tests that end the kernel on purpose: each must print its report and make
// QEMU exit with the fail status, never reset (a triple fault) or hang.
func TestFatalTests(t *testing.T) {
	kernel := artifact(t, "kernel.elf")
	kernelReport := []string{`^  rip 0x[0-9a-f]+ \S+\+0x[0-9a-f]+$`, `^  code( [0-9a-f]{2}){15}$`,
		`^  rax=0x`, `^  call trace:$`, `^    0x[0-9a-f]+ main\.dispatch\+0x`}
	for _, tc := range []struct {
		name  string
		lines []string
	}{
		{"kernelfault", append([]string{
			`^kernel: fault in the kernel \(ring 0\): page fault \(vector 14\), error code 0x0 \(page not present, read, supervisor\)$`,
			`^  address \(cr2\) 0xffffff7fdead0000$`,
			`^  rip 0x[0-9a-f]+ gokernel/kernel/kcall\.testPageFault\+0x`,
			`^  instruction at rip: MOVQ `,
			`^kernel: stopped after the fault above$`}, kernelReport...)},
		{"doublefault", append([]string{
			`^kernel: double fault \(vector 8\)`,
			`^  rip 0x[0-9a-f]+ gokernel/kernel/kcall\.overflowStack(\.abi0)?\+0x`,
			`^  instruction at rip: PUSH`,
			`^kernel: stopped after the fault above$`}, kernelReport...)},
		{"consolefault", []string{`^kernel: fault in the kernel \(ring 0\): page fault`, `^  address \(cr2\) 0xffffff7fdead0000$`}},
		{"faultinfault", []string{`^kernel: double fault: another fault while handling a kernel fault: page fault`,
			`^  rip 0x[0-9a-f]+ gokernel/kernel/trap\.faultNow\+0x`}},
		{"invalidopcode", []string{`^SIGILL: illegal instruction$`, `^gokernel/kernel/ktest\.ud2\(\)$`}},
		{"lockorder", []string{`^kernel: lock order violated: took the lock at level 1 while holding level 0 2 \(1 so far\); stopped$`}},
		{"lockswitch", []string{`^kernel: a lock is held across a thread switch: level 1; stopped$`}},
		{"oom", []string{oomPattern}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := vm.StartT(t, vm.Options{Kernel: kernel, Memory: "64M", Cmdline: "test=" + tc.name})
			res, err := v.Wait()
			if err != nil {
				t.Fatal(err)
			}
			if !res.Failed() {
				t.Errorf("QEMU %s, want the fail status 35\n%s", res.Meaning(), res.Report())
			}
			expectLines(t, res, tc.lines...)
		})
	}
}

// oomMessages are the fatal errors the Go runtime (go1.26, linux/amd64)
// can end with when memory runs out: every throw of an out-of-memory
// message in $GOROOT/src/runtime, printed as "fatal error: MSG". Which
// one comes depends on which allocation fails first, which varies from
// run to run: the heap ("out of memory" from mcache.go, stack.go,
// string.go, mgcwork.go and after mheap.go's "runtime: out of memory:
// cannot allocate N-byte block"), a stack ("out of memory (stackalloc)",
// stack.go), the mmap of heap memory ("runtime: out of memory",
// mem_linux.go sysMapOS and sysUsedOS), the heap's own metadata
// (malloc.go's "out of memory allocating heap arena map", "... heap
// arena metadata", "... allArenas"; mcheckmark.go's "... checkmarks
// bitmap"; mpagealloc.go's "pageAlloc: out of memory"), off-heap
// allocations ("runtime: cannot allocate memory": malloc.go
// persistentalloc, mheap.go, mprof.go), and the tracer and heap dump
// ("traceRegion: out of memory", "trace: out of memory", "heapdump: out
// of memory").
var oomMessages = []string{
	"out of memory",
	"out of memory (stackalloc)",
	"runtime: out of memory",
	"out of memory allocating heap arena map",
	"out of memory allocating heap arena metadata",
	"out of memory allocating allArenas",
	"out of memory allocating checkmarks bitmap",
	"pageAlloc: out of memory",
	"runtime: cannot allocate memory",
	"traceRegion: out of memory",
	"trace: out of memory",
	"heapdump: out of memory",
}

// oomPattern matches a line with any of oomMessages.
var oomPattern = func() string {
	q := make([]string, len(oomMessages))
	for i, m := range oomMessages {
		q[i] = regexp.QuoteMeta(m)
	}
	return `^fatal error: (` + strings.Join(q, "|") + `)$`
}()

// An unrecovered panic reaches the serial port as Go prints it, with a
// traceback naming the function, and QEMU exits with the fail status.
func TestPanic(t *testing.T) {
	t.Parallel()
	v := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf"), Cmdline: "test=panic"})
	res, err := v.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if !res.Failed() {
		t.Errorf("QEMU %s, want the fail status 35", res.Meaning())
	}
	expectLines(t, res, `^panic: boom$`, `^goroutine 1 \[running\]:$`, `^gokernel/kernel/ktest\.panicNow\(\)$`,
		`^\s+gokernel/kernel/ktest/runtime\.go:\d+ \+0x[0-9a-f]+$`)
}

func TestList(t *testing.T) {
	t.Parallel()
	v := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf"), Cmdline: "test=list"})
	r, _ := v.Wait()
	expectLines(t, r, `^tests: (\w+ )*boot (\w+ )*panic (\w+ )*runtime( \w+)*$`)
	if !r.Passed() {
		t.Errorf("test=list: QEMU %s", r.Meaning())
	}
}

func TestUnknownTest(t *testing.T) {
	t.Parallel()
	v := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf"), Cmdline: "test=nosuchtest"})
	res, _ := v.Wait()
	if !res.Failed() {
		t.Errorf("QEMU %s, want the fail status", res.Meaning())
	}
	expectLines(t, res, `^test nosuchtest: FAIL unknown test`)
}

// A command line longer than the kernel keeps is refused at boot with a
// message and the fail status, not truncated silently.
func TestCommandLineTooLong(t *testing.T) {
	t.Parallel()
	long := "test=boot " + strings.Repeat("x", 2000)
	v := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf"), Cmdline: long})
	res, _ := v.Wait()
	if !res.Failed() {
		t.Errorf("QEMU %s, want the fail status", res.Meaning())
	}
	expectLines(t, res, `^boot: command line too long: \d+ bytes, the limit is 1023$`)
}

// Without test=, the kernel boots, prints its lines, runs the example task
// and waits for keys: QEMU keeps running.
func TestRunMode(t *testing.T) {
	t.Parallel()
	v := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf")})
	for _, m := range []string{"boot: multiboot1", "go: runtime up (go1.", "ready", "async number: 42"} {
		if _, err := v.Expect(m, 30*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-v.Done():
		res, _ := v.Wait()
		t.Fatalf("QEMU exited (%s); the kernel should keep running", res.Meaning())
	case <-time.After(500 * time.Millisecond):
	}
}

// The same image booted by GRUB from an ISO (multiboot2), under SeaBIOS and
// under OVMF (UEFI).
func TestISO(t *testing.T) {
	kernel := artifact(t, "kernel.elf")
	iso := filepath.Join(t.TempDir(), "boot.iso")
	if err := vm.BuildISO(kernel, "test=boot", iso); err != nil {
		t.Fatal(err)
	}
	for _, fw := range []vm.Firmware{vm.SeaBIOS, vm.OVMF} {
		t.Run(fw.String(), func(t *testing.T) {
			t.Parallel()
			res := vm.RunTest(t, vm.Options{ISO: iso, Firmware: fw, Timeout: 3 * time.Minute}, "boot")
			expectLines(t, res, `^boot: multiboot2$`, runtimeUp)
		})
	}
}

// The ISO that `make iso` builds boots as it is.
func TestMakeISO(t *testing.T) {
	t.Parallel()
	v := vm.StartT(t, vm.Options{ISO: artifact(t, "kernel.iso")})
	for _, m := range []string{"boot: multiboot2", "go: runtime up (go1."} {
		if _, err := v.Expect(m, 60*time.Second); err != nil {
			t.Fatal(err)
		}
	}
}

// The console writes the VGA text screen too: read it back from guest
// memory through the QEMU monitor, and save a screenshot to look at.
func TestScreen(t *testing.T) {
	t.Parallel()
	v := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf"), QMP: true})
	if _, err := v.Expect("async number: 42", 30*time.Second); err != nil {
		t.Fatal(err)
	}
	text, err := screenText(v)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"boot: multiboot1", "go: runtime up (go1.", "ready", "async number: 42"} {
		if !strings.Contains(text, want) {
			t.Errorf("screen lacks %q; it shows:\n%s", want, text)
		}
	}
	png := filepath.Join(root, "build", "screen-kernel.png")
	if err := v.Screendump(png); err != nil {
		t.Error(err)
	}
}

// screenText reads the 80x25 VGA text buffer at 0xB8000 (character bytes
// at even addresses) with the monitor's xp command.
func screenText(v *vm.VM) (string, error) {
	out, err := v.RunQMP("human-monitor-command", map[string]string{"command-line": "xp /2000hx 0xb8000"})
	if err != nil {
		return "", err
	}
	var s string
	if err := jsonString(out, &s); err != nil {
		return "", err
	}
	var cells []byte
	for _, line := range strings.Split(s, "\n") {
		_, rest, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		for _, f := range strings.Fields(rest) {
			var h uint16
			if _, err := fmt.Sscanf(f, "0x%x", &h); err == nil {
				cells = append(cells, byte(h))
			}
		}
	}
	if len(cells) != 2000 {
		return "", fmt.Errorf("read %d screen cells, want 2000", len(cells))
	}
	var b strings.Builder
	for r := 0; r < 25; r++ {
		b.WriteString(strings.TrimRight(string(cells[r*80:(r+1)*80]), " \x00"))
		b.WriteByte('\n')
	}
	return b.String(), nil
}

// The header checks that `make kernel` runs, here as a test too.
func TestHeaders(t *testing.T) {
	kernel := artifact(t, "kernel.elf")
	cmd := exec.Command("go", "run", "./tools/hdrcheck", kernel)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("hdrcheck: %v\n%s", err, out)
	}
	for _, want := range []string{"multiboot1 u-root multiboot.Probe: ok", "grub-file --is-x86-multiboot: ok", "grub-file --is-x86-multiboot2: ok"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("hdrcheck output lacks %q:\n%s", want, out)
		}
	}
}

// TestOOMMessages checks oomMessages against the runtime's source: every
// throw of an out-of-memory message in the runtime the kernel is built
// with (linux/amd64 files) must be in the list, and every message in the
// list must match oomPattern, which "fatal error: newosproc" must not.
func TestOOMMessages(t *testing.T) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "src", "runtime")
	ctx := build.Default
	ctx.GOOS, ctx.GOARCH, ctx.CgoEnabled = "linux", "amd64", false
	pkg, err := ctx.ImportDir(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	throw := regexp.MustCompile(`throw\("([^"]*(out of memory|cannot allocate memory)[^"]*)"\)`)
	known := map[string]bool{}
	for _, m := range oomMessages {
		known[m] = true
	}
	found := 0
	for _, f := range pkg.GoFiles {
		src, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range throw.FindAllStringSubmatch(string(src), -1) {
			found++
			if !known[m[1]] {
				t.Errorf("%s: the runtime throws %q, which oomMessages lacks", f, m[1])
			}
		}
	}
	if found < 10 {
		t.Errorf("found only %d out-of-memory throws in %s: is the pattern stale?", found, dir)
	}
	re := regexp.MustCompile(oomPattern)
	for _, m := range oomMessages {
		if !re.MatchString("fatal error: " + m) {
			t.Errorf("oomPattern rejects %q", m)
		}
	}
	if re.MatchString("fatal error: newosproc") {
		t.Error("oomPattern accepts newosproc")
	}
}

// TestImageBSS keeps the Go image's bss small: it is kernel memory,
// identity mapped and taken from RAM at boot, so one import can cost the
// machine dozens of MiB (crypto/rand's DRBG brings a 32 MiB array).
func TestImageBSS(t *testing.T) {
	f, err := elf.Open(artifact(t, "go.elf"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const limit = 4 << 20
	var bss uint64
	in := map[elf.SectionIndex]bool{}
	for i, s := range f.Sections {
		if s.Name == ".bss" || s.Name == ".noptrbss" {
			bss += s.Size
			in[elf.SectionIndex(i)] = true
		}
	}
	if bss <= limit {
		return
	}
	syms, _ := f.Symbols()
	sort.Slice(syms, func(i, j int) bool { return syms[i].Size > syms[j].Size })
	var big []string
	for _, s := range syms {
		if in[s.Section] && len(big) < 5 {
			big = append(big, fmt.Sprintf("%s (%d KiB)", s.Name, s.Size>>10))
		}
	}
	t.Errorf("bss is %d KiB, over %d KiB; the largest symbols: %s", bss>>10, limit>>10, strings.Join(big, ", "))
}
