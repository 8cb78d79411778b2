package mem

import (
	"gokernel/arch"
	"gokernel/kernel/cpu"
	"gokernel/kernel/mem/phys"
	"gokernel/kernel/tlb"
)

// 4-level paging (SDM Vol. 3A §4.5): PML4 -> PDPT -> PD -> PT, 512 entries
// each, indexed by bits 47:39, 38:30, 29:21 and 20:12 of the address.

// Frames is the physical frame allocator. It lives here because page tables
// are its main client; the system calls reach it through mem as well.
var Frames phys.Allocator

var (
	root    uint64   // physical address of the PML4
	nx      arch.PTE // PTE_NX when the CPU supports it, else 0
	earlyHi uint64   // while > 0, page tables must come from below this address
)

type table [512]arch.PTE

// physView is where the page-table code sees physical memory: 0 for the
// direct map (the kernel), or the base of a buffer standing in for RAM
// (host tests, which also set hostTest to skip the privileged INVLPG).
var (
	physView uintptr
	hostTest bool
)

// frame returns the address at which physical address pa is accessed.
//
//go:nosplit
func frame(pa uint64) uintptr {
	if physView != 0 {
		return physView + uintptr(pa)
	}
	return Virt(pa)
}

//go:nosplit
func tableAt(pa uint64) *table { return (*table)(arch.Ptr(frame(pa))) }

// shootdown has every other CPU drop the translations it may cache after
// entries lost rights or went away, before the big kernel lock is
// released (kernel/tlb); this CPU's were dropped entry by entry (invlpg).
// One CPU: nothing to do.
//
//go:nosplit
func shootdown() {
	if !hostTest && cpu.Online() > 1 {
		tlb.Request()
	}
}

// invlpg drops va's translation from the TLB after its entry changed (SDM
// Vol. 3A §4.10.4.1).
//
//go:nosplit
func invlpg(va uintptr) {
	if !hostTest {
		arch.Invlpg(va)
	}
}

//go:nosplit
func index(va uintptr, level uint) uint { return uint(va>>(PageShift+9*level)) & 511 }

// allocFrame returns a zeroed frame.
//
//go:nosplit
func allocFrame() (uint64, bool) {
	if pa := takeSpare(); pa != 0 {
		return pa, true
	}
	var pa uint64
	var ok bool
	if earlyHi != 0 {
		pa, ok = Frames.AllocBelow(earlyHi)
	} else {
		pa, ok = Frames.Alloc()
	}
	if ok {
		*tableAt(pa) = table{}
	}
	return pa, ok
}

// walk returns the entry for va at level (0 = PT, 1 = PD, 2 = PDPT) in the
// tables under root, creating missing tables if create is set. Tables
// above a user address, or an address in the kernel image's window (whose
// Go segments the kernel's own program runs from), are user-accessible:
// the leaf decides the access (SDM Vol. 3A §4.6.1: the rights are those
// of every level combined). The window shares its PML4 entry with the
// kernel stacks' area, so Setup maps the image first: the entry is made
// user-accessible then, and the stacks' own tables below it are not. It returns nil if a table is missing (and
// create is false), if memory ran out, or if a large page is in the way.
//
//go:nosplit
func walk(va uintptr, level uint, create bool) *arch.PTE {
	t := tableAt(root)
	for l := uint(3); l > level; l-- {
		e := &t[index(va, l)]
		if !e.Present() {
			if !create {
				return nil
			}
			pa, ok := allocFrame()
			if !ok {
				return nil
			}
			flags := arch.PTE_P | arch.PTE_W
			if va < UserMax || va >= KernelBase {
				flags |= arch.PTE_U
			}
			*e = arch.PTE(pa) | flags
		} else if *e&arch.PTE_PS != 0 {
			return nil
		}
		t = tableAt(e.Addr())
	}
	return &t[index(va, level)]
}

// Map maps the 4 KiB page at va to frame pa with flags (PTE_P is added).
// It returns false when a page table could not be allocated.
//
//go:nosplit
func Map(va uintptr, pa uint64, flags arch.PTE) bool {
	e := walk(va, 0, true)
	if e == nil {
		return false
	}
	*e = arch.PTE(pa)&arch.PTE_ADDR | flags | arch.PTE_P
	invlpg(va)
	return true
}

