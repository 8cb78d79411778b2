package main

import (
	"fmt"
	"runtime"
	"syscall"

	"golang.org/x/arch/x86/x86asm"

	"gokernel/kernel/ksym"
)

// startFaultReporter starts the goroutine that completes the report of a
// kernel fault (see fault.go): it waits in the gokernel system call, which
// returns only after the ring-0 core faulted and printed its part, then
// disassembles the faulting instruction, prints it, and asks the kernel to
// stop. It has a thread of its own, so the kernel can wake it without the
// Go scheduler, and it uses syscall.Syscall, not RawSyscall, so that the
// runtime hands the processor to other threads while it waits.
func startFaultReporter() {
	started := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		close(started)
		syscall.Syscall(sysGokernel, opFaultWait, 0, 0)
		fmt.Println(disassemble(lastFault))
		syscall.Syscall(sysGokernel, opFaultDone, 0, 0)
	}()
	<-started
}

// disassemble returns the report line for the faulting instruction.
func disassemble(r faultRecord) string {
	if !r.Valid || r.NCode == 0 {
		return "  instruction at rip: not readable"
	}
	inst, err := x86asm.Decode(r.Code[:r.NCode], 64)
	if err != nil {
		return fmt.Sprintf("  instruction at rip: cannot decode % x: %v", r.Code[:r.NCode], err)
	}
	return fmt.Sprintf("  instruction at rip: %s  (% x)", x86asm.GoSyntax(inst, r.RIP, symbolize), r.Code[:inst.Len])
}

// symbolize names addresses in disassembly, as x86asm.SymLookup wants.
func symbolize(addr uint64) (string, uint64) {
	name, off, ok := ksym.Lookup(addr)
	if !ok {
		return "", 0
	}
	return string(name), addr - off
}
