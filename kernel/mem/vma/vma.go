// Package vma keeps the list of mapped areas of an address space: the state
// behind the kernel's mmap, munmap and mprotect.
//
// A Space holds up to MaxAreas areas in a fixed array, sorted by start
// address, non-overlapping and page aligned; adjacent areas with equal Prot
// and Flags are always merged, so the list is canonical: two Spaces with the
// same pages mapped the same way hold identical lists.
//
// The semantics follow Linux where the Go runtime depends on them: a hint is
// honoured when the range is free, free space is searched top-down, MAP_FIXED
// replaces whatever is mapped, munmap of unmapped pages succeeds, and
// mprotect fails with ENOMEM over holes. Unlike Linux, every operation is
// atomic: when one returns an error the Space is unchanged.
//
// The package runs in the kernel's ring-0 core, so it never allocates, holds
// no Go pointers in its data, and every function is nosplit with a small
// frame.
package vma

import "gokernel/kernel/spin"

// PageSize is the granularity of mappings.
const PageSize = 4096

// MaxAreas is the capacity of a Space.
const MaxAreas = 1024

// Protection bits (as for mmap and mprotect).
const (
	PROT_NONE  = 0
	PROT_READ  = 1
	PROT_WRITE = 2
	PROT_EXEC  = 4

	protMask = PROT_READ | PROT_WRITE | PROT_EXEC
	pageMask = PageSize - 1
)

// Error is an error of this package. Its values are the Linux errno numbers
// the system-call layer should return.
type Error uint8

// Errors.
const (
	ErrNoMem Error = 12 // ENOMEM: no room, or (Protect) part of the range is unmapped
	ErrExist Error = 17 // EEXIST: FixedNoReplace over an existing mapping
	ErrInval Error = 22 // EINVAL: bad argument
)

// Error implements error.
//
//go:nosplit
func (e Error) Error() string {
	switch e {
	case ErrNoMem:
		return "vma: out of memory"
	case ErrExist:
		return "vma: mapping exists"
	case ErrInval:
		return "vma: invalid argument"
	}
	return "vma: unknown error"
}

// Errno returns the Linux errno number for e.
//
//go:nosplit
func (e Error) Errno() uintptr { return uintptr(e) }

// MapHow says how Map treats its address.
type MapHow uint8

const (
	// Hint uses addr (rounded up to a page) if the range there is free and
	// inside the Space, and otherwise searches for room. addr 0 means no
	// hint.
	Hint MapHow = iota
	// Fixed maps exactly at addr, replacing whatever is mapped there
	// (MAP_FIXED).
	Fixed
	// FixedNoReplace maps exactly at addr, failing with ErrExist if any
	// page there is mapped (MAP_FIXED_NOREPLACE).
	FixedNoReplace
)

// Area is one mapping: [Start, End) with its protection and flags. Flags are
// opaque to this package (the kernel's MAP_* bits); areas merge only when
// both Prot and Flags are equal.
type Area struct {
	Start, End uint64
	Prot       uint32
	Flags      uint32
}

//go:nosplit
func (a *Area) attr() uint64 { return uint64(a.Prot)<<32 | uint64(a.Flags) }

//go:nosplit
func mkattr(prot, flags uint32) uint64 { return uint64(prot)<<32 | uint64(flags) }

// Space is the list of areas of one address space. It is large (MaxAreas
// entries), holds no pointers, and must not be copied: use *Space. The zero
// value is an empty Space with no room; call Init. It is safe for
// concurrent use: every method takes its leaf spin lock (kernel/spin); the
// ...Locked methods are the bodies, run with the lock held. A sequence of
// calls that must see one state (look up an area, then map its page) needs
// the caller's lock as well (kernel/mem's).
type Space struct {
	lo, hi uint64 // mappings live in [lo, hi)
	n      int    // number of areas in use: <= MaxAreas between operations
	// areas[:n] are the areas. The two spare slots let an edit split the
	// areas at both ends of its range before merging; it checks beforehand
	// that the final count fits in MaxAreas.
	areas [MaxAreas + 2]Area
	lock  spin.Leaf
}

