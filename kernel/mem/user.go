package mem

import (
	"sync/atomic"
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/linux"
	"gokernel/kernel/mem/vma"
)

// User is the list of areas the Go runtime has mapped with mmap, in
// [UserMin, UserMax). Pages of an area are allocated on first touch.
var User vma.Space

// The kernel image as the runtime sees it: its ELF segments, mapped at
// boot and never unmapped. System-call pointers may point into them.
var (
	image  [8]Segment
	nimage int
)

// InitUser prepares the user address space: the mmap area list, the
// image segments user pointers may refer to, and the shared zero page. It
// reports false if there was no frame for the zero page.
//
//go:nosplit
func InitUser(segs []Segment) bool {
	User.Init(UserMin, UserMax)
	for _, s := range segs {
		if s.Flags&arch.PTE_U != 0 && nimage < len(image) {
			image[nimage] = s
			nimage++
		}
	}
	pa, ok := allocFrame()
	zeroPage = pa
	return ok
}

// AddImage records s as part of the running program's image, for a
// program loaded from a boot module: the caller has mapped its pages, and
// they are never unmapped, and system-call pointers may point into it as into
// the kernel's own Go image. It reports false when the list is full.
//
//go:nosplit
func AddImage(s Segment) bool {
	if nimage >= len(image) || nimage < 0 {
		return false
	}
	image[nimage] = s
	nimage++
	return true
}

// zeroPage is the physical address of the shared zero page: a frame of
// zeros, never written, that every untouched page a read faults in maps
// read-only, as Linux maps its ZERO_PAGE for a read fault on anonymous
// memory (mm/memory.c, do_anonymous_page). A write to such a page gets a
// page of its own, as Linux's do_wp_page gives. Reading untouched memory,
// even a 512 MiB PROT_READ mapping through write(2), so costs no frames
// but page tables. 0 until InitUser.
var zeroPage uint64

// PageFlags returns the leaf flags for a user page with protection prot.
//
//go:nosplit
func PageFlags(prot uint32) arch.PTE {
	f := arch.PTE_U
	if prot&linux.PROT_WRITE != 0 {
		f |= arch.PTE_W
	}
	if prot&linux.PROT_EXEC == 0 {
		f |= nx
	}
	return f
}

// FaultResult says how a page fault on a user address was resolved.
type FaultResult uint8

const (
	FaultFixed  FaultResult = iota // a zeroed page was mapped; retry the access
	FaultNoArea                    // no mapping covers the address: SIGSEGV (SEGV_MAPERR)
	FaultAccess                    // mapped, but not for this access: SIGSEGV (SEGV_ACCERR)
	FaultNoMem                     // no free frame for the page
)

// Fault resolves a page fault at addr with page-fault error code ec (SDM
// Vol. 3A §6.15, interrupt 14) against the area list: a read of a page not
// present in an area maps the shared zero page read-only; a write or an
// instruction fetch there, or a write to the zero page in an area that
// allows writes, gets a zeroed frame of its own.
//
//go:nosplit
func Fault(addr uint64, ec uint64) FaultResult {
	LockMM()
	r := fault(addr, ec)
	UnlockMM()
	return r
}

// FaultFromUser serves a page fault from ring 3 without the big kernel
// lock: the mm lock alone, then this CPU's shootdown if the fault needs
// one (the zero page replaced). It reports whether the fault was fixed;
// if not, the caller takes the locked path, which serves it again and
// signals the thread.
//
//go:nosplit
func FaultFromUser(addr uint64, ec uint64) bool {
	if addr >= UserMax {
		return false
	}
	Spare()
	r := Fault(addr, ec)
	Flush()
	if r != FaultFixed {
		return false
	}
	fastFaults.Add(1)
	return true
}

// fastFaults counts the faults FaultFromUser fixed.
var fastFaults atomic.Uint64

// FastFaults returns how many page faults from ring 3 were served without
// the big kernel lock.
//
//go:nosplit
func FastFaults() uint64 { return fastFaults.Load() }

//go:nosplit
func fault(addr uint64, ec uint64) FaultResult {
	a, ok := User.Lookup(addr)
	if !ok {
		return FaultNoArea
	}
	write, fetch := ec&arch.PF_W != 0, ec&arch.PF_I != 0
	if !allows(a.Prot, write, fetch) {
		return FaultAccess
	}
	va := uintptr(PageRoundDown(addr))
	// The entry as it is now, not as the error code saw it: another CPU
	// may have mapped the page between this CPU's fault and its turn at
	// the kernel (both faulted on it); mapping it again would drop the
	// other's frame and what was written there.
	if e := Lookup(va); e.Present() {
		if write && e.Addr() == zeroPage && zeroPage != 0 {
			return populate(va, a.Prot)
		}
		if stale(e, write, fetch) {
			// Another CPU made or changed the entry (the zero page
			// became a page of its own) after this one saw the old
			// one: the entry allows the access now, so drop any old
			// translation and retry.
			invlpg(va)
			return FaultFixed
		}
		return FaultAccess
	}
	if !write && !fetch {
		return mapZero(va, a.Prot)
	}
	return populate(va, a.Prot)
}

