package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

// In-kernel tests. The command line test=NAME runs one; it prints
// "test NAME: PASS" or "test NAME: FAIL <reason>", and exit_group turns
// the exit status into QEMU's pass (33) or fail (35) status. test=list
// prints the names.

type kernelTest struct {
	run  func() error
	note string
}

var tests = map[string]kernelTest{
	"boot":    {testBoot, "the memory map has usable RAM, the command line was read, the console works"},
	"runtime": {testRuntime, "maps, fmt, interfaces, closures, 256 MiB of allocation, GC, recover"},
	"panic":   {testPanic, "an unrecovered panic prints Go's report and fails"},
	"enosys":  {testEnosys, "unknown system calls fail with ENOSYS and are logged once"},
	"threads": {testThreads, "clone makes threads that run; they wait and wake through futexes"},

	"breakpoint":    {testBreakpoint, "int3 in Go code is reported and execution resumes"},
	"nilderef":      {testNilDeref, "a nil dereference in a goroutine is a recovered runtime panic"},
	"divzero":       {testDivZero, "integer division by zero, by #DE and by Go's check, is a recovered panic"},
	"exceptions":    {testExceptions, "#DE, #PF at a bad address, #GP, #BP from Go code, one after another"},
	"invalidopcode": {testInvalidOpcode, "ud2 ends in the runtime's fatal SIGILL report and the fail exit"},
	"ticks":         {testTicks, "the PIT tick counter and the TSC clock agree within 5% over 200 ms"},
	"kernelfault":   {testKernelFault, "a page fault in ring 0 prints the kernel report and fails"},
	"doublefault":   {testDoubleFault, "a kernel stack overflow is caught on an IST stack as a double fault"},
	"consolefault":  {testConsoleFault, "a fault while the console lock is held is still reported"},
	"faultinfault":  {testFaultInFault, "a fault inside the fault handler ends in the double-fault report"},
	"kernelint3":    {testKernelInt3, "int3 in ring 0 resumes; an unhandled vector is reported once"},

	"goroutines": {testGoroutines, "10,000 goroutines ping-pong; WaitGroup; a mutex under contention"},
	"sleep":      {testSleep, "time.Sleep and a Ticker keep time by the TSC clock"},
	"gc":         {testGC, "1 GiB of garbage in 64 MiB with a bounded heap"},
	"oom":        {testOOM, "allocating past RAM ends in the runtime's out-of-memory error"},
	"reserve":    {testReserve, "a 1 GiB PROT_NONE reservation in 64 MiB"},
	"preempt":    {testPreempt, "a spinning goroutine does not starve a printing one"},
	"idle":       {testIdle, "with every goroutine blocked the CPU halts until the next tick"},
	"clock":      {testClock, "ns per time.Now() through the vDSO (or the system call with novdso)"},
	"badcalls":   {testBadCalls, "bad pointers give EFAULT, unknown operations EINVAL or ENOSYS"},
	"syscalls":   {testSyscalls, "the system calls the runtime made, by number, with their results"},
	"timers":     {testTimers, "1000 tasks sleep on the executor and wake in order; a ticker ticks"},
	"firmware":   {testFirmware, "SMBIOS and ACPI read through opReadPhys name the machine"},
	"keyboard":   {testKeyboard, "typed lines come back through IRQ 1, the ring and the keymap= layout"},
}

func runTest(name string) {
	if name == "list" {
		names := make([]string, 0, len(tests))
		for n := range tests {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Printf("tests: %s\n", strings.Join(names, " "))
		os.Exit(0)
	}
	t, ok := tests[name]
	if !ok {
		fmt.Printf("test %s: FAIL unknown test (test=list names them)\n", name)
		os.Exit(1)
	}
	if err := t.run(); err != nil {
		fmt.Printf("test %s: FAIL %v\n", name, err)
		os.Exit(1)
	}
	fmt.Printf("test %s: PASS\n", name)
	os.Exit(0)
}
