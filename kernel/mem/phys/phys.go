// Package phys is the kernel's physical frame allocator.
//
// An Allocator tracks 4 KiB frames with a bitmap of one bit per frame
// (1 = in use, 0 = free). The bitmap lives in memory the kernel hands over
// by address, because the allocator runs before there is any heap: in early
// boot, in system-call handlers and in the page-fault handler. For the same
// reason the package never allocates, keeps no Go pointers in its data
// (addresses are uintptr/uint64), and every function is nosplit with a small
// frame.
//
// Bits past the last covered frame in the final bitmap word are always 1, so
// no search ever has to treat the tail of the bitmap specially.
package phys

import (
	"math/bits"
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/spin"
)

// PageSize is the size of a physical frame.
const PageSize = 4096

const (
	pageShift = 12
	pageMask  = PageSize - 1
	// maxFrames is the number of frames in a 64-bit physical address space;
	// it keeps frame<<pageShift from overflowing.
	maxFrames = 1 << (64 - pageShift)
	allOnes   = ^uint64(0)
)

// Error is an error of this package. It is a small integer so that
// returning one needs no allocation.
type Error uint8

// Errors returned by Free and FreeContig.
const (
	ErrUnaligned  Error = 1 + iota // address not page aligned
	ErrRange                       // frame(s) outside the covered range
	ErrDoubleFree                  // frame(s) already free
)

// Error implements error.
//
//go:nosplit
func (e Error) Error() string {
	switch e {
	case ErrUnaligned:
		return "phys: unaligned frame address"
	case ErrRange:
		return "phys: frame outside the covered range"
	case ErrDoubleFree:
		return "phys: frame already free"
	}
	return "phys: unknown error"
}

// Allocator hands out 4 KiB physical frames. The zero value covers no
// frames; call Init before anything else. An Allocator holds no Go pointers,
// so it may live in a global. It is safe for concurrent use: every method
// takes its leaf spin lock (kernel/spin), so CPUs allocate and free at
// once; the ...Locked methods are the bodies, run with the lock held.
type Allocator struct {
	bitmap uintptr // address of words 64-bit words
	words  uint64  // bitmap length in words
	frames uint64  // frames covered: physical [0, frames*PageSize)
	free   uint64  // number of 0 bits in the bitmap
	total  uint64  // frames made free by AddFree, less those taken back by Reserve
	next   uint64  // next-fit cursor: word index where Alloc starts searching
	lock   spin.Leaf
}

// BitmapBytes returns the size in bytes of the bitmap that Init needs for
// nframes frames (whole 64-bit words).
//
//go:nosplit
func BitmapBytes(nframes uint64) uint64 {
	if nframes > maxFrames {
		nframes = maxFrames
	}
	return (nframes + 63) >> 6 << 3
}

// Init makes a cover physical [0, nframes*PageSize) using the
// BitmapBytes(nframes) bytes at address bitmap, which must be 8-byte aligned
// and stay reserved for the allocator. Every frame starts in use; AddFree
// releases the usable ones.
//
//go:nosplit
func (a *Allocator) Init(bitmap uintptr, nframes uint64) {
	a.lock.Lock()
	a.initLocked(bitmap, nframes)
	a.lock.Unlock()
}

//go:nosplit
func (a *Allocator) initLocked(bitmap uintptr, nframes uint64) {
	if nframes > maxFrames {
		nframes = maxFrames
	}
	a.bitmap = bitmap
	a.frames = nframes
	a.words = (nframes + 63) >> 6
	a.free = 0
	a.total = 0
	a.next = 0
	for i := uint64(0); i < a.words; i++ {
		*a.word(i) = allOnes
	}
}

// word returns a pointer to bitmap word i. The caller guarantees i < a.words.
//
//go:nosplit
func (a *Allocator) word(i uint64) *uint64 {
	// arch.Ptr reinterprets the stored address rather than converting a
	// uintptr, so that checkptr (enabled by -race) also accepts host tests
	// that back the bitmap with a Go slice.
	return (*uint64)(unsafe.Add(arch.Ptr(a.bitmap), i<<3))
}

// Range operations for update.
const (
	opCount = iota // only count
	opSet          // mark in use
	opClear        // mark free
)

// update applies op to the bits of frames [first, last) (last <= a.frames)
// and returns how many of them were 1 before.
//
//go:nosplit
func (a *Allocator) update(first, last uint64, op int) uint64 {
	var ones uint64
	for first < last {
		i := first >> 6
		lo := first & 63
		m := allOnes << lo
		if span := last - (first - lo); span < 64 {
			m &= 1<<span - 1
		}
		p := a.word(i)
		w := *p
		ones += uint64(bits.OnesCount64(w & m))
		switch op {
		case opSet:
			*p = w | m
		case opClear:
			*p = w &^ m
		}
		first = (i + 1) << 6
	}
	return ones
}

