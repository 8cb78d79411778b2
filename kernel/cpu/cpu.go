// Package cpu is the per-CPU data that GS points to in ring 0: the kernel
// stack's top, the user's stack pointer during a SYSCALL entry, and the
// count of kernel entries in progress. The entry stubs in
// kernel/entry_amd64.s use its fields by offset (CPU_KSTACK and friends),
// which TestBlockLayout checks.
//
// Ring 0: //go:nosplit, no allocation. GS is set once at boot and never
// swapped: the Go runtime uses only FS on linux/amd64.
package cpu

import (
	"unsafe"

	"gokernel/arch"
)

// Block is one CPU's data.
type Block struct {
	self    uint64 // 0: address of this block
	kstack  uint64 // 8: top of the kernel stack, also TSS.RSP0
	scratch uint64 // 16: the user's RSP during the SYSCALL entry
	depth   uint64 // 24: kernel entries in progress; nonzero means "in the kernel"
}

var boot Block // the boot CPU's

// Init points GS at the boot CPU's block, whose kernel stack ends at
// kstack.
//
//go:nosplit
func Init(kstack uint64) {
	boot.self = uint64(uintptr(unsafe.Pointer(&boot)))
	boot.kstack = kstack
	arch.Wrmsr(arch.MSR_GS_BASE, boot.self)
}

// KernelStackTop returns the top of this CPU's kernel stack.
//
//go:nosplit
func KernelStackTop() uint64 { return boot.kstack }

// LeaveKernel resets the count of kernel entries: for a kernel entry that
// is abandoned rather than returned from (a fault in ring 0 whose stack
// the kernel gives up).
//
//go:nosplit
func LeaveKernel() { boot.depth = 0 }
