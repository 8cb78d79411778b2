// Command kernel is the gokernel kernel: a bare-metal x86-64 kernel that
// runs the unmodified Go runtime by serving its Linux system calls.
//
// Boot starts in boot/ (the multiboot stub), continues in start.go (ring 0,
// before the runtime) and enters the Go runtime's own entry point, which
// initialises itself and calls main below in ring 3, like any Linux
// program. main then runs the kernel's tasks on an executor, as the
// "Async/Await" post of Writing an OS in Rust does. See README.md.
package main

import (
	"fmt"
	"os"
	"runtime"
)

func main() {
	startFaultReporter()
	fmt.Printf("go: runtime up (%s)\n", runtime.Version())
	if name, ok := os.LookupEnv("test"); ok {
		runTest(name)
		return
	}
	m := probeMachine()
	if err := runTasks(m); err != nil {
		fmt.Printf("kernel: %v\n", err)
		os.Exit(1)
	}
}
