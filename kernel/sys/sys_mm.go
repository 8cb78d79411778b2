package sys

import (
	"gokernel/arch"
	"gokernel/kernel/linux"
	"gokernel/kernel/mem"
	"gokernel/kernel/mem/vma"
	"gokernel/kernel/sys/args"
)

// Memory: mmap and friends over mem.User, the area list. Pages are not
// allocated here; the page-fault handler gives an area's pages zeroed
// frames on first touch, so reservations cost nothing. Each call holds the
// mm lock (kernel/mem, mm.go), since page faults from other CPUs do not
// wait for the big kernel lock.

//go:nosplit
func sysMmap(f *arch.Frame) uint64 {
	mem.LockMM()
	r := mmap(f)
	mem.UnlockMM()
	return r
}

//go:nosplit
func sysMunmap(f *arch.Frame) uint64 {
	mem.LockMM()
	r := munmap(f)
	mem.UnlockMM()
	return r
}

//go:nosplit
func sysMprotect(f *arch.Frame) uint64 {
	mem.LockMM()
	r := mprotect(f)
	mem.UnlockMM()
	return r
}

//go:nosplit
func sysMadvise(f *arch.Frame) uint64 {
	mem.LockMM()
	r := madvise(f)
	mem.UnlockMM()
	return r
}

// vmaErrno maps an area-list error to its errno. A type assertion, not an
// interface comparison: comparing interfaces calls into the runtime.
//
//go:nosplit
func vmaErrno(err error) linux.Errno {
	if e, ok := err.(vma.Error); ok {
		return linux.Errno(e.Errno())
	}
	return linux.ENOMEM
}

// Memory pressure. Pages are allocated on first touch, so mmap cannot know
// what a mapping will cost; mappings are often sparse (the runtime's heap
// arena map is 32 MiB of which it touches a few pages). The kernel refuses
// a writable mapping that is absurd for the machine, in the spirit of
// Linux's heuristic overcommit (Linux compares with RAM plus swap; we allow
// four times RAM so that the runtime's sparse maps fit small machines), and
// any writable mapping once free memory has fallen below a low-water mark. The Go runtime maps heap memory
// writable in 4 MiB chunks before it touches it, so its next heap growth
// fails with ENOMEM while the frames for the chunks it already mapped are
// still there: it then stops with its own "out of memory" fatal error
// instead of the kernel running out of frames in a page fault.
//
//go:nosplit
func commitOK(length uint64) bool {
	free := mem.Frames.FreeCount() * mem.PageSize
	return length/4 <= mem.Frames.Total()*mem.PageSize && free >= mem.LowWater
}

//go:nosplit
func mmap(f *arch.Frame) uint64 {
	addr, length, prot, flags := arg1(f), arg2(f), arg3(f), arg4(f)
	if length == 0 || prot&^uint64(linux.PROT_READ|linux.PROT_WRITE|linux.PROT_EXEC) != 0 {
		return linux.EINVAL.Ret()
	}
	// Linux ignores fd for an anonymous mapping (mm/mmap.c ksys_mmap_pgoff
	// looks the descriptor up only without MAP_ANONYMOUS); Go's bytes
	// tests map with fd 0.
	if flags&linux.MAP_ANONYMOUS == 0 {
		return linux.ENODEV.Ret()
	}
	how := vma.Hint
	switch {
	case flags&linux.MAP_FIXED != 0:
		how = vma.Fixed
	case flags&linux.MAP_FIXED_NOREPLACE != 0:
		how = vma.FixedNoReplace
	default:
		addr = mem.PageRoundDown(addr)
	}
	length = mem.PageRoundUp(length)
	if length == 0 { // rounding overflowed
		return linux.ENOMEM.Ret()
	}
	if prot&linux.PROT_WRITE != 0 && !commitOK(length) {
		return linux.ENOMEM.Ret()
	}
	got, err := mem.User.Map(addr, length, uint32(prot), 0, how)
	if err != nil {
		return vmaErrno(err).Ret()
	}
	if how == vma.Fixed {
		// MAP_FIXED replaces what was there: its old pages go, and the new
		// mapping reads as zeros.
		mem.UnmapRange(uintptr(got), uintptr(got+length))
	}
	return got
}

// munmap removes [addr, addr+length) from the area list and frees its
// pages; pages nobody mapped, including those below the mmap area, are no
// error (args.Munmap has the checks).
//
//go:nosplit
func munmap(f *arch.Frame) uint64 {
	addr := arg1(f)
	length, e := args.Munmap(addr, arg2(f))
	if e != 0 {
		return e.Ret()
	}
	if err := mem.User.Unmap(addr, length); err != nil {
		return vmaErrno(err).Ret()
	}
	unmapPages(addr, addr+length)
	return 0
}

// unmapPages frees the pages of [start, end) that lie in the mmap area
// [UserMin, UserMax): the part below it (the kernel image) is never
// unmapped. Preconditions: start <= end <= UserMax.
//
//go:nosplit
func unmapPages(start, end uint64) {
	start = max(start, mem.UserMin)
	end = min(end, mem.UserMax)
	if start < end {
		mem.UnmapRange(uintptr(start), uintptr(end))
	}
}

// mprotect changes the protection of [addr, addr+length), which must be
// mapped (args.Mprotect has the checks).
//
//go:nosplit
func mprotect(f *arch.Frame) uint64 {
	addr, prot := arg1(f), uint32(arg3(f))
	length, done, e := args.Mprotect(addr, arg2(f), prot)
	if done || e != 0 {
		return e.Ret()
	}
	if prot&linux.PROT_WRITE != 0 && !commitOK(length) {
		return linux.ENOMEM.Ret()
	}
	if err := mem.User.Protect(addr, length, prot); err != nil {
		return vmaErrno(err).Ret()
	}
	// Present pages take the new protection. PROT_NONE keeps the frame but
	// drops the user bit, so a ring-3 access faults as a protection error
	// and the contents survive a later mprotect back. ProtectRange visits
	// only the page tables that exist, so a huge reservation costs little.
	flags := mem.PageFlags(prot)
	if prot == linux.PROT_NONE {
		flags = mem.NX()
	}
	mem.ProtectRange(uintptr(addr), uintptr(addr+length), flags)
	return 0
}

// madvise takes advice about [addr, addr+length) (args.Madvise has the
// checks): DONTNEED and FREE release the pages, so that private anonymous
// memory reads as zeros, as after Linux's DONTNEED; the rest is accepted
// and ignored. A range with unmapped pages is ENOMEM, after the advice is
// applied to the mapped ones, as in Linux's madvise_walk_vmas.
//
//go:nosplit
func madvise(f *arch.Frame) uint64 {
	addr, advice := arg1(f), arg3(f)
	rounded, done, e := args.Madvise(addr, arg2(f), advice)
	if done || e != 0 {
		return e.Ret()
	}
	end := addr + rounded
	if advice == linux.MADV_DONTNEED || advice == linux.MADV_FREE {
		if addr < mem.UserMax {
			unmapPages(addr, min(end, mem.UserMax))
		}
	}
	if !mem.Mapped(addr, rounded) {
		return linux.ENOMEM.Ret()
	}
	return 0
}

//go:nosplit
func sysPrctl(f *arch.Frame) uint64 { return linux.EINVAL.Ret() }
