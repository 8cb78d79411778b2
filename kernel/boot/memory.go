package boot

import (
	"gokernel/kernel/console"
	"gokernel/kernel/mem"
	"gokernel/kernel/mem/phys"
	"gokernel/kernel/multiboot"
)

// Memory gives the frame allocator the RAM the loader's map lists, builds
// the kernel's page tables (the direct map, the image, the kernel stacks)
// and switches to them, and prints the "mem:" line. Preconditions: Image.
//
//go:nosplit
func Memory() {
	top := initFrames(imageStart, imageEnd)
	console.WriteString("mem: ")
	console.Dec(int64(info.UsableBytes() >> 20))
	console.WriteString(" MiB usable RAM, ")
	console.Dec(int64(mem.Frames.FreeCount() >> 8))
	console.Line(" MiB free")
	fbEnd := framebufferEnd()
	if fbEnd != 0 {
		// Some firmware places the framebuffer in RAM the memory map
		// does not mark as taken.
		mem.Frames.Reserve(mem.PageRoundDown(info.Framebuffer.Addr), mem.PageRoundUp(fbEnd))
	}
	if !mem.Setup(max(top, fbEnd), segs[:nsegs+2]) {
		fail("boot: out of memory while building page tables", "")
	}
	if fbEnd > 4<<30 {
		chooseScreen()
	}
}

// initFrames gives the frame allocator every available page except the
// first MiB (BIOS data, VGA memory, option ROMs), the kernel image, the
// boot information, the boot modules and the allocator's own bitmap, and
// returns the end of physical RAM.
//
//go:nosplit
func initFrames(imageStart, imageEnd uint64) uint64 {
	var top uint64
	for i := 0; i < info.NRegions; i++ {
		r := &info.Regions[i]
		if r.Type == multiboot.MemAvailable && r.End() > top {
			top = r.End()
		}
	}
	nframes := top / mem.PageSize
	size := mem.PageRoundUp(phys.BitmapBytes(nframes))
	bm, ok := placeBitmap(size, imageStart, imageEnd)
	if !ok {
		fail("boot: no room for the frame bitmap", "")
	}
	mem.Frames.Init(mem.Virt(bm), nframes)
	for i := 0; i < info.NRegions; i++ {
		if r := &info.Regions[i]; r.Type == multiboot.MemAvailable {
			mem.Frames.AddFree(r.Base, r.End())
		}
	}
	// Loaders may report overlapping entries: anything not available wins.
	for i := 0; i < info.NRegions; i++ {
		if r := &info.Regions[i]; r.Type != multiboot.MemAvailable {
			mem.Frames.Reserve(r.Base, r.End())
		}
	}
	mem.Frames.Reserve(0, 1<<20)
	mem.Frames.Reserve(imageStart, imageEnd)
	mem.Frames.Reserve(bm, bm+size)
	for i := 0; i < info.NSpans; i++ {
		mem.Frames.Reserve(info.Spans[i].Start, info.Spans[i].End)
	}
	for i := 0; i < info.NModules && i < len(info.Modules); i++ {
		mem.Frames.Reserve(mem.PageRoundDown(info.Modules[i].Start), mem.PageRoundUp(info.Modules[i].End))
	}
	return top
}

// placeBitmap finds size bytes of available RAM below 4 GiB (reachable
// through the boot tables) clear of the image and the boot information.
//
//go:nosplit
func placeBitmap(size, imageStart, imageEnd uint64) (uint64, bool) {
	best := uint64(0)
	consider := func(c uint64) {
		c = mem.PageRoundUp(c)
		if fits(c, size, imageStart, imageEnd) && (best == 0 || c < best) {
			best = c
		}
	}
	consider(imageEnd)
	for i := 0; i < info.NRegions; i++ {
		consider(info.Regions[i].Base)
		consider(info.Regions[i].End())
	}
	for i := 0; i < info.NSpans; i++ {
		consider(info.Spans[i].End)
	}
	for i := 0; i < info.NModules && i < len(info.Modules); i++ {
		consider(info.Modules[i].End)
	}
	return best, best != 0
}

// fits reports whether [c, c+size) lies in available RAM below 4 GiB,
// clear of the image, reserved regions and the boot information.
//
//go:nosplit
func fits(c, size, imageStart, imageEnd uint64) bool {
	if c < 1<<20 || c+size > 4<<30 || overlaps(c, c+size, imageStart, imageEnd) {
		return false
	}
	inside := false
	for i := 0; i < info.NRegions; i++ {
		r := &info.Regions[i]
		if r.Type == multiboot.MemAvailable {
			inside = inside || (c >= r.Base && c+size <= r.End())
		} else if overlaps(c, c+size, r.Base, r.End()) {
			return false
		}
	}
	for i := 0; i < info.NSpans; i++ {
		if overlaps(c, c+size, info.Spans[i].Start, info.Spans[i].End) {
			return false
		}
	}
	for i := 0; i < info.NModules && i < len(info.Modules); i++ {
		if overlaps(c, c+size, mem.PageRoundDown(info.Modules[i].Start), mem.PageRoundUp(info.Modules[i].End)) {
			return false
		}
	}
	return inside
}

//go:nosplit
func overlaps(a, b, c, d uint64) bool { return a < d && c < b }
