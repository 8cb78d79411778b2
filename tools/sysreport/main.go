// Command sysreport compares the system-call tables that test=syscalls
// prints for several Go releases, side by side, and marks the calls that
// are new or gone from one release to the next and those answered with
// ENOSYS or missing from the kernel's table: what a new Go release asks of
// the kernel, on the day it comes out.
//
// Two runs of one release give the same report: counts, which vary with
// timing from run to run, are left out unless -counts asks for them; so
// are the results of waits that a race decides (EAGAIN, EINTR, ETIMEDOUT
// from futex, nanosleep and epoll_pwait); and the calls whose presence
// depends on timing (Timing: the runtime's asynchronous preemption and
// its yields) are set apart in one line that names them whether or not a
// run made them.
//
// Usage: sysreport [-counts] LOG... (serial logs of test=syscalls runs, oldest release first)
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
)

// Table is one release's system calls.
type Table struct {
	Release string
	Calls   map[int]Call
}

// Call is one line of the table.
type Call struct {
	Nr       int
	Name     string
	Count    int
	Results  string
	Unlisted bool
}

var (
	headRE = regexp.MustCompile(`^syscalls: (go\S+), \d+ kinds of system call since boot$`)
	lineRE = regexp.MustCompile(`^syscall +(\d+) (\S+) +(\d+) (.*?)( UNLISTED)?$`)
)

// Parse reads a serial log and returns its table.
func Parse(r io.Reader) (Table, error) {
	t := Table{Calls: map[int]Call{}}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if m := headRE.FindStringSubmatch(line); m != nil {
			t.Release = m[1]
			continue
		}
		if m := lineRE.FindStringSubmatch(line); m != nil {
			var c Call
			fmt.Sscan(m[1], &c.Nr)
			fmt.Sscan(m[3], &c.Count)
			c.Name, c.Results, c.Unlisted = m[2], m[4], m[5] != ""
			t.Calls[c.Nr] = c
		}
	}
	if t.Release == "" {
		return t, fmt.Errorf("no test=syscalls table in the log")
	}
	return t, sc.Err()
}

// Marks of a call in release i: NEW (absent in release i-1), GONE (present
// in i-1, absent now), ENOSYS (answered ENOSYS, or not in the kernel's
// table).
func marks(tabs []Table, i, nr int) []string {
	var m []string
	c, here := tabs[i].Calls[nr]
	if i > 0 {
		_, before := tabs[i-1].Calls[nr]
		switch {
		case here && !before:
			m = append(m, "NEW")
		case !here && before:
			m = append(m, "GONE")
		}
	}
	if here && (c.Unlisted || strings.Contains(c.Results, "ENOSYS")) {
		m = append(m, "ENOSYS")
	}
	return m
}

// Timing lists the calls a run may or may not make, by timing alone:
// async preemption sends SIGURG with getpid and tgkill, and each signal
// handler returns with rt_sigreturn (runtime/signal_unix.go,
// preemptM); osyield is sched_yield, called when a lock is contended.
var Timing = map[int]string{15: "rt_sigreturn", 24: "sched_yield", 39: "getpid", 234: "tgkill"}

// raceResults are the results of a wait that depend on which came first,
// the wake or the wait (futex EAGAIN, a signal's EINTR, a deadline's
// ETIMEDOUT), by call number: futex, nanosleep, epoll_pwait, epoll_wait,
// clock_nanosleep.
var (
	waitCalls   = map[int]bool{202: true, 35: true, 281: true, 232: true, 230: true}
	raceResults = map[string]bool{"EAGAIN": true, "EINTR": true, "ETIMEDOUT": true}
)

// cell is what the report shows of a call: its results (ok, ENOENT, ...)
// without counts, or with them when counts is set.
func cell(c Call, counts bool) string {
	if counts {
		return fmt.Sprintf("%d %s", c.Count, c.Results)
	}
	var kinds []string
	for _, r := range strings.Fields(c.Results) {
		k, _, _ := strings.Cut(r, "=")
		if waitCalls[c.Nr] && raceResults[k] {
			continue
		}
		kinds = append(kinds, k)
	}
	if len(kinds) == 0 {
		return "ok"
	}
	return strings.Join(kinds, " ")
}

// Report writes the side-by-side table and returns the number of calls
// marked ENOSYS in the newest release. Without counts two runs of one
// release write the same report.
func Report(w io.Writer, tabs []Table, counts bool) int {
	nrs := map[int]string{}
	for _, t := range tabs {
		for nr, c := range t.Calls {
			if _, timing := Timing[nr]; !timing || counts {
				nrs[nr] = c.Name
			}
		}
	}
	var order []int
	for nr := range nrs {
		order = append(order, nr)
	}
	sort.Ints(order)
	fmt.Fprintf(w, "%4s %-18s", "nr", "name")
	for _, t := range tabs {
		fmt.Fprintf(w, " %-28s", t.Release)
	}
	fmt.Fprintln(w, " marks")
	enosys := 0
	for _, nr := range order {
		var line strings.Builder
		fmt.Fprintf(&line, "%4d %-18s", nr, nrs[nr])
		var all []string
		for i, t := range tabs {
			text := "-"
			if c, ok := t.Calls[nr]; ok {
				text = cell(c, counts)
			}
			fmt.Fprintf(&line, " %-28s", text)
			for _, m := range marks(tabs, i, nr) {
				all = append(all, t.Release+":"+m)
				if m == "ENOSYS" && i == len(tabs)-1 {
					enosys++
				}
			}
		}
		line.WriteString(" " + strings.Join(all, " "))
		fmt.Fprintln(w, strings.TrimRight(line.String(), " "))
	}
	if !counts {
		var names []string
		for _, nr := range sortedKeys(Timing) {
			names = append(names, fmt.Sprintf("%d %s", nr, Timing[nr]))
		}
		fmt.Fprintf(w, "left out, as timing decides whether a run makes them: %s\n", strings.Join(names, ", "))
		// Whether they are served is no matter of timing.
		last := tabs[len(tabs)-1]
		for _, nr := range sortedKeys(Timing) {
			if c, ok := last.Calls[nr]; ok && (c.Unlisted || strings.Contains(c.Results, "ENOSYS")) {
				fmt.Fprintf(w, "%s: %d %s ENOSYS\n", last.Release, nr, c.Name)
				enosys++
			}
		}
	}
	return enosys
}

func sortedKeys(m map[int]string) []int {
	var ks []int
	for k := range m {
		ks = append(ks, k)
	}
	sort.Ints(ks)
	return ks
}

func main() {
	counts := flag.Bool("counts", false, "show how often each call was made (differs from run to run)")
	flag.Parse()
	if flag.NArg() < 1 {
		fmt.Fprintln(os.Stderr, "usage: sysreport [-counts] LOG...")
		os.Exit(2)
	}
	var tabs []Table
	for _, p := range flag.Args() {
		f, err := os.Open(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, "sysreport:", err)
			os.Exit(1)
		}
		t, err := Parse(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(os.Stderr, "sysreport: %s: %v\n", p, err)
			os.Exit(1)
		}
		tabs = append(tabs, t)
	}
	if n := Report(os.Stdout, tabs, *counts); n > 0 {
		fmt.Printf("\n%d system calls of %s are answered with ENOSYS or missing from the kernel's table\n", n, tabs[len(tabs)-1].Release)
	}
}