// lastSlot is the index of the last slot of Space.areas.
const lastSlot = MaxAreas + 1

// Init empties s and bounds its mappings to [lo, hi) (lo rounded up and hi
// rounded down to pages).
//
//go:nosplit
func (s *Space) Init(lo, hi uint64) {
	s.lock.Lock()
	s.initLocked(lo, hi)
	s.lock.Unlock()
}

//go:nosplit
func (s *Space) initLocked(lo, hi uint64) {
	if lo > ^uint64(pageMask) {
		lo = ^uint64(pageMask)
	} else {
		lo = (lo + pageMask) &^ pageMask
	}
	hi &^= pageMask
	if hi < lo {
		hi = lo
	}
	s.lo, s.hi = lo, hi
	s.n = 0
}

// Bounds returns the range given to Init (page aligned).
//
//go:nosplit
func (s *Space) Bounds() (lo, hi uint64) {
	s.lock.Lock()
	r0, r1 := s.boundsLocked()
	s.lock.Unlock()
	return r0, r1
}

//go:nosplit
func (s *Space) boundsLocked() (lo, hi uint64) { return s.lo, s.hi }

// Len returns the number of areas.
//
//go:nosplit
func (s *Space) Len() int {
	s.lock.Lock()
	r := s.lenLocked()
	s.lock.Unlock()
	return r
}

//go:nosplit
func (s *Space) lenLocked() int { return s.count() }

// At returns area i (0 <= i < Len()), in address order; the zero Area if i
// is out of range.
//
//go:nosplit
func (s *Space) At(i int) Area {
	s.lock.Lock()
	r := s.atLocked(i)
	s.lock.Unlock()
	return r
}

//go:nosplit
func (s *Space) atLocked(i int) Area {
	if i < 0 || i >= s.count() {
		return Area{}
	}
	return *s.at(i)
}

// at returns a pointer to areas[k]. Callers keep 0 <= k < len(areas); the
// clamp, a no-op for such k, lets the compiler drop the bounds check, so
// there is no panic path.
//
//go:nosplit
func (s *Space) at(k int) *Area { return &s.areas[min(uint(k), lastSlot)] }

// count returns s.n, clamped (a no-op) to the array.
//
//go:nosplit
func (s *Space) count() int { return int(min(uint(s.n), lastSlot+1)) }

// MappedBytes returns the total size of all areas.
//
//go:nosplit
func (s *Space) MappedBytes() uint64 {
	s.lock.Lock()
	r := s.mappedBytesLocked()
	s.lock.Unlock()
	return r
}

//go:nosplit
func (s *Space) mappedBytesLocked() uint64 {
	var sum uint64
	n := s.count()
	for i := 0; i < n; i++ {
		sum += s.at(i).End - s.at(i).Start
	}
	return sum
}

