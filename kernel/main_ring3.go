// Command kernel is the gokernel kernel: a bare-metal x86-64 kernel that
// runs the unmodified Go runtime by serving its Linux system calls.
//
// This package is wiring only, in three files named for their ring:
// boot_ring0.go lists the boot's phases, from the multiboot stub's hand-off
// (boot/) to the Go runtime's own entry; trap_ring0.go routes every trap,
// interrupt and system call to the package that serves it; main_ring3.go
// (this file) is the Go program's main, which the runtime calls in ring 3
// like any Linux program's: it runs an in-kernel test (test=NAME) or the
// kernel's tasks on an executor, as the "Async/Await" post of Writing an
// OS in Rust does. See README.md, "How it fits together".
package main

import (
	"fmt"
	"os"
	"runtime"

	"gokernel/kernel/clock"
	"gokernel/kernel/cmdline"
	"gokernel/kernel/fault"
	"gokernel/kernel/ktest"
	"gokernel/kernel/stamp"
	"gokernel/kernel/tasks"
)

func main() {
	// The marker first: the runtime is up when main runs. The fault
	// reporter's thread and fmt's first use come after it (they took
	// 4-7 ms of TCG time before it; see tools/boottime).
	stamp.Mark(stamp.Main)
	os.Stdout.WriteString("go: runtime up (" + runtime.Version() + ")\n")
	stamp.Finish()
	fault.StartReporter()
	if cmdline.Get(cmdline.BootTime).Set {
		hz, _ := clock.TSCHz()
		stamp.Report(os.Stdout, hz)
	}
	if t := cmdline.Get(cmdline.Test); t.Set {
		ktest.Run(t.Str)
		return
	}
	m := tasks.ProbeMachine()
	if err := tasks.Run(m); err != nil {
		fmt.Printf("kernel: %v\n", err)
		os.Exit(1)
	}
}
