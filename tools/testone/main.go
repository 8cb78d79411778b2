// Command testone boots one in-kernel test and judges it the way its
// entry in the kernel's test table says it ends (kernel/ktest, Outcome),
// for make test-one T=NAME:
//
//   - It first boots test=list, which prints the table, so the kernel
//     itself says which tests exist and how each ends; an empty or unknown
//     name fails at once, without a test run.
//   - "passes": the run must end with QEMU's pass status and the line
//     "test NAME: PASS".
//   - "fails" (like blog_os's should_panic: panic, kernelfault, oom, ...):
//     the run must end with the fail status, and then it passes here.
//   - "keys" (keyboard): keys must be typed from the host, so the host
//     harness runs it: go test -run on the boot tests that drive it.
//
// Every run has a timeout, after which QEMU is killed: test-one never
// hangs. The serial output is shown as it arrives.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"gokernel/tools/vm"
)

// Entry is one line of test=list: "test NAME: AREA, OUTCOME: NOTE".
type Entry struct {
	Name, Area, Outcome, Note string
}

var entryRE = regexp.MustCompile(`^test (\S+): ([^,]+), (passes|fails|keys): (.*)$`)

// ParseList reads test=list's output.
func ParseList(lines []string) map[string]Entry {
	m := map[string]Entry{}
	for _, l := range lines {
		if e := entryRE.FindStringSubmatch(strings.TrimSpace(l)); e != nil {
			m[e[1]] = Entry{e[1], e[2], e[3], e[4]}
		}
	}
	return m
}

// keyDrivers name the boot tests (tools/boottest) that type the keys a
// "keys" test waits for.
var keyDrivers = map[string]string{
	"keyboard": "^TestKeyboard(Test|German|UnknownKeymap)$",
}

// Verdict judges a finished run of the test e.
func Verdict(e Entry, res vm.Result) (bool, string) {
	pass := regexp.MustCompile(`(^|\s)test ` + regexp.QuoteMeta(e.Name) + `: PASS\s*$`)
	sawPass := false
	for _, l := range res.Lines {
		sawPass = sawPass || pass.MatchString(l.Text)
	}
	switch {
	case res.TimedOut:
		return false, fmt.Sprintf("no verdict within %v; QEMU killed", res.Timeout)
	case e.Outcome == "fails" && res.Failed() && !sawPass:
		return true, "failed as its table declares (outcome fails): that is its pass"
	case e.Outcome == "fails":
		return false, "should have failed (outcome fails), but QEMU " + res.Meaning()
	case res.Passed() && sawPass:
		return true, "passed"
	case res.Passed():
		return false, "QEMU reports a pass, but the line \"test " + e.Name + ": PASS\" is missing"
	}
	return false, "QEMU " + res.Meaning()
}

func main() {
	kernel := flag.String("kernel", "build/kernel.elf", "multiboot ELF")
	mem := flag.String("m", vm.DefaultMemory, "RAM size")
	timeout := flag.Duration("timeout", 120*time.Second, "kill QEMU after this")
	flag.Parse()
	os.Exit(run(*kernel, *mem, *timeout, flag.Args()))
}

func say(format string, args ...any) { fmt.Fprintf(os.Stderr, "test-one: "+format+"\n", args...) }

func run(kernel, mem string, timeout time.Duration, args []string) int {
	if len(args) != 1 || strings.TrimSpace(args[0]) == "" || strings.ContainsAny(args[0], " \t") {
		say("name one test: make test-one T=NAME (make test-one T=list names them)")
		return 1
	}
	name := args[0]

	// The table, from the kernel itself.
	lv, err := vm.Start(vm.Options{Kernel: kernel, Cmdline: "test=list", Memory: mem, Timeout: 60 * time.Second, Name: "test-list"})
	if err != nil {
		say("%v", err)
		return 1
	}
	lres, err := lv.Wait()
	if err != nil || !lres.Passed() {
		say("test=list did not run: QEMU %s\n%s", lres.Meaning(), lres.Report())
		return 1
	}
	var lines []string
	for _, l := range lres.Lines {
		lines = append(lines, l.Text)
	}
	table := ParseList(lines)
	if name == "list" {
		for _, l := range lines {
			if strings.HasPrefix(l, "test") {
				fmt.Println(l)
			}
		}
		return 0
	}
	e, ok := table[name]
	if !ok {
		say("no test named %q (make test-one T=list names them)", name)
		return 1
	}

	if e.Outcome == "keys" {
		re, ok := keyDrivers[name]
		if !ok {
			say("test %s waits for keys typed from the host, and no boot test drives it: add one to tools/boottest and to keyDrivers in tools/testone", name)
			return 1
		}
		say("test %s waits for keys typed from the host; the boot tests type them:", name)
		cmd := exec.Command("go", "test", "-count=1", "-v", "-run", re, "./tools/boottest")
		dir, _ := filepath.Abs(filepath.Dir(kernel))
		cmd.Env = append(os.Environ(), "GOKERNEL_BUILD="+dir)
		say("GOKERNEL_BUILD=%s %s", dir, strings.Join(cmd.Args, " "))
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			say("test %s: FAIL", name)
			return 1
		}
		say("test %s: pass", name)
		return 0
	}

	if e.Outcome == "fails" {
		say("test %s is meant to end in a failure report (outcome fails); the fail status is its pass", name)
	}
	v, err := vm.Start(vm.Options{Kernel: kernel, Cmdline: "test=" + name, Memory: mem, Timeout: timeout,
		Name: "test-one-" + name, Echo: os.Stdout})
	if err != nil {
		say("%v", err)
		return 1
	}
	res, _ := v.Wait()
	ok, why := Verdict(e, res)
	if !ok {
		say("test %s: FAIL: %s\n  QEMU: %s", name, why, res.Cmdline)
		return 1
	}
	say("test %s: pass (%s, %.1fs)", name, why, res.Elapsed.Seconds())
	return 0
}