// mapLarge maps the 2 MiB page at va to pa (both 2 MiB aligned).
//
//go:nosplit
func mapLarge(va uintptr, pa uint64, flags arch.PTE) bool {
	e := walk(va, 1, true)
	if e == nil {
		return false
	}
	*e = arch.PTE(pa)&arch.PTE_ADDR | flags | arch.PTE_P | arch.PTE_PS
	return true
}

// Lookup returns the leaf entry mapping va, or 0.
//
//go:nosplit
func Lookup(va uintptr) arch.PTE {
	if e := walk(va, 0, false); e != nil {
		return *e
	}
	return 0
}

// SetFlags rewrites the flags of va's entry if it is present.
//
//go:nosplit
func SetFlags(va uintptr, flags arch.PTE) {
	if e := walk(va, 0, false); e != nil && e.Present() {
		setFlags(e, va, flags)
		shootdown()
	}
}

// setFlags rewrites the flags of the present entry e, which maps va. The
// shared zero page never becomes writable: a write to it faults and gets
// a page of its own (Fault).
//
//go:nosplit
func setFlags(e *arch.PTE, va uintptr, flags arch.PTE) {
	if e.Addr() == zeroPage && zeroPage != 0 {
		flags &^= arch.PTE_W
	}
	*e = arch.PTE(e.Addr()) | flags | arch.PTE_P
	invlpg(va)
}

// leaf returns the page-table entry (level 0) for va, if the tables above
// it exist. Otherwise it returns nil and the next address at which one
// may: va rounded up to the span of the first missing entry on the way
// down (2 MiB, 1 GiB or 512 GiB), or 0 if that wraps around. Large pages
// (only in the kernel half) count as missing.
//
//go:nosplit
func leaf(va uintptr) (*arch.PTE, uintptr) {
	t := tableAt(root)
	for l := uint(3); l > 0; l-- {
		e := &t[index(va, l)]
		if !e.Present() || *e&arch.PTE_PS != 0 {
			span := uintptr(1) << (PageShift + 9*l)
			return nil, (va + span) &^ (span - 1)
		}
		t = tableAt(e.Addr())
	}
	return &t[index(va, 0)], 0
}

// Range walks. UnmapRange and ProtectRange visit only the page tables
// that exist: a missing table at any level is skipped whole, so their
// cost is at most 512 entries per page table present in the range (plus
// one step per missing entry above them), bounded by the memory the
// tables occupy, not by the range's size. A 32 TiB PROT_NONE reservation
// with nothing touched costs a few dozen steps.

// nextLeaf returns the first present entry at or after va and below end,
// and its address, or nil.
//
//go:nosplit
func nextLeaf(va, end uintptr) (*arch.PTE, uintptr) {
	for va < end {
		e, next := leaf(va)
		if e == nil {
			if next <= va {
				return nil, end // wrapped around: nothing above
			}
			va = next
			continue
		}
		if e.Present() {
			return e, va
		}
		va += PageSize
	}
	return nil, end
}

// UnmapRange removes the 4 KiB mappings in [start, end) and frees their
// frames (never the shared zero page's). With other CPUs running, the
// frames wait for the shootdown that drops their translations (mm.go), so
// a freed frame is never reached through a stale one. Preconditions: the
// mm lock is held (LockMM).
//
//go:nosplit
func UnmapRange(start, end uintptr) {
	any := false
	for va := start; ; va += PageSize {
		var e *arch.PTE
		if e, va = nextLeaf(va, end); e == nil {
			break
		}
		pa := e.Addr()
		*e = 0
		invlpg(va)
		any = true
		if pa != zeroPage {
			freeUserFrame(pa)
		}
	}
	if any {
		shootdown()
	}
}

// ProtectRange rewrites the flags of the present 4 KiB mappings in
// [start, end), as SetFlags does for one.
//
//go:nosplit
func ProtectRange(start, end uintptr, flags arch.PTE) {
	any := false
	for va := start; ; va += PageSize {
		var e *arch.PTE
		if e, va = nextLeaf(va, end); e == nil {
			break
		}
		setFlags(e, va, flags)
		any = true
	}
	if any {
		shootdown()
	}
}

// Unmap removes the 4 KiB mapping of va without freeing its frame: for a
// page the kernel mapped for a while (the AP trampoline).
//
//go:nosplit
func Unmap(va uintptr) {
	if e := walk(va, 0, false); e != nil && e.Present() {
		*e = 0
		invlpg(va)
	}
}
