package vm

import (
	"regexp"
	"strings"
	"testing"
)

// StartT starts a VM for a test: Name defaults to t.Name(), a start error
// fails the test at once, and when the test ends QEMU is killed and, if the
// test failed without a report from this package, the VM's report is
// logged.
func StartT(t testing.TB, opts Options) *VM {
	t.Helper()
	if opts.Name == "" {
		opts.Name = t.Name()
	}
	v, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		v.Kill()
		res, _ := v.Wait()
		if t.Failed() && !v.reported.Load() {
			t.Logf("vm %s: %s", opts.Name, res.Report())
		}
	})
	return v
}

// RunTest boots the in-kernel test name and waits for QEMU to exit. It
// fails t, with the VM's report, unless QEMU exited with status 33 and the
// serial output has the line "test NAME: PASS" (which may follow a prefix
// such as a timestamp, after a space).
//
// With opts.Kernel it adds "test=NAME" to the command line. An opts.ISO is
// booted as it is, so it must have been built with "test=NAME".
func RunTest(t testing.TB, opts Options, name string) Result {
	t.Helper()
	if opts.ISO == "" {
		opts.Cmdline = strings.TrimSpace(opts.Cmdline + " test=" + name)
	}
	v := StartT(t, opts)
	res, err := v.Wait()
	if err != nil {
		t.Errorf("test %s: %v", name, err)
		return res
	}
	pass := passLine(name)
	found := false
	for _, l := range res.Lines {
		if pass.MatchString(l.Text) {
			found = true
			break
		}
	}
	switch {
	case !res.Passed():
		t.Errorf("test %s: QEMU %s\n%s", name, res.Meaning(), res.Report())
	case !found:
		t.Errorf("test %s: QEMU %s, but the line %q is missing\n%s", name, res.Meaning(), "test "+name+": PASS", res.Report())
	default:
		return res
	}
	v.reported.Store(true)
	return res
}

// passLine anchors the marker so "test a: PASS" does not also accept
// "subtest a: PASS" or "test a: PASSED".
func passLine(name string) *regexp.Regexp {
	return regexp.MustCompile(`(^|\s)test ` + regexp.QuoteMeta(name) + `: PASS\s*$`)
}
