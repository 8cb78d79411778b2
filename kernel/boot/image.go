package boot

import (
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/mem"
)

// The Go image starts with its own ELF header (the Go linker puts the
// headers in the first page of the text segment), so the kernel reads its
// segment layout from memory instead of trusting constants. ELF-64 Object
// File Format, §"File header" and §"Program header table".
const (
	ptLoad = 1
	pfX    = 1
	pfW    = 2
)

// Image records the kernel image's parts: the Go image's segments, read
// from its ELF header at goBase, as user mappings, and the boot stub's
// parts (headers, early code, page tables, boot stack, zero page) for the
// kernel only: boot still runs on the stub's stack. [start, end) is the
// whole image with its bss; all three addresses are the higher-half ones
// the image runs at (mem.KernelBase).
//
//go:nosplit
func Image(start, end, goBase uint64) {
	n, goEnd := imageSegments(goBase, segs[:len(segs)-2])
	if n == 0 {
		fail("boot: the Go image has no readable ELF header", "")
	}
	nsegs = n
	segs[nsegs] = mem.Segment{Start: start, End: goBase, Flags: arch.PTE_W | arch.PTE_NX}
	segs[nsegs+1] = mem.Segment{Start: goEnd, End: mem.PageRoundUp(end), Flags: arch.PTE_W | arch.PTE_NX}
	imageStart, imageEnd = mem.ImagePhys(start), mem.ImagePhys(end)
}

// imageStart and imageEnd are the image's physical bounds.
var imageStart, imageEnd uint64

// imageSegments returns the Go image's PT_LOAD segments as page-aligned
// user mappings: writable only if the segment is, executable only if it is.
//
//go:nosplit
func imageSegments(base uint64, out []mem.Segment) (n int, end uint64) {
	hdr := (*[64]byte)(arch.Ptr(uintptr(base)))
	if hdr[0] != 0x7F || hdr[1] != 'E' || hdr[2] != 'L' || hdr[3] != 'F' {
		return 0, 0
	}
	phoff := *(*uint64)(unsafe.Pointer(&hdr[0x20]))
	phentsize := uint64(*(*uint16)(unsafe.Pointer(&hdr[0x36])))
	phnum := uint64(*(*uint16)(unsafe.Pointer(&hdr[0x38])))
	if phentsize < 56 || phoff+phnum*phentsize > mem.PageSize {
		return 0, 0
	}
	for i := uint64(0); i < phnum; i++ {
		ph := (*[56]byte)(arch.Ptr(uintptr(base + phoff + i*phentsize)))
		typ := *(*uint32)(unsafe.Pointer(&ph[0]))
		flags := *(*uint32)(unsafe.Pointer(&ph[4]))
		vaddr := *(*uint64)(unsafe.Pointer(&ph[16]))
		memsz := *(*uint64)(unsafe.Pointer(&ph[40]))
		if typ != ptLoad || n >= len(out) {
			continue
		}
		f := arch.PTE_U
		if flags&pfW != 0 {
			f |= arch.PTE_W
		}
		if flags&pfX == 0 {
			f |= arch.PTE_NX
		}
		s := mem.Segment{Start: mem.PageRoundDown(vaddr), End: mem.PageRoundUp(vaddr + memsz), Flags: f}
		out[n] = s
		n++
		if s.End > end {
			end = s.End
		}
	}
	return n, end
}
