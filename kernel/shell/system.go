package shell

import (
	"time"

	"gokernel/task"
)

// System is what the kernel gives the shell: everything the commands need
// that is not pure Go. The kernel implements it over its executor, frame
// allocator, clock, keyboard and machine; tests implement it with fakes.
// The shell calls every method from its own task, on the executor's
// goroutine, so an implementation needs no locking for the shell's sake.
type System interface {
	// Tasks lists the executor's live tasks by ID, the shell's own
	// included: task.Executor.Snapshot, which reports the task calling it
	// as task.Running.
	Tasks() []task.TaskInfo

	// Memory reports the kernel's frame allocator and the firmware's
	// memory map.
	Memory() MemInfo

	// Uptime is the time since boot.
	Uptime() time.Duration

	// SetKeymap switches the keyboard layout to the built-in layout name
	// (as keyboard.LayoutByName takes it). The shell checks the name
	// against keyboard.LayoutNames first and reports an unknown one itself
	// ("unknown keymap: X (known: us, uk, ...)"); an error from SetKeymap
	// (no keyboard, say) is printed as it is.
	SetKeymap(name string) error

	// Sleep returns a future that completes once d has passed. The shell
	// awaits it, pending, so the executor runs other tasks meanwhile; it
	// may drop the future before it completes (Ctrl+C).
	Sleep(d time.Duration) task.Future[struct{}]

	// Spawn starts f as a task of the shell's executor (a task.Spawner):
	// the panic and fault commands spawn a task that fails, so that the
	// executor's isolation shows.
	Spawn(f task.Future[struct{}]) (task.TaskID, error)

	// Reboot resets the machine. It does not return; if it does, the
	// shell says that the reset failed and goes on.
	Reboot()

	// Halt stops the machine. It does not return; if it does, the shell
	// says so and goes on.
	Halt()

	// PowerOff switches the machine off (ACPI S5). It does not return;
	// if it does, the error says why, and the shell goes on.
	PowerOff() error

	// SerialDropped is the number of bytes of serial input lost so far
	// (a full queue, a UART overrun): the shell reports the count when
	// MarkLosses marks a loss.
	SerialDropped() uint64

	// Machine names the machine, as the firmware does (SMBIOS system
	// manufacturer and product, say "QEMU Standard PC (i440FX + PIIX,
	// 1996)"), or is "" if unknown. uptime shows it.
	Machine() string

	// Timekeeping names the hardware that keeps time, for uptime: the
	// event timer ("LAPIC one-shot at 62 MHz, 1000 Hz tick") and the
	// clock ("TSC 2596 MHz, measured against the HPET").
	Timekeeping() (timer, clock string)

	// Interrupts lists the interrupt controller and its lines, for the
	// irq command.
	Interrupts() IRQInfo

	// CPUs lists the online CPUs, for the cpus command.
	CPUs() []CPUInfo

	// PCI lists the PCI functions for the pci command, a line each
	// (address, vendor:device, class, the driver bound: pci.Line), after
	// a line saying how configuration space is reached; nil if PCI was
	// not scanned.
	PCI() []string
}

// CPUInfo is one CPU as System.CPUs reports it.
type CPUInfo struct {
	APICID     int
	Up         time.Duration // since it came up
	Idle       time.Duration // of Up, spent halted or polling in the idle loop
	Interrupts uint64        // interrupts and IPIs taken
	Runs       uint64        // threads switched to
}

// IRQInfo is what System.Interrupts reports.
type IRQInfo struct {
	Controller string // "APIC" or "PIC"
	Lines      []IRQLine
}

// IRQLine is one interrupt source: an ISA line, or a vector of the local
// APIC's own (the timer, errors, spurious).
type IRQLine struct {
	Name    string
	Line    int    // the ISA line, -1 for a local APIC vector
	GSI     int    // the I/O APIC input (global system interrupt), -1 for none
	Vector  int    // the CPU's interrupt vector
	Trigger string // "edge" or "level", with "low" for active low
	Enabled bool
	Count   uint64
}

// MemInfo is what System.Memory reports.
type MemInfo struct {
	// FreeBytes and TotalBytes are the kernel's frame allocator's free
	// and managed RAM, in bytes (frames times the frame size).
	FreeBytes, TotalBytes uint64

	// Map is the firmware's memory map as the boot loader passed it, in
	// its order.
	Map []MemRegion
}

// MemRegion is one entry of the firmware memory map.
type MemRegion struct {
	Base, Length uint64
	Type         string // "available", "reserved", "ACPI reclaimable", ...
}
