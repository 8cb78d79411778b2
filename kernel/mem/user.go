package mem

import (
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

// InitUser prepares the user address space: the mmap area list and the
// image segments user pointers may refer to.
//
//go:nosplit
func InitUser(segs []Segment) {
	User.Init(UserMin, UserMax)
	for _, s := range segs {
		if s.Flags&arch.PTE_U != 0 && nimage < len(image) {
			image[nimage] = s
			nimage++
		}
	}
}

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
// Vol. 3A §6.15, interrupt 14) against the area list: a not-present page
// inside an area that allows the access gets a zeroed frame.
//
//go:nosplit
func Fault(addr uint64, ec uint64) FaultResult {
	a, ok := User.Lookup(addr)
	if !ok {
		return FaultNoArea
	}
	if ec&arch.PF_P != 0 || !allows(a.Prot, ec&arch.PF_W != 0, ec&arch.PF_I != 0) {
		return FaultAccess
	}
	return populate(uintptr(PageRoundDown(addr)), a.Prot)
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

//go:nosplit
func populate(va uintptr, prot uint32) FaultResult {
	pa, ok := allocFrame()
	if !ok {
		return FaultNoMem
	}
	if !Map(va, pa, PageFlags(prot)) {
		Frames.Free(pa)
		return FaultNoMem
	}
	return FaultFixed
}

// UserBytes returns the user memory [addr, addr+n) as a slice the kernel may
// use, after checking that it lies in the image or in mapped areas that
// allow the access, and faulting in any page not yet present. ok is false
// for a bad pointer (the system call returns EFAULT) or when memory ran out.
//
//go:nosplit
func UserBytes(addr, n uint64, write bool) (b []byte, ok bool) {
	if n == 0 {
		return nil, true
	}
	end := addr + n
	if end < addr || end > UserMax {
		return nil, false
	}
	if inImage(addr, end, write) {
		return userSlice(addr, n), true
	}
	prot := uint32(linux.PROT_READ)
	if write {
		prot = linux.PROT_WRITE
	}
	if !User.Covered(addr, n, prot) {
		return nil, false
	}
	for p := PageRoundDown(addr); p < end; p += PageSize {
		if Lookup(uintptr(p)).Present() {
			continue
		}
		a, _ := User.Lookup(p)
		if populate(uintptr(p), a.Prot) != FaultFixed {
			return nil, false
		}
	}
	return userSlice(addr, n), true
}

// userSlice makes a slice of user memory. Slicing a pointer to a large
// array, not unsafe.Slice: the callers have bounded n (below UserMax), and
// unsafe.Slice's own length checks call the runtime.
//
//go:nosplit
func userSlice(addr, n uint64) []byte {
	if n > UserMax {
		return nil
	}
	return (*[UserMax]byte)(arch.Ptr(uintptr(addr)))[:n:n]
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

// MapUserCopy maps a copy of data at va (page aligned) in user space with
// protection prot, as an area of its own that mmap will not hand out. It is
// for boot: it allocates frames and copies eagerly.
//
//go:nosplit
func MapUserCopy(va uint64, data []byte, prot uint32) bool {
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
