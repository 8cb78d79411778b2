package main

import (
	"unsafe"

	"gokernel/arch"
)

// cpuBlock is the per-CPU data that GS points to. The entry stubs in
// entry_amd64.s use its fields by offset (CPU_KSTACK and friends), which
// TestCPUBlockLayout checks.
type cpuBlock struct {
	self    uint64 // 0: address of this block
	kstack  uint64 // 8: top of the kernel stack, also TSS.RSP0
	scratch uint64 // 16: the user's RSP during the SYSCALL entry
	depth   uint64 // 24: kernel entries in progress; nonzero means "in the kernel"
}

var cpu0 cpuBlock

// initCPU points GS at cpu0. GS is never reloaded or swapped afterwards:
// the Go runtime uses only FS on linux/amd64.
//
//go:nosplit
func initCPU(kstack uint64) {
	cpu0.self = uint64(uintptr(unsafe.Pointer(&cpu0)))
	cpu0.kstack = kstack
	arch.Wrmsr(arch.MSR_GS_BASE, cpu0.self)
}

// Implemented in entry_amd64.s. None is called from Go: they are entered
// by the CPU (vectors, syscallEntry) or jumped to (trapCommon).
func vectors()
func trapCommon()
func syscallEntry()

// enterFrame starts running the state in f, which lies at the top of the
// kernel stack.
func enterFrame(f *arch.Frame)
func stubAddrs() (vectors, syscall uint64)