// AddFree marks free the frames lying entirely inside physical [base, end).
// Parts of the range beyond the covered frames are ignored.
//
//go:nosplit
func (a *Allocator) AddFree(base, end uint64) {
	a.lock.Lock()
	a.addFreeLocked(base, end)
	a.lock.Unlock()
}

//go:nosplit
func (a *Allocator) addFreeLocked(base, end uint64) {
	first := base >> pageShift
	if base&pageMask != 0 {
		first++
	}
	last := end >> pageShift
	if last > a.frames {
		last = a.frames
	}
	if first >= last {
		return
	}
	ones := a.update(first, last, opClear)
	a.free += ones
	a.total += ones
}

// Reserve marks in use every frame that touches physical [base, end), so that
// it is never handed out. Frames that are already in use (allocated or
// reserved) are left alone. Parts beyond the covered range are ignored.
//
//go:nosplit
func (a *Allocator) Reserve(base, end uint64) {
	a.lock.Lock()
	a.reserveLocked(base, end)
	a.lock.Unlock()
}

//go:nosplit
func (a *Allocator) reserveLocked(base, end uint64) {
	if end <= base {
		return
	}
	first := base >> pageShift
	last := end >> pageShift
	if end&pageMask != 0 {
		last++
	}
	if last > a.frames {
		last = a.frames
	}
	if first >= last {
		return
	}
	taken := (last - first) - a.update(first, last, opSet)
	a.free -= taken
	if taken > a.total {
		taken = a.total // only after a Free of a frame that was never allocated
	}
	a.total -= taken
}

// Alloc returns the address of a free frame and marks it in use, or ok=false
// when no frame is free. It searches next-fit from where the previous Alloc
// succeeded, one bitmap word at a time.
//
//go:nosplit
func (a *Allocator) Alloc() (pa uint64, ok bool) {
	a.lock.Lock()
	r0, r1 := a.allocLocked()
	a.lock.Unlock()
	return r0, r1
}

//go:nosplit
func (a *Allocator) allocLocked() (pa uint64, ok bool) {
	if a.free == 0 {
		return 0, false
	}
	start := a.next
	if start >= a.words {
		start = 0
	}
	for i := start; i < a.words; i++ {
		if w := *a.word(i); w != allOnes {
			return a.take(i, w), true
		}
	}
	for i := uint64(0); i < start; i++ {
		if w := *a.word(i); w != allOnes {
			return a.take(i, w), true
		}
	}
	return 0, false // unreachable while a.free counts the 0 bits
}

// take marks in use the lowest free frame of word i, whose value is w (which
// has a 0 bit), and returns its address.
//
//go:nosplit
func (a *Allocator) take(i, w uint64) uint64 {
	b := uint64(bits.TrailingZeros64(^w))
	*a.word(i) = w | 1<<b
	a.free--
	a.next = i
	return (i<<6 + b) << pageShift
}

// AllocBelow is Alloc restricted to frames lying entirely below physical
// address limit (pa+PageSize <= limit). It returns the lowest such free
// frame, which suits early page tables that must be reachable through a
// small identity mapping.
//
//go:nosplit
func (a *Allocator) AllocBelow(limit uint64) (uint64, bool) {
	a.lock.Lock()
	r0, r1 := a.allocBelowLocked(limit)
	a.lock.Unlock()
	return r0, r1
}

//go:nosplit
func (a *Allocator) allocBelowLocked(limit uint64) (uint64, bool) {
	maxf := limit >> pageShift
	if maxf > a.frames {
		maxf = a.frames
	}
	if a.free == 0 {
		return 0, false
	}
	for i := uint64(0); i<<6 < maxf; i++ {
		w := *a.word(i)
		avail := ^w
		if rem := maxf - i<<6; rem < 64 {
			avail &= 1<<rem - 1
		}
		if avail != 0 {
			return a.take(i, w), true
		}
	}
	return 0, false
}

// nextFree returns the first free frame >= f, or a.frames if there is none.
//
//go:nosplit
func (a *Allocator) nextFree(f uint64) uint64 {
	for f < a.frames {
		i := f >> 6
		if avail := ^*a.word(i) >> (f & 63); avail != 0 {
			f += uint64(bits.TrailingZeros64(avail))
			if f > a.frames {
				f = a.frames
			}
			return f
		}
		f = (i + 1) << 6
	}
	return a.frames
}

