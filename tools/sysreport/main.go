// Command sysreport compares the system-call tables that test=syscalls
// prints for several Go releases, side by side, and marks the calls that
// are new or gone from one release to the next and those answered with
// ENOSYS or missing from the kernel's table: what a new Go release asks of
// the kernel, on the day it comes out.
//
// Usage: sysreport LOG... (serial logs of test=syscalls runs, oldest release first)
package main

import (
	"bufio"
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

// Report writes the side-by-side table and returns the number of calls
// marked ENOSYS in the newest release.
func Report(w io.Writer, tabs []Table) int {
	nrs := map[int]string{}
	for _, t := range tabs {
		for nr, c := range t.Calls {
			nrs[nr] = c.Name
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
		fmt.Fprintf(w, "%4d %-18s", nr, nrs[nr])
		var all []string
		for i, t := range tabs {
			cell := "-"
			if c, ok := t.Calls[nr]; ok {
				cell = fmt.Sprintf("%d %s", c.Count, c.Results)
			}
			fmt.Fprintf(w, " %-28s", cell)
			for _, m := range marks(tabs, i, nr) {
				all = append(all, t.Release+":"+m)
				if m == "ENOSYS" && i == len(tabs)-1 {
					enosys++
				}
			}
		}
		fmt.Fprintln(w, " "+strings.Join(all, " "))
	}
	return enosys
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: sysreport LOG...")
		os.Exit(2)
	}
	var tabs []Table
	for _, p := range os.Args[1:] {
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
	if n := Report(os.Stdout, tabs); n > 0 {
		fmt.Printf("\n%d system calls of %s are answered with ENOSYS or missing from the kernel's table\n", n, tabs[len(tabs)-1].Release)
	}
}
