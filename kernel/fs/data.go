package fs

import (
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/mem"
)

// The bytes of a /tmp file live in pages from the frame allocator, found
// through a two-level index (a small radix tree, as a page table is): the
// node's data is the physical address of an index page of 512 entries,
// each the physical address of a page of 512 data page addresses. 0 is a
// hole, read as zeros. So a file holds at most 512*512 pages, 1 GiB.
const (
	perPage  = mem.PageSize / 8
	MaxFile  = perPage * perPage * mem.PageSize
	pageMask = mem.PageSize - 1
)

// view is where physical memory is seen: 0 for the kernel's direct map,
// or a buffer standing in for RAM in host tests.
var view uintptr

//go:nosplit
func addr(pa uint64) uintptr {
	if view != 0 {
		return view + uintptr(pa)
	}
	return mem.Virt(pa)
}

//go:nosplit
func page(pa uint64) *[mem.PageSize]byte { return (*[mem.PageSize]byte)(arch.Ptr(addr(pa))) }

//go:nosplit
func index(pa uint64) *[perPage]uint64 { return (*[perPage]uint64)(arch.Ptr(addr(pa))) }

// newPage returns a zeroed frame, or false when free memory is at the
// floor that system calls keep for the program's own page faults
// (mem.LowWater).
//
//go:nosplit
func newPage() (uint64, bool) {
	if mem.Frames.FreeCount()*mem.PageSize <= mem.LowWater {
		return 0, false
	}
	pa, ok := mem.Frames.Alloc()
	if ok {
		*page(pa) = [mem.PageSize]byte{}
	}
	return pa, ok
}

// pageOf returns the physical address of page k of file n, allocating it
// (and index pages on the way) if create is set; 0 for a hole or when
// memory ran out.
//
//go:nosplit
func pageOf(n *Node, k uint64, create bool) uint64 {
	if k >= perPage*perPage {
		return 0
	}
	if n.data == 0 {
		if !create {
			return 0
		}
		pa, ok := newPage()
		if !ok {
			return 0
		}
		n.data = uintptr(pa)
	}
	top := index(uint64(n.data))
	e := &top[(k/perPage)%perPage]
	if *e == 0 {
		if !create {
			return 0
		}
		pa, ok := newPage()
		if !ok {
			return 0
		}
		*e = pa
	}
	leaf := index(*e)
	d := &leaf[k%perPage]
	if *d == 0 && create {
		pa, ok := newPage()
		if !ok {
			return 0
		}
		*d = pa
	}
	return *d
}

// truncatePages frees the pages of file n past size bytes, zeroes the
// rest of the page size falls in, and sets n.Size.
//
//go:nosplit
func truncatePages(n *Node, size uint64) {
	if size < n.Size && size&pageMask != 0 {
		if pa := pageOf(n, size/mem.PageSize, false); pa != 0 {
			p := page(pa)
			for i := size & pageMask; i < mem.PageSize; i++ {
				p[i] = 0
			}
		}
	}
	n.Size = size
	if n.data == 0 {
		return
	}
	first := (size + pageMask) / mem.PageSize // first page to free
	top := index(uint64(n.data))
	for t := uint64(0); t < perPage; t++ {
		if top[t] == 0 || (t+1)*perPage <= first {
			continue
		}
		leaf := index(top[t])
		for l := uint64(0); l < perPage; l++ {
			if k := t*perPage + l; k >= first && leaf[l] != 0 {
				mem.Frames.Free(leaf[l])
				leaf[l] = 0
			}
		}
		if t*perPage >= first {
			mem.Frames.Free(top[t])
			top[t] = 0
		}
	}
	if size == 0 {
		mem.Frames.Free(uint64(n.data))
		n.data = 0
	}
}

// readTmp copies file n's bytes at off into dst; holes read as zeros.
//
//go:nosplit
func readTmp(n *Node, off uint64, dst []byte) {
	for done := uint64(0); done < uint64(len(dst)); {
		o := off + done
		chunk := min(mem.PageSize-o&pageMask, uint64(len(dst))-done)
		if done+chunk > uint64(len(dst)) {
			return
		}
		d := dst[done : done+chunk]
		if pa := pageOf(n, o/mem.PageSize, false); pa != 0 {
			copy(d, page(pa)[o&pageMask:])
		} else {
			for i := range d {
				d[i] = 0
			}
		}
		done += chunk
	}
}

// writeTmp copies src into file n at off, and returns how many bytes it
// stored (fewer when memory ran out).
//
//go:nosplit
func writeTmp(n *Node, off uint64, src []byte) uint64 {
	done := uint64(0)
	for done < uint64(len(src)) {
		o := off + done
		pa := pageOf(n, o/mem.PageSize, true)
		if pa == 0 {
			break
		}
		chunk := min(mem.PageSize-o&pageMask, uint64(len(src))-done)
		if done+chunk > uint64(len(src)) {
			break
		}
		copy(page(pa)[o&pageMask:], src[done:done+chunk])
		done += chunk
	}
	if off+done > n.Size {
		n.Size = off + done
	}
	return done
}

// ptr turns an address the tree recorded (an archive's bytes) into a
// pointer.
//
//go:nosplit
func ptr(a uintptr) unsafe.Pointer { return arch.Ptr(a) }
