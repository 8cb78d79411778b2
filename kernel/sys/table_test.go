package sys

import (
	"testing"

	"gokernel/kernel/linux"
)

// The table is data the kernel trusts: every row must be complete and name
// the call its index is.
func TestTable(t *testing.T) {
	rows := Table()
	if len(rows) < 30 {
		t.Fatalf("only %d rows", len(rows))
	}
	seen := map[string]int{}
	for _, r := range rows {
		if !r.Implemented {
			t.Errorf("%d %q: no handler", r.Nr, r.Name)
		}
		if prev, dup := seen[r.Name]; dup {
			t.Errorf("%q appears at %d and %d", r.Name, prev, r.Nr)
		}
		seen[r.Name] = r.Nr
		if want := linux.SyscallName(uint64(r.Nr)); r.Name != want {
			t.Errorf("row %d is named %q, Linux calls it %q", r.Nr, r.Name, want)
		}
		if r.Level != Full && r.Note == "" {
			t.Errorf("%q is not fully implemented and has no note saying what is missing", r.Name)
		}
		if r.Level < Full || r.Level > Fixed {
			t.Errorf("%q has level %d", r.Name, r.Level)
		}
	}
	// The calls the Go runtime makes before main.main must all be served.
	for _, name := range []string{"arch_prctl", "sched_getaffinity", "openat", "mmap", "munmap",
		"madvise", "rt_sigprocmask", "sigaltstack", "rt_sigaction", "gettid", "clone", "futex",
		"nanosleep", "sched_yield", "clock_gettime", "fcntl", "write", "exit_group",
		"epoll_create1", "eventfd2", "epoll_ctl", "epoll_pwait", "getpid", "tgkill"} {
		if _, ok := seen[name]; !ok {
			t.Errorf("the runtime needs %s, which the table lacks", name)
		}
	}
}

func TestSyscallNames(t *testing.T) {
	for nr, want := range map[uint64]string{0: "read", 1: "write", 9: "mmap", 56: "clone",
		202: "futex", 231: "exit_group", 183: "afs_syscall", 435: "clone3"} {
		if got := linux.SyscallName(nr); got != want {
			t.Errorf("SyscallName(%d) = %q, want %q", nr, got, want)
		}
	}
	if linux.SyscallName(100000) != "" {
		t.Error("name for a number past the table")
	}
}

// TestFirstReport: each unknown call number is logged once, below and
// above 512, and a full table of high numbers logs nothing more rather
// than the same numbers over and over.
func TestFirstReport(t *testing.T) {
	for _, nr := range []uint64{183, 999, 100000, 1 << 40} {
		if !firstReport(nr) {
			t.Errorf("first call %d not reported", nr)
		}
		if firstReport(nr) {
			t.Errorf("second call %d reported again", nr)
		}
	}
	reported, reportedHigh, highDropped = [8]uint64{}, [16]uint64{}, false
	for i := uint64(0); i < uint64(len(reportedHigh)); i++ {
		if !firstReport(1000 + i) {
			t.Errorf("high number %d not reported", 1000+i)
		}
	}
	if firstReport(5000) || firstReport(5000) || !highDropped {
		t.Error("a number past the table's room was reported")
	}
	if firstReport(1003) {
		t.Error("a remembered number reported again")
	}
}
