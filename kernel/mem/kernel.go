package mem

import (
	"gokernel/arch"
	"gokernel/kernel/mem/phys"
)

// Segment is a piece of the kernel image to map at its link address, or
// of a program's (User).
type Segment struct {
	Start, End uint64 // page aligned virtual addresses
	Flags      arch.PTE
}

// Stack describes a kernel stack made by Setup: [Bottom, Top), with an
// unmapped guard page below Bottom.
type Stack struct{ Bottom, Top uint64 }

// Kernel stacks of a CPU: the main one for entries from ring 3, and one
// interrupt stack each for double fault, NMI and machine check. Stacks
// are CPU 0's; CPUStacks maps another CPU's.
const (
	KernelStackSize = 32 << 10
	ISTStackSize    = 16 << 10
	NumStacks       = 4
)

// Stacks holds the stacks Setup made: 0 the kernel stack, 1-3 the IST stacks.
var Stacks [NumStacks]Stack

// Setup builds the kernel's page tables and switches to them.
//
//   - the direct map of physical memory [0, top) at DirectMap, with 2 MiB
//     pages, supervisor only, not executable;
//   - the kernel image segments, at KernelBase + their physical address,
//     with their own flags;
//   - kernel stacks with guard pages in the KernelStacks area.
//
// Preconditions: interrupts disabled; Frames initialised; the boot stub's
// tables are active, so only frames below 4 GiB are reachable through the
// direct map until the switch.
//
//go:nosplit
func Setup(top uint64, segs []Segment) bool {
	if arch.HasNX() {
		arch.Wrmsr(arch.MSR_EFER, arch.Rdmsr(arch.MSR_EFER)|arch.EFER_NXE)
		nx = arch.PTE_NX
	}
	earlyHi = 4 << 30
	pa, ok := allocFrame()
	if !ok {
		return false
	}
	root = pa
	if top < 4<<30 {
		top = 4 << 30 // device memory below 4 GiB (VGA, APIC, framebuffers) is reachable too
	}
	top = (top + (1 << 21) - 1) &^ ((1 << 21) - 1)
	DirectMapSize = top
	for p := uint64(0); p < top; p += 1 << 21 {
		if !mapLarge(Virt(p), p, arch.PTE_W|nx) {
			return false
		}
	}
	for _, s := range segs {
		for p := s.Start; p < s.End; p += PageSize {
			if !Map(uintptr(p), ImagePhys(p), s.Flags&^arch.PTE_NX|s.Flags&nx) {
				return false
			}
		}
	}
	if !mapStacks(0, &Stacks) {
		return false
	}
	arch.WriteCR3(root)
	arch.WriteCR0(arch.ReadCR0() | arch.CR0_WP)
	earlyHi = 0
	return true
}

// cpuStacksStride is the room each CPU's stacks take in the KernelStacks
// area: the four stacks and their guard pages fit in it.
const cpuStacksStride = 128 << 10

// mapStacks maps CPU i's stacks, each above an unmapped guard page, into
// st. Ring 0, interrupts off.
//
//go:nosplit
func mapStacks(i int, st *[NumStacks]Stack) bool {
	sizes := [NumStacks]uint64{KernelStackSize, ISTStackSize, ISTStackSize, ISTStackSize}
	va := uint64(KernelStacks) + uint64(i)*cpuStacksStride
	for k := range st {
		va += PageSize // guard page, never mapped
		bottom := va
		for end := va + sizes[k]; va < end; va += PageSize {
			f, ok := allocFrame()
			if !ok || !Map(uintptr(va), f, arch.PTE_W|nx) {
				return false
			}
		}
		st[k] = Stack{bottom, va}
	}
	return true
}

// CPUStacks maps the stacks of CPU i (an AP about to start), its kernel
// stack first, then the three IST stacks. Ring 0.
//
//go:nosplit
func CPUStacks(i int) (st [NumStacks]Stack, ok bool) {
	if i <= 0 {
		return Stacks, true
	}
	ok = mapStacks(i, &st)
	return st, ok
}

// DirectMapSize is how much physical memory the direct map covers.
var DirectMapSize uint64

// NX returns the no-execute bit if paging uses it, else 0.
//
//go:nosplit
func NX() arch.PTE { return nx }

var _ = phys.PageSize