// find returns the index of the first area that ends above addr (the one
// containing addr, or the first one after it), or Len() if there is none.
//
//go:nosplit
func (s *Space) find(addr uint64) int {
	lo, hi := 0, s.count()
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if s.at(mid).End > addr {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// findFrom returns the index of the first area at or after i that starts at
// or above addr, or Len().
//
//go:nosplit
func (s *Space) findFrom(i int, addr uint64) int {
	lo, hi := i, s.count()
	if lo < 0 {
		lo = 0
	}
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if s.at(mid).Start >= addr {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// Lookup returns the area containing addr.
//
//go:nosplit
func (s *Space) Lookup(addr uint64) (Area, bool) {
	s.lock.Lock()
	r0, r1 := s.lookupLocked(addr)
	s.lock.Unlock()
	return r0, r1
}

//go:nosplit
func (s *Space) lookupLocked(addr uint64) (Area, bool) {
	i := s.find(addr)
	if i < s.count() && s.at(i).Start <= addr {
		return *s.at(i), true
	}
	return Area{}, false
}

// isFree reports whether no area overlaps [a, b).
//
//go:nosplit
func (s *Space) isFree(a, b uint64) bool {
	i := s.find(a)
	return i >= s.count() || s.at(i).Start >= b
}

// Covered reports whether every byte of [addr, addr+length) is mapped with
// at least the protection bits in prot. It is false if the range wraps
// around, and true for length 0.
//
//go:nosplit
func (s *Space) Covered(addr, length uint64, prot uint32) bool {
	s.lock.Lock()
	r := s.coveredLocked(addr, length, prot)
	s.lock.Unlock()
	return r
}

//go:nosplit
func (s *Space) coveredLocked(addr, length uint64, prot uint32) bool {
	if length == 0 {
		return true
	}
	end := addr + length
	if end < addr {
		return false
	}
	n := s.count()
	for i := s.find(addr); addr < end; i++ {
		if i >= n {
			return false
		}
		ar := s.at(i)
		if ar.Start > addr || ar.Prot&prot != prot {
			return false
		}
		addr = ar.End
	}
	return true
}

// roundLen rounds length up to pages; ok is false if it is 0 or the
// rounding overflows.
//
//go:nosplit
func roundLen(length uint64) (uint64, bool) {
	if length == 0 || length > ^uint64(pageMask) {
		return 0, false
	}
	return (length + pageMask) &^ pageMask, true
}

// Map creates a mapping of length bytes (rounded up to pages) with prot and
// flags and returns its address. how says how addr is used (see MapHow).
// The new area replaces (Fixed) or never overlaps (Hint, FixedNoReplace)
// existing ones, and merges with equal neighbours.
//
// Errors: ErrInval for zero or overflowing length, unknown prot bits, an
// unknown how, or, for Fixed and FixedNoReplace, an unaligned addr or a
// range not inside the Space; ErrExist for FixedNoReplace over a mapping;
// ErrNoMem if no free range fits or the result would need more than MaxAreas
// areas.
//
//go:nosplit
func (s *Space) Map(addr, length uint64, prot, flags uint32, how MapHow) (uint64, error) {
	s.lock.Lock()
	r0, r1 := s.mapLocked(addr, length, prot, flags, how)
	s.lock.Unlock()
	return r0, r1
}

//go:nosplit
func (s *Space) mapLocked(addr, length uint64, prot, flags uint32, how MapHow) (uint64, error) {
	length, ok := roundLen(length)
	if !ok || prot&^protMask != 0 {
		return 0, ErrInval
	}
	switch how {
	case Fixed, FixedNoReplace:
		if addr&pageMask != 0 || addr < s.lo || addr > s.hi || length > s.hi-addr {
			return 0, ErrInval
		}
		if how == FixedNoReplace && !s.isFree(addr, addr+length) {
			return 0, ErrExist
		}
	case Hint:
		if !s.hintOK(addr, length) {
			addr, ok = s.search(length)
			if !ok {
				return 0, ErrNoMem
			}
		} else {
			addr = (addr + pageMask) &^ pageMask
		}
	default:
		return 0, ErrInval
	}
	if err := s.edit(addr, addr+length, opMap, mkattr(prot, flags)); err != nil {
		return 0, err
	}
	return addr, nil
}

// hintOK reports whether the hint addr (rounded up to a page) leaves room
// for length bytes inside the Space without overlapping any area.
//
//go:nosplit
func (s *Space) hintOK(addr, length uint64) bool {
	if addr == 0 || addr > ^uint64(pageMask) {
		return false
	}
	addr = (addr + pageMask) &^ pageMask
	if addr < s.lo || addr > s.hi || length > s.hi-addr {
		return false
	}
	return s.isFree(addr, addr+length)
}

// search returns the highest address at which length bytes fit in a free
// gap: the top of the highest gap that is large enough.
//
//go:nosplit
func (s *Space) search(length uint64) (uint64, bool) {
	n := s.count()
	top := s.hi
	for i := n - 1; i >= 0; i-- {
		ar := s.at(i)
		if top-ar.End >= length {
			return top - length, true
		}
		top = ar.Start
	}
	if top-s.lo >= length {
		return top - length, true
	}
	return 0, false
}

// Unmap removes [addr, addr+length) (length rounded up to pages) from every
// area, splitting areas that straddle its ends. Unmapping pages that are not
// mapped is not an error. Errors: ErrInval for an unaligned addr, zero
// length or a range that wraps around; ErrNoMem if splitting an area would
// need more than MaxAreas areas.
//
//go:nosplit
func (s *Space) Unmap(addr, length uint64) error {
	s.lock.Lock()
	r := s.unmapLocked(addr, length)
	s.lock.Unlock()
	return r
}

//go:nosplit
func (s *Space) unmapLocked(addr, length uint64) error {
	length, ok := roundLen(length)
	if !ok || addr&pageMask != 0 || addr+length < addr {
		return ErrInval
	}
	return s.edit(addr, addr+length, opUnmap, 0)
}

// Protect sets the protection of [addr, addr+length) (length rounded up to
// pages) to prot, keeping each area's flags, splitting and merging areas as
// needed. Length 0 does nothing. Errors: ErrInval for an unaligned addr or
// unknown prot bits; ErrNoMem if any page of the range is unmapped (or the
// range wraps around) or the result would need more than MaxAreas areas.
//
//go:nosplit
func (s *Space) Protect(addr, length uint64, prot uint32) error {
	s.lock.Lock()
	r := s.protectLocked(addr, length, prot)
	s.lock.Unlock()
	return r
}

//go:nosplit
func (s *Space) protectLocked(addr, length uint64, prot uint32) error {
	if addr&pageMask != 0 || prot&^protMask != 0 {
		return ErrInval
	}
	if length == 0 {
		return nil
	}
	length, ok := roundLen(length)
	if !ok || addr+length < addr {
		return ErrNoMem
	}
	return s.edit(addr, addr+length, opProtect, mkattr(prot, 0))
}

// Kinds of edit.
const (
	opMap     = iota // replace [a,b) with one area of attributes attr
	opUnmap          // remove [a,b)
	opProtect        // set the prot of [a,b), which must be fully mapped, to attr>>32
)

// edit applies op to the page-aligned range [a, b), a < b. It first works
// out the number of areas the result needs and fails, changing nothing, if
// that exceeds MaxAreas (or if opProtect meets a hole). Then it splits the
// areas straddling a and b (using at most the two spare slots), rewrites the
// areas inside [a,b), and merges the new boundaries.
//
//go:nosplit
func (s *Space) edit(a, b uint64, op int, attr uint64) error {
	want, ok := s.result(a, b, op, attr)
	if !ok || want > MaxAreas {
		return ErrNoMem
	}
	s.split(a)
	s.split(b)
	i := s.find(a)
	j := s.findFrom(i, b) // now areas[i:j] lie exactly inside [a,b)
	switch op {
	case opMap:
		s.resize(i, j, 1)
		s.set(i, a, b, attr)
		s.merge(i-1, i+2)
	case opUnmap:
		s.resize(i, j, 0)
	case opProtect:
		for k := i; k < j; k++ {
			s.at(k).Prot = uint32(attr >> 32)
		}
		s.merge(i-1, j+1)
	}
	return nil
}

// result returns the number of areas s would hold after edit(a, b, op,
// attr), and false if op is opProtect and part of [a,b) is unmapped. It
// changes nothing.
//
// The areas overlapping [a,b) are areas[i:j]. The part of areas[i] below a
// and the part of areas[j-1] above b survive as remnants. Between them goes
// the middle: the new area (opMap), nothing (opUnmap), or the clipped
// areas[i:j] with the new prot, merged into runs of equal flags
// (opProtect). The middle's ends merge with a remnant of equal attributes
// or, when there is no remnant, with an adjacent neighbour areas[i-1] or
// areas[j] of equal attributes. No other merge is possible: a remnant keeps
// the attributes and outer end of an area that was already merged as far
// as it could be.
//
//go:nosplit
func (s *Space) result(a, b uint64, op int, attr uint64) (int, bool) {
	n := s.count()
	i := s.find(a)
	j := s.findFrom(i, b)
	lsplit := i < j && s.at(i).Start < a
	rsplit := i < j && s.at(j-1).End > b

	// The middle: r areas, the first and last with attributes mfirst and
	// mlast.
	r := 0
	var mfirst, mlast uint64
	switch op {
	case opMap:
		r, mfirst, mlast = 1, attr, attr
	case opProtect:
		if i >= j || s.at(i).Start > a || s.at(j-1).End < b {
			return 0, false
		}
		r = 1
		for k := i + 1; k < j; k++ {
			prev, cur := s.at(k-1), s.at(k)
			if cur.Start != prev.End {
				return 0, false // a hole
			}
			if cur.Flags != prev.Flags {
				r++
			}
		}
		mfirst = attr | uint64(s.at(i).Flags)
		mlast = attr | uint64(s.at(j-1).Flags)
	}

	gone, added := j-i, r
	if lsplit {
		added++
	}
	if rsplit {
		added++
	}
	if r > 0 {
		if lsplit {
			if s.at(i).attr() == mfirst {
				added-- // the remnant is part of the first middle area
			}
		} else if i > 0 && s.at(i-1).End == a && s.at(i-1).attr() == mfirst {
			gone++ // the left neighbour absorbs the middle
		}
		if rsplit {
			if s.at(j-1).attr() == mlast {
				added--
			}
		} else if j < n && s.at(j).Start == b && s.at(j).attr() == mlast {
			gone++
		}
	}
	return n - gone + added, true
}

// split cuts the area strictly containing x, if any, in two at x. It needs
// a free slot: edit calls it at most twice, from at most MaxAreas areas.
//
//go:nosplit
func (s *Space) split(x uint64) {
	n := s.count()
	k := s.find(x)
	if k >= n || n > lastSlot || s.at(k).Start >= x {
		return // no area strictly contains x (or, unreachable, no room)
	}
	s.move(k+1, k, n-k)
	s.n = n + 1
	s.at(k).End = x
	s.at(k + 1).Start = x
}

// resize turns the slots areas[i:j] into m slots, moving the areas after
// them. The caller fills new slots.
//
//go:nosplit
func (s *Space) resize(i, j, m int) {
	n := s.count()
	s.move(i+m, j, n-j)
	s.n = n - (j - i) + m
}

// merge merges adjacent areas of equal attributes among areas[x:y].
//
//go:nosplit
func (s *Space) merge(x, y int) {
	n := s.count()
	x = max(x, 0)
	y = min(y, n)
	if x >= y {
		return
	}
	w := x
	for k := x + 1; k < y; k++ {
		cur, next := s.at(w), s.at(k)
		if cur.End == next.Start && cur.Prot == next.Prot && cur.Flags == next.Flags {
			cur.End = next.End
			continue
		}
		w++
		*s.at(w) = *next
	}
	s.resize(w+1, y, 0)
}

// move copies areas[src:src+cnt] to areas[dst:dst+cnt] (overlap allowed).
//
//go:nosplit
func (s *Space) move(dst, src, cnt int) {
	de, se := dst+cnt, src+cnt
	if cnt <= 0 || dst == src || dst < 0 || src < 0 || de > len(s.areas) || se > len(s.areas) || de < dst || se < src {
		return // nothing to do; or unreachable: callers keep both ranges in the array
	}
	copy(s.areas[dst:de], s.areas[src:se])
}

//go:nosplit
func (s *Space) set(k int, start, end, attr uint64) {
	*s.at(k) = Area{Start: start, End: end, Prot: uint32(attr >> 32), Flags: uint32(attr)}
}