// nextUsed returns the first frame in use in [f, limit), or limit if there is
// none. limit <= a.frames.
//
//go:nosplit
func (a *Allocator) nextUsed(f, limit uint64) uint64 {
	for f < limit {
		i := f >> 6
		if used := *a.word(i) >> (f & 63); used != 0 {
			f += uint64(bits.TrailingZeros64(used))
			if f > limit {
				f = limit
			}
			return f
		}
		f = (i + 1) << 6
	}
	return limit
}

// AllocContig returns the address of n consecutive free frames and marks
// them in use, or ok=false if no such run exists (or n is 0). It takes the
// lowest run that fits, skipping whole words at a time.
//
//go:nosplit
func (a *Allocator) AllocContig(n uint64) (uint64, bool) {
	a.lock.Lock()
	r0, r1 := a.allocContigLocked(n)
	a.lock.Unlock()
	return r0, r1
}

//go:nosplit
func (a *Allocator) allocContigLocked(n uint64) (uint64, bool) {
	if n == 0 || n > a.free {
		return 0, false
	}
	f := uint64(0)
	for f < a.frames {
		start := a.nextFree(f)
		if start >= a.frames || n > a.frames-start {
			return 0, false
		}
		end := a.nextUsed(start, start+n)
		if end == start+n {
			a.update(start, end, opSet)
			a.free -= n
			return start << pageShift, true
		}
		f = end
	}
	return 0, false
}

// Free returns the frame at pa to the allocator. It fails, changing nothing,
// if pa is not page aligned, lies outside the covered range, or is already
// free.
//
//go:nosplit
func (a *Allocator) Free(pa uint64) error {
	a.lock.Lock()
	r := a.freeLocked(pa)
	a.lock.Unlock()
	return r
}

//go:nosplit
func (a *Allocator) freeLocked(pa uint64) error {
	if pa&pageMask != 0 {
		return ErrUnaligned
	}
	f := pa >> pageShift
	if f >= a.frames {
		return ErrRange
	}
	p := a.word(f >> 6)
	m := uint64(1) << (f & 63)
	if *p&m == 0 {
		return ErrDoubleFree
	}
	*p &^= m
	a.free++
	return nil
}

// FreeContig returns the n frames starting at pa. It fails, changing
// nothing, if pa is not page aligned, any of the frames lies outside the
// covered range, or any of them is already free. Freeing 0 frames does
// nothing.
//
//go:nosplit
func (a *Allocator) FreeContig(pa, n uint64) error {
	a.lock.Lock()
	r := a.freeContigLocked(pa, n)
	a.lock.Unlock()
	return r
}

//go:nosplit
func (a *Allocator) freeContigLocked(pa, n uint64) error {
	if pa&pageMask != 0 {
		return ErrUnaligned
	}
	if n == 0 {
		return nil
	}
	f := pa >> pageShift
	if f >= a.frames || n > a.frames-f {
		return ErrRange
	}
	if a.update(f, f+n, opCount) != n {
		return ErrDoubleFree
	}
	a.update(f, f+n, opClear)
	a.free += n
	return nil
}

// FreeCount returns the number of free frames.
//
//go:nosplit
func (a *Allocator) FreeCount() uint64 {
	a.lock.Lock()
	r := a.freeCountLocked()
	a.lock.Unlock()
	return r
}

//go:nosplit
func (a *Allocator) freeCountLocked() uint64 { return a.free }

// Total returns the number of frames the allocator manages: those made free
// by AddFree, less those taken back by Reserve. Total()-FreeCount() is the
// number of frames currently allocated.
//
//go:nosplit
func (a *Allocator) Total() uint64 {
	a.lock.Lock()
	r := a.totalLocked()
	a.lock.Unlock()
	return r
}

//go:nosplit
func (a *Allocator) totalLocked() uint64 { return a.total }

// Frames returns the number of frames covered (the nframes given to Init).
//
//go:nosplit
func (a *Allocator) Frames() uint64 {
	a.lock.Lock()
	r := a.framesLocked()
	a.lock.Unlock()
	return r
}

//go:nosplit
func (a *Allocator) framesLocked() uint64 { return a.frames }

// InUse reports whether the frame containing pa is in use. Frames outside
// the covered range are never available, so they report true.
//
//go:nosplit
func (a *Allocator) InUse(pa uint64) bool {
	a.lock.Lock()
	r := a.inUseLocked(pa)
	a.lock.Unlock()
	return r
}

//go:nosplit
func (a *Allocator) inUseLocked(pa uint64) bool {
	f := pa >> pageShift
	if f >= a.frames {
		return true
	}
	return *a.word(f >> 6)>>(f&63)&1 != 0
}
