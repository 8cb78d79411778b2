package fault

import (
	"fmt"
	"runtime"

	"golang.org/x/arch/x86/x86asm"

	"gokernel/kernel/kcall"
	"gokernel/kernel/ksym"
)

// StartReporter starts the goroutine that completes the report of a
// kernel fault: it waits in the private call, which returns only after the
// ring-0 core faulted and printed its part, then disassembles the faulting
// instruction, prints it, and asks the kernel to stop. It has a thread of
// its own, so the kernel can wake it without the Go scheduler. It returns
// once the reporter waits: with more than one CPU, the caller would run
// on meanwhile, and a kernel fault before that finds no reporter. Ring 3.
func StartReporter() {
	go func() {
		runtime.LockOSThread()
		kcall.WaitForFault()
		fmt.Println(disassemble(last))
		kcall.FaultReported()
	}()
	for {
		st, err := kcall.ReadStats()
		if err != nil || st.FaultReporter != 0 {
			return
		}
		runtime.Gosched()
	}
}

// disassemble returns the report line for the faulting instruction.
func disassemble(r record) string {
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
