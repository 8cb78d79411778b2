package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Outcome is a case and what its run showed.
type Outcome struct {
	Case
	Facts
	Ready  time.Duration // since the emulator's start; 0 if never seen
	Failed string        // why the case failed; "" if it passed or did not run
	Tail   []string      // the serial log's last lines, for failures
	Stderr []string      // the emulator's last messages, for failures
}

// Result is the table's last column: PASS, FAIL: why, or n/a: why.
func (o Outcome) Result() string {
	switch {
	case o.NA != "":
		return "n/a: " + o.NA
	case o.Failed != "":
		return "FAIL: " + o.Failed
	}
	return "PASS"
}

var header = []string{"Image", "Firmware", "Machine", "CPU", "Boot", "Console", "Interrupts", "Timer", "TSC from", "CPUs", "USB", "Machine name", "Time to ready", "Result"}

// WriteTable writes the outcomes as a Markdown table, one row each.
func WriteTable(w io.Writer, outcomes []Outcome) {
	row := func(cells ...string) {
		for i, c := range cells {
			cells[i] = cell(c)
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	row(header...)
	rule := make([]string, len(header))
	for i := range rule {
		rule[i] = "---"
	}
	fmt.Fprintf(w, "|%s|\n", strings.Join(rule, "|"))
	for _, o := range outcomes {
		ready := "–"
		if o.Ready > 0 {
			ready = fmt.Sprintf("%.2fs", o.Ready.Seconds())
		}
		machine := o.Machine
		if o.Cmdline != "" {
			machine += " (" + o.Cmdline + ")"
		}
		if o.SMP != "" {
			machine += ", -smp " + o.SMP
		}
		if o.USB {
			machine += ", USB keyboard"
		}
		row(string(o.Image), o.Firmware, machine, o.CPU, dash(o.Boot), dash(o.Console),
			dash(o.Interrupts), dash(o.Timer), dash(o.Clock), dash(o.CPUs), dash(o.USBIRQ), dash(o.MachineName), ready, o.Result())
	}
}

// cell escapes what would end a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.Join(strings.Fields(s), " ")
}

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// Counts tallies the outcomes.
func Counts(outcomes []Outcome) (passed, failed, na int) {
	for _, o := range outcomes {
		switch {
		case o.NA != "":
			na++
		case o.Failed != "":
			failed++
		default:
			passed++
		}
	}
	return
}

// WriteDetails writes, after the table, what a reader needs about
// failures (the serial tail) and about problems the kernel reported on
// cases that passed.
func WriteDetails(w io.Writer, outcomes []Outcome) {
	for _, o := range outcomes {
		if o.Failed == "" && len(o.Notes) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s: %s\n", o.Case.Name(), o.Result())
		for _, n := range o.Notes {
			fmt.Fprintf(w, "- kernel said: %s\n", n)
		}
		if len(o.Tail) > 0 {
			fmt.Fprintf(w, "\nserial log, last %d lines:\n```\n%s\n```\n", len(o.Tail), strings.Join(o.Tail, "\n"))
		}
		if len(o.Stderr) > 0 && o.Stderr[0] != "" {
			fmt.Fprintf(w, "\nemulator messages, last %d lines:\n```\n%s\n```\n", len(o.Stderr), strings.Join(o.Stderr, "\n"))
		}
	}
}
