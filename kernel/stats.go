package main

import (
	"unsafe"

	"gokernel/kernel/clock"
	"gokernel/kernel/mem"
	"gokernel/kernel/pit"
	"gokernel/kernel/sched"
)

// KernelStats is what opKernelStats copies out: counters the ring-0 core
// keeps, for tests and the shell.
type KernelStats struct {
	Ticks, Halts, Preemptions, Spurious7, Spurious15 uint64
	FreeFrames, TotalFrames, Threads                 uint64
	Uptime                                           uint64 // ns since the clock started, early in boot
}

//go:nosplit
func copyStats(addr uint64) bool {
	const n = uint64(unsafe.Sizeof(KernelStats{}))
	b, ok := mem.UserBytes(addr, n, true)
	if !ok || uint64(len(b)) < n {
		return false
	}
	*(*KernelStats)(unsafe.Pointer(&b[0])) = KernelStats{
		Ticks: pit.Ticks(), Halts: sched.Halts, Preemptions: sched.Preemptions,
		Spurious7: spurious[0], Spurious15: spurious[1],
		FreeFrames: mem.Frames.FreeCount(), TotalFrames: mem.Frames.Total(),
		Threads: uint64(sched.Count()), Uptime: uint64(clock.Nanotime()),
	}
	return true
}

// maxReadPhys bounds one opReadPhys copy.
const maxReadPhys = 1 << 20

// readPhys copies n bytes of physical memory at pa, through the direct map,
// to the user buffer at dst: how the kernel's Go code reads firmware tables
// (SMBIOS, ACPI), which lie outside its own address space.
//
//go:nosplit
func readPhys(pa, dst, n uint64) bool {
	if n > maxReadPhys || pa+n < pa || pa+n > mem.DirectMapSize {
		return false
	}
	b, ok := mem.UserBytes(dst, n, true)
	if !ok || uint64(len(b)) < n {
		return false
	}
	src := (*[maxReadPhys]byte)(unsafe.Pointer(mem.Virt(pa)))
	copy(b, src[:n:n])
	return true
}
