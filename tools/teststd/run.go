package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"time"
)

// result is one package's run.
type result struct {
	pkg      string
	ok       bool
	took     time.Duration
	first    string // the first failing test, or why go test failed
	failures string // the system calls that failed with ENOSYS or EINVAL
}

func (r result) verdict() string {
	if r.ok {
		return "pass"
	}
	return "FAIL"
}

// reportLine starts the kernel's list of calls that failed
// (kernel/sys/count.go reportFailures); goexec's relay keeps it from the
// output, and the serial log (GOEXEC_LOG) has it.
const reportLine = "sys: failed with ENOSYS or EINVAL:"

var failLine = regexp.MustCompile(`^\s*--- FAIL: (\S+)`)

// test runs pkg's tests on the metal.
func test(pkg, goexec, log string, timeout time.Duration) result {
	cmd := exec.Command("go", "test", "-count=1", "-short", "-timeout", timeout.String(), "-exec", goexec, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOEXEC_LOG="+log, "GOFLAGS=")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	r := result{pkg: pkg, ok: err == nil, took: time.Since(start)}
	if !r.ok {
		r.first = firstFailure(out.String())
		if os.Getenv("TESTSTD_VERBOSE") == "1" {
			io.Copy(os.Stderr, &out)
		}
	}
	if b, err := os.ReadFile(log); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if s, ok := strings.CutPrefix(strings.TrimSpace(l), reportLine); ok {
				r.failures = strings.TrimSpace(s)
			}
		}
	}
	return r
}

// firstFailure names the first failing test with the first line it
// logged, or gives the first line of a panic or build failure.
func firstFailure(out string) string {
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if m := failLine.FindStringSubmatch(l); m != nil {
			if i+1 < len(lines) && strings.HasPrefix(lines[i+1], "    ") && !failLine.MatchString(lines[i+1]) {
				return m[1] + ": " + strings.TrimSpace(lines[i+1])
			}
			return m[1]
		}
	}
	for _, l := range lines {
		if strings.HasPrefix(l, "panic:") || strings.HasPrefix(l, "goexec:") || strings.Contains(l, "[build failed]") {
			return strings.TrimSpace(l)
		}
	}
	return "(see go test's output)"
}

// table writes the Markdown table and returns how many packages failed.
func table(w io.Writer, rs []result) int {
	var failed int
	var total time.Duration
	fmt.Fprintln(w, "| package | result | time | first failure | calls that failed with ENOSYS or EINVAL |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, r := range rs {
		if !r.ok {
			failed++
		}
		total += r.took
		fmt.Fprintf(w, "| %s | %s | %.1f s | %s | %s |\n", r.pkg, r.verdict(), r.took.Seconds(), cell(r.first), cell(r.failures))
	}
	fmt.Fprintf(w, "\n%d of %d packages pass; %.0f s of test time.\n", len(rs)-failed, len(rs), total.Seconds())
	return failed
}

func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}
