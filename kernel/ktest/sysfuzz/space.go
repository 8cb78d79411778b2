package sysfuzz

// Space is the fuzzer's own memory: one reservation laid out so that no
// call the fuzzer makes can reach memory it does not own. Every region is
// surrounded by PROT_NONE pages of the same reservation, and the kernel
// checks a whole user range before it writes any of it (mem.UserBytes),
// so a write that runs past a region fails with EFAULT at the guard
// instead of landing in the runtime's memory:
//
//	guard | scratch (RW) | guard | ro (PROT_READ) | guard | none (PROT_NONE)
//	| guard | arena (PROT_NONE at first; the fuzzer maps, protects and
//	unmaps in it) | guard
//
// Pointers the kernel writes through come from here (or are invalid);
// memory-changing calls (munmap, mprotect, madvise, MAP_FIXED) touch the
// arena only (or addresses where they must fail). An munmap leaves a hole
// the runtime's own mmap could take; holes stay below 64 KiB, smaller
// than any mapping the runtime makes without an address hint (its
// smallest, the GC's bitmap chunks, gcBitsChunkBytes, is 64 KiB), and are
// filled again at once with MAP_FIXED_NOREPLACE under Run's arena lock.
type Space struct {
	Base, Size               uintptr
	Scratch, RO, None, Arena Region
}

// Region is [Start, End).
type Region struct{ Start, End uintptr }

// Len returns the region's size.
func (r Region) Len() uintptr { return r.End - r.Start }

// Sizes of the regions, in pages.
const (
	page         = 4096
	scratchPages = 16
	roPages      = 4
	nonePages    = 4
	arenaPages   = 1024 // 4 MiB
	maxHole      = 64<<10 - page
)

// Layout returns the regions of a reservation at base, and its size.
func Layout(base uintptr) Space {
	s := Space{Base: base}
	at := base + page
	next := func(pages uintptr) Region {
		r := Region{at, at + pages*page}
		at = r.End + page // a guard page after each
		return r
	}
	s.Scratch = next(scratchPages)
	s.RO = next(roPages)
	s.None = next(nonePages)
	s.Arena = next(arenaPages)
	s.Size = at - base
	return s
}

// SpaceSize is the size of the reservation Layout lays out.
var SpaceSize = Layout(0).Size

// Contains reports whether [a, a+n) lies in the reservation.
func (s *Space) Contains(a, n uintptr) bool {
	return a >= s.Base && n <= s.Base+s.Size-a
}
