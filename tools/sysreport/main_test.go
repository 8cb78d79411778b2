package main

import (
	"strings"
	"testing"
)

const old = `boot: multiboot1
go: runtime up (go1.26.11)
syscalls: go1.26.11, 3 kinds of system call since boot
syscall   1 write                   2 ok=2
syscall   9 mmap                   28 ok=28
syscall 157 prctl                   1 EINVAL=1
test syscalls: PASS
`

const newer = "syscalls: go1.27.4, 3 kinds of system call since boot\r\n" +
	"syscall   1 write                   3 ok=3\r\n" +
	"syscall   9 mmap                   30 ok=30\r\n" +
	"syscall 334 rseq                   1 ENOSYS=1 UNLISTED\r\n"

func TestReport(t *testing.T) {
	a, err := Parse(strings.NewReader(old))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse(strings.NewReader(newer))
	if err != nil {
		t.Fatal(err)
	}
	if a.Release != "go1.26.11" || len(a.Calls) != 3 || a.Calls[157].Results != "EINVAL=1" {
		t.Fatalf("parsed %+v", a)
	}
	if c := b.Calls[334]; !c.Unlisted || c.Name != "rseq" {
		t.Fatalf("rseq parsed as %+v", c)
	}
	var out strings.Builder
	if n := Report(&out, []Table{a, b}, true); n != 1 {
		t.Errorf("%d ENOSYS calls, want 1", n)
	}
	s := out.String()
	for _, want := range []string{"go1.27.4:NEW go1.27.4:ENOSYS", "go1.27.4:GONE", " 28 ok=28 "} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q:\n%s", want, s)
		}
	}
	if _, err := Parse(strings.NewReader("nothing here")); err == nil {
		t.Error("a log without a table parsed")
	}
}

// Two runs of one release differ in counts, in the calls that timing
// decides, and in the races of waits; their reports do not.
func TestReportStable(t *testing.T) {
	run1 := `syscalls: go1.26.8, 6 kinds of system call since boot
syscall   9 mmap                   29 ok=29
syscall  15 rt_sigreturn            3 ok=3
syscall  24 sched_yield             1 ok=1
syscall 202 futex                  16 ok=16
syscall 234 tgkill                  3 ok=3
syscall 257 openat                  2 ENOENT=2
`
	run2 := `syscalls: go1.26.8, 4 kinds of system call since boot
syscall   9 mmap                   28 ok=28
syscall  15 rt_sigreturn            1 ok=1
syscall 202 futex                  10 ok=9 EAGAIN=1
syscall 257 openat                  2 ENOENT=2
`
	var reports []string
	for _, log := range []string{run1, run2} {
		tab, err := Parse(strings.NewReader(log))
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		Report(&out, []Table{tab}, false)
		reports = append(reports, out.String())
	}
	if reports[0] != reports[1] {
		t.Fatalf("two runs' reports differ:\n%s\n%s", reports[0], reports[1])
	}
	for _, want := range []string{" ENOENT", "left out, as timing decides whether a run makes them: 15 rt_sigreturn, 24 sched_yield, 39 getpid, 234 tgkill"} {
		if !strings.Contains(reports[0], want) {
			t.Errorf("report lacks %q:\n%s", want, reports[0])
		}
	}
}
