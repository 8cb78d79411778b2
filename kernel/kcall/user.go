package kcall

import (
	"errors"
	"syscall"
	"time"
	"unsafe"

	"gokernel/kernel/irq"
	"gokernel/kernel/sys"
)

// The ring-3 side: typed wrappers that the kernel's Go program calls.
// They use syscall.Syscall, not RawSyscall, where the call may block, so
// the runtime lends the processor to other goroutines meanwhile.

func call(o Op, a1, a2, a3 uintptr) (uintptr, uintptr, error) {
	r1, r2, e := syscall.Syscall6(Number, uintptr(o), a1, a2, a3, 0, 0)
	if e != 0 {
		return r1, r2, e
	}
	return r1, r2, nil
}

// WaitForFault blocks the calling thread until the kernel faults in ring
// 0. Only the fault reporter calls it, on a thread of its own.
func WaitForFault() { call(FaultWait, 0, 0, 0) }

// FaultReported tells the kernel that the reporter printed its part of a
// kernel fault; the kernel stops. It does not return.
func FaultReported() { call(FaultDone, 0, 0, 0) }

// WaitInterrupt blocks the calling thread until the next hardware
// interrupt, or until timeout has passed if it is positive. The caller has
// disabled interrupts (CLI) after finding nothing to do; see the
// executor's idle in kernel/tasks.
func WaitInterrupt(timeout time.Duration) {
	call(WaitIRQ, uintptr(max(timeout, 0)), 0, 0)
}

// Park is the executor's WaitFunc in the kernel (task.Config.Wait): it
// blocks the calling thread while *word == val, until a FUTEX_WAKE of
// word, the next hardware interrupt, or timeout (negative: none). A
// runner parks on it, so an interrupt handler that queued a task for the
// runner (and could only mark the word, task/idle.go) ends the wait.
func Park(word *uint32, val uint32, timeout time.Duration) {
	var ns uintptr // 0: no limit
	switch {
	case timeout == 0:
		return
	case timeout > 0:
		ns = uintptr(timeout)
	}
	call(WaitIRQ, ns, uintptr(unsafe.Pointer(word)), uintptr(val))
}

// sysGetcpu is getcpu(2)'s number on linux/amd64, which package syscall
// does not name.
const sysGetcpu = 309

// GetCPU returns the CPU the calling thread runs on (getcpu(2)), or -1.
func GetCPU() int {
	var c uint32
	if _, _, e := syscall.RawSyscall(sysGetcpu, uintptr(unsafe.Pointer(&c)), 0, 0); e != 0 {
		return -1
	}
	return int(c)
}

// EnableInterrupt enables interrupt line irq, which must be one the
// kernel has a handler for.
func EnableInterrupt(irq int) error {
	_, _, err := call(EnableIRQ, uintptr(irq), 0, 0)
	return err
}

// ReadStats returns the ring-0 core's counters.
func ReadStats() (Stats, error) {
	var st Stats
	_, _, err := call(KernelStats, uintptr(unsafe.Pointer(&st)), 0, 0)
	return st, err
}

// ReadPhysical reads n bytes of physical memory at addr: how the
// firmware-table parsers read the tables.
func ReadPhysical(addr uint64, n int) ([]byte, error) {
	b := make([]byte, n)
	if n == 0 {
		return b, nil
	}
	if _, _, err := call(ReadPhys, uintptr(addr), uintptr(unsafe.Pointer(&b[0])), uintptr(n)); err != nil {
		return nil, err
	}
	return b, nil
}

// ResetMachine resets the machine. It returns only if the ring-0 core
// refused.
func ResetMachine() { call(Reboot, 0, 0, 0) }

// PowerOffMachine switches the machine off through ACPI (S5). It returns
// only if that failed, saying why.
func PowerOffMachine() error {
	_, _, err := call(PowerOff, 0, 0, 0)
	switch err {
	case syscall.ENODEV:
		return errors.New("the firmware's ACPI tables give no way to switch off (no PM1 control block or no \\_S5 package)")
	case syscall.EIO:
		return errors.New("the chipset did not switch off after the ACPI S5 writes")
	}
	return err
}

// HaltMachine stops the CPU for good. It returns only if the ring-0 core
// refused.
func HaltMachine() { call(Halt, 0, 0, 0) }

// ReadSyscallCounts returns the system-call counts since boot, indexed by
// call number (numbers from sys.MaxCounted-1 on, the private call among
// them, share the last entry).
func ReadSyscallCounts() (*[sys.MaxCounted]sys.Count, error) {
	c := new([sys.MaxCounted]sys.Count)
	if _, _, err := call(SyscallCounts, uintptr(unsafe.Pointer(c)), unsafe.Sizeof(*c), 0); err != nil {
		return nil, err
	}
	return c, nil
}

// Test makes test operation o (test mode only) and returns RAX and RDX.
func Test(o Op, arg uintptr) (uintptr, uintptr, error) { return call(o, arg, 0, 0) }

// ReadCPUs returns the online CPUs with their counters.
func ReadCPUs() ([]CPU, error) {
	t := new(CPUs)
	if _, _, err := call(CPUTable, uintptr(unsafe.Pointer(t)), 0, 0); err != nil {
		return nil, err
	}
	return t.CPU[:min(t.N, uint64(len(t.CPU)))], nil
}

// ReadIRQTable returns the interrupt controller's lines, routes and counts.
func ReadIRQTable() (*irq.Table, error) {
	t := new(irq.Table)
	if _, _, err := call(IRQTable, uintptr(unsafe.Pointer(t)), 0, 0); err != nil {
		return nil, err
	}
	return t, nil
}

// MapDeviceMemory maps n bytes of device registers at physical address
// pa, uncached, and returns the address of pa in the device area. The
// kernel refuses RAM, its own devices and the first MiB.
func MapDeviceMemory(pa uint64, n uint64) (uintptr, error) {
	va, _, err := call(MapDevice, uintptr(pa), uintptr(n), 0)
	return va, err
}

// AllocDMAPages allocates n (1 to 16) zeroed, physically contiguous
// pages that a device may read and write, below 4 GiB if below4G, and
// returns their virtual and physical addresses. The pages are never
// given back: keep the ones no longer needed for the next use.
func AllocDMAPages(n int, below4G bool) (va uintptr, pa uint64, err error) {
	var flags uintptr
	if below4G {
		flags = DMABelow4G
	}
	v, p, err := call(AllocDMA, uintptr(n), flags, 0)
	return v, uint64(p), err
}

// AllocMSIVector hands out an interrupt vector for MSI or MSI-X and the
// APIC ID of the CPU the message must name; set the task to wake with
// irq.SetMSIWaker.
func AllocMSIVector() (vector uint8, apicID uint32, err error) {
	v, id, err := call(AllocVector, 0, 0, 0)
	return uint8(v), uint32(id), err
}