// stale reports whether the present entry e allows the access a
// protection fault was raised for: the fault came through a translation
// cached before another CPU changed e.
//
//go:nosplit
func stale(e arch.PTE, write, fetch bool) bool {
	return e.Present() && e&arch.PTE_U != 0 && (!write || e&arch.PTE_W != 0) && (!fetch || e&arch.PTE_NX == 0)
}

//go:nosplit
func allows(prot uint32, write, fetch bool) bool {
	switch {
	case write:
		return prot&linux.PROT_WRITE != 0
	case fetch:
		return prot&linux.PROT_EXEC != 0
	}
	return prot&(linux.PROT_READ|linux.PROT_WRITE|linux.PROT_EXEC) != 0
}

// populate maps a zeroed frame of its own at va, replacing the zero page
// if va mapped it: then other CPUs drop their translation of the zero
// page, or a thread there would go on reading zeros where this one writes.
//
//go:nosplit
func populate(va uintptr, prot uint32) FaultResult {
	pa, ok := allocFrame()
	if !ok {
		return FaultNoMem
	}
	wasZero := zeroPage != 0 && Lookup(va).Addr() == zeroPage
	if !Map(va, pa, PageFlags(prot)) {
		Frames.Free(pa)
		return FaultNoMem
	}
	if wasZero {
		shootdown()
	}
	return FaultFixed
}

// mapZero maps the shared zero page read-only at va.
//
//go:nosplit
func mapZero(va uintptr, prot uint32) FaultResult {
	if zeroPage == 0 {
		return populate(va, prot)
	}
	if !Map(va, zeroPage, PageFlags(prot)&^arch.PTE_W) {
		return FaultNoMem
	}
	return FaultFixed
}

// LowWater is the free memory below which system calls allocate no more
// frames (UserBytes) and writable mappings are refused (kernel/sys): the
// runtime's 4 MiB heap step plus room for page tables and stacks, or a
// sixteenth of RAM if that is more. Set at boot.
var LowWater uint64

// UserBytes returns the user memory [addr, addr+n) as a slice the kernel may
// use, after checking that it lies in the image or in mapped areas that
// allow the access, and faulting in any page not yet present (the zero
// page for a read, a page of its own for a write). ok is false for a bad
// pointer (the system call returns EFAULT) or when faulting in a page
// would take free memory below LowWater: a system call never takes the
// last frames, which the runtime's own page faults need. (Linux's copy
// routines fail with EFAULT when the fault cannot be served; its OOM
// killer has no equivalent here.)
//
//go:nosplit
func UserBytes(addr, n uint64, write bool) (b []byte, ok bool) {
	return userBytes(addr, n, write, LowWater)
}

// KernelUserBytes is UserBytes for the kernel's own needs (signal frames,
// the main thread's stack), which may use memory down to the last frame.
//
//go:nosplit
func KernelUserBytes(addr, n uint64, write bool) (b []byte, ok bool) {
	return userBytes(addr, n, write, 0)
}

// userBytes holds the mm lock from the area check to the last page
// faulted in; it unlocks on each return rather than through a wrapper,
// whose frame the deepest ring-0 path (a signal frame written to a page
// not yet there) cannot afford.
//
//go:nosplit
func userBytes(addr, n uint64, write bool, reserve uint64) (b []byte, ok bool) {
	if n == 0 {
		return nil, true
	}
	end := addr + n
	if end < addr {
		return nil, false
	}
	if inImage(addr, end, write) {
		return userSlice(addr, n), true
	}
	if end > UserMax {
		return nil, false
	}
	prot := uint32(linux.PROT_READ)
	if write {
		prot = linux.PROT_WRITE
	}
	LockMM()
	if !User.Covered(addr, n, prot) {
		UnlockMM()
		return nil, false
	}
	for p := PageRoundDown(addr); p < end; p += PageSize {
		e := Lookup(uintptr(p))
		if e.Present() && (!write || e&arch.PTE_W != 0) {
			continue
		}
		if (e.Present() && e.Addr() != zeroPage) || Frames.FreeCount()*PageSize < reserve {
			// The first is unreachable: only the zero page is read-only
			// in a writable area.
			UnlockMM()
			return nil, false
		}
		a, _ := User.Lookup(p)
		var r FaultResult
		switch {
		case write:
			r = populate(uintptr(p), a.Prot) // also replaces the zero page
		default:
			r = mapZero(uintptr(p), a.Prot)
		}
		if r != FaultFixed {
			UnlockMM()
			return nil, false
		}
	}
	UnlockMM()
	return userSlice(addr, n), true
}

