// Package stamp records where the boot's time goes: the time-stamp
// counter (SDM Vol. 3B §18.17) at the end of each boot phase, and the
// cycles spent in system calls and page faults until the Go program's
// main runs. With the boottime option main prints them as a table, in
// milliseconds since the stub's first instruction (boot/start32.s reads
// the TSC there). Under QEMU TCG the guest's TSC starts at 0 when the
// virtual machine starts, so the first row is the firmware's and the
// loader's time too.
//
// Mark, Enter and Leave are //go:nosplit and store only integers: they
// run in ring 0, in the boot and on the trap path, where nothing may
// allocate or grow the stack.
package stamp

import (
	"fmt"
	"io"

	"gokernel/arch"
)

// Phase names a point of the boot.
type Phase uint8

const (
	Stub        Phase = iota // the stub's first instruction (boot_tsc)
	GoEntry                  // start, the first Go code
	Console                  // COM1 and the screen
	Loader                   // the loader's information parsed
	Memory                   // frames, page tables, stacks
	Traps                    // GDT, TSS, IDT, SYSCALL
	Firmware                 // the ACPI tables
	Interrupts               // APICs or PICs
	Clock                    // the TSC calibrated
	Timer                    // the tick checked to fire
	CPUs                     // the APs started
	Personality              // system calls, address space, vDSO
	Runtime                  // the IRETQ into _rt0_amd64_linux
	Main                     // main.main entered
	Up                       // "go: runtime up" written
	NPhases
)

var names = [NPhases]string{"firmware, loader (to the stub)", "stub: long mode, page tables",
	"console", "loader information", "memory: frames, page tables, stacks", "traps: GDT, TSS, IDT",
	"firmware: ACPI tables", "interrupts: APIC", "clock: TSC calibration", "timer: tick checked",
	"smp: APs", "personality: address space, vDSO", "main thread", "runtime and package init",
	"the marker line written"}

// Name returns what happens between the previous phase and p.
func (p Phase) Name() string { return names[p] }

// Kind is a class of trap counted while booting.
type Kind uint8

const (
	Syscall Kind = iota
	PageFault
	NKinds
)

var (
	at     [NPhases]uint64
	count  [NKinds]uint64
	cycles [NKinds]uint64
	done   bool
	t0     uint64
)

// Mark records the TSC at the end of phase p.
//
//go:nosplit
func Mark(p Phase) {
	if p < NPhases {
		at[p] = arch.Rdtsc()
	}
}

// SetStub records the TSC that the stub read at its first instruction.
//
//go:nosplit
func SetStub(tsc uint64) { at[Stub] = tsc }

// Begin notes the TSC at a trap's entry, End counts the trap as kind k,
// until Finish. The figures are approximate: a trap nested in another
// (a fault in a system call) restarts the count, and several CPUs
// trapping at once mix theirs (the boot benchmark runs one CPU). The
// start is a global rather than the caller's local so that the trap
// path's frame does not grow (its nosplit budget is tight).
//
//go:nosplit
func Begin() {
	if !done {
		t0 = arch.Rdtsc()
	}
}

//go:nosplit
func End(k Kind) {
	if !done && k < NKinds && t0 != 0 {
		count[k]++
		cycles[k] += arch.Rdtsc() - t0
		t0 = 0
	}
}

// Finish marks Up and stops counting traps.
func Finish() {
	Mark(Up)
	done = true
}

// Report writes the phases as a Markdown table: milliseconds each took
// and since the machine started, at hz TSC ticks a second; then the traps.
func Report(w io.Writer, hz uint64) {
	ms := func(c uint64) float64 { return float64(c) / float64(hz) * 1000 }
	fmt.Fprintf(w, "| phase | ms | at ms |\n|---|---:|---:|\n")
	prev := uint64(0)
	for p := Stub; p < NPhases; p++ {
		if at[p] == 0 {
			continue
		}
		fmt.Fprintf(w, "| %s | %.1f | %.1f |\n", p.Name(), ms(at[p]-prev), ms(at[p]))
		prev = at[p]
	}
	for k, name := range [NKinds]string{"system calls", "page faults"} {
		fmt.Fprintf(w, "| (%d %s, in the phases above) | %.1f | |\n", count[k], name, ms(cycles[k]))
	}
}
