package sched

import (
	"gokernel/kernel/console"
	"gokernel/kernel/machine"
	"gokernel/kernel/spin"
)

// The debug check of the lock rules (kernel/spin): a thread switch with a
// lock held other than the big kernel lock (level 0), and an acquisition
// that broke the lock order, are kernel bugs. Either is reported with the
// levels involved and stops the machine; a deadlock found later would be
// much harder to trace back. The check is an atomic load or two: it runs
// at every switch and at the end of every kernel entry (CheckLocks).

// reportedViolations is how many violations were reported.
var reportedViolations uint64

// CheckLocks reports an order violation recorded since the last check.
//
//go:nosplit
func CheckLocks() {
	n, kind, level, held := spin.Violations()
	if n == reportedViolations {
		return
	}
	reportedViolations = n
	console.WriteString("kernel: lock order violated: ")
	if kind == spin.Recursive {
		console.WriteString("took the lock at level ")
		console.Dec(int64(level))
		console.WriteString(", which this CPU holds")
	} else {
		console.WriteString("took the lock at level ")
		console.Dec(int64(level))
		console.WriteString(" while holding level")
		levels(held)
	}
	console.WriteString(" (")
	console.Dec(int64(n))
	console.Line(" so far); stopped")
	machine.Stop(false)
}

// checkSwitch stops the machine if this CPU holds a lock deeper than the
// big kernel lock while it switches threads.
//
//go:nosplit
func checkSwitch() {
	CheckLocks()
	if h := spin.Held(me()) &^ 1; h != 0 {
		console.WriteString("kernel: a lock is held across a thread switch: level")
		levels(h)
		console.Line("; stopped")
		machine.Stop(false)
	}
}

// levels prints the levels whose bits are set in h.
//
//go:nosplit
func levels(h uint32) {
	for l := 0; l < 32; l++ {
		if h&(1<<l) != 0 {
			console.WriteString(" ")
			console.Dec(int64(l))
		}
	}
}