// userSlice makes a slice of user memory. Slicing a pointer to a large
// array, not unsafe.Slice: the callers have bounded n (below UserMax), and
// unsafe.Slice's own length checks call the runtime.
//
//go:nosplit
func userSlice(addr, n uint64) []byte {
	if n > UserMax || hostTest { // host tests have no user memory to slice
		return nil
	}
	return (*[UserMax]byte)(arch.Ptr(uintptr(addr)))[:n:n]
}

// UserRange reports whether [addr, addr+n) lies where the running
// program's memory can be: below UserMax, or in its image (the kernel's Go
// program runs from the top 2 GiB). Linux's access_ok, which calls check
// before they touch memory.
//
//go:nosplit
func UserRange(addr, n uint64) bool {
	end := addr + n
	if end < addr {
		return false
	}
	return end <= UserMax || inImage(addr, end, false)
}

//go:nosplit
func inImage(start, end uint64, write bool) bool {
	for i := 0; i < nimage && i < len(image); i++ {
		s := &image[i]
		if start >= s.Start && end <= s.End && (!write || s.Flags&arch.PTE_W != 0) {
			return true
		}
	}
	return false
}

// Mapped reports whether every page of [addr, addr+n) is mapped: in the
// kernel image as the Go program sees it, or in an area of any
// protection. n > 0.
//
//go:nosplit
func Mapped(addr, n uint64) bool {
	end := addr + n
	return end > addr && (inImage(addr, end, false) || User.Covered(addr, n, 0))
}

// UserU32 reads a naturally aligned uint32 of user memory.
//
//go:nosplit
func UserU32(addr uint64) (uint32, bool) {
	if addr&3 != 0 {
		return 0, false
	}
	b, ok := UserBytes(addr, 4, false)
	if !ok || len(b) < 4 {
		return 0, false
	}
	return *(*uint32)(unsafe.Pointer(&b[0])), true
}

// UserTimespec reads a struct timespec from user memory.
//
//go:nosplit
func UserTimespec(addr uint64) (linux.Timespec, bool) {
	b, ok := UserBytes(addr, 16, false)
	if !ok || len(b) < 16 {
		return linux.Timespec{}, false
	}
	return *(*linux.Timespec)(unsafe.Pointer(&b[0])), true
}

// PutUser64 writes v at addr in user memory.
//
//go:nosplit
func PutUser64(addr uint64, v uint64) bool {
	b, ok := UserBytes(addr, 8, true)
	if !ok || len(b) < 8 {
		return false
	}
	*(*uint64)(unsafe.Pointer(&b[0])) = v
	return true
}

// PutUser32 writes v at addr in user memory.
//
//go:nosplit
func PutUser32(addr uint64, v uint32) bool {
	b, ok := UserBytes(addr, 4, true)
	if !ok || len(b) < 4 {
		return false
	}
	*(*uint32)(unsafe.Pointer(&b[0])) = v
	return true
}

// MapUserCopy maps a copy of data at va (page aligned) in user space with
// protection prot, as an area of its own that mmap will not hand out. It is
// for boot: it allocates frames and copies eagerly.
//
//go:nosplit
func MapUserCopy(va uint64, data []byte, prot uint32) bool {
	LockMM()
	ok := mapUserCopy(va, data, prot)
	UnlockMM()
	return ok
}

//go:nosplit
func mapUserCopy(va uint64, data []byte, prot uint32) bool {
	n := PageRoundUp(uint64(len(data)))
	if n == 0 || va&(PageSize-1) != 0 {
		return false
	}
	if _, err := User.Map(va, n, prot, 0, vma.FixedNoReplace); err != nil {
		return false
	}
	for off := uint64(0); off < n; off += PageSize {
		pa, ok := allocFrame()
		if !ok {
			return false
		}
		page := (*[PageSize]byte)(arch.Ptr(frame(pa)))
		if off < uint64(len(data)) {
			copy(page[:], data[off:])
		}
		if !Map(uintptr(va+off), pa, PageFlags(prot)) {
			return false
		}
	}
	return true
}
