package multiboot

import "gokernel/kernel/le"

// Multiboot 1 (specification 0.6.96, §3.3 "Boot information format").
//
// The information structure starts with a flags word; each set bit makes
// some later fields valid:
//
//	offset  field                     flags bit
//	  0     flags                     -
//	  4     mem_lower, mem_upper      0   (KiB)
//	 12     boot_device               1
//	 16     cmdline                   2   (physical address, NUL-terminated)
//	 20     mods_count, mods_addr     3
//	 28     syms[4]                   4 or 5
//	 44     mmap_length, mmap_addr    6
//	 52     drives_length/addr        7
//	 60     config_table              8
//	 64     boot_loader_name          9   (physical address, NUL-terminated)
//	 68     apm_table                 10
//	 72     vbe_* (16 bytes)          11
//	 88     framebuffer_addr (u64)    12
//	 96     framebuffer_pitch, _width, _height
//	108     framebuffer_bpp, _type (u8 each)
//	110     color_info (6 bytes)
//
// All addresses are 32-bit. Symbols, drives, the config table, APM and VBE
// data are not read (this kernel uses none of them); modules are read by
// mods1 (module.go).

// Flag bits of the Multiboot 1 information structure.
const (
	flag1Mem         = 1 << 0
	flag1Cmdline     = 1 << 2
	flag1Mmap        = 1 << 6
	flag1LoaderName  = 1 << 9
	flag1Framebuffer = 1 << 12
)

// infoEnds1[i] is the end offset of the fields that flags bit i makes valid:
// the structure is at least that long when bit i is set.
const infoEnds1 = "\x0c\x10\x14\x1c\x2c\x2c\x34\x3c\x40\x44\x48\x58\x74"

// limit1 is the first address a Multiboot 1 (32-bit) structure cannot use.
const limit1 = 1 << 32

// Memory-map entry (§3.3 "mmap_*"): size u32 at -4, then base_addr u64,
// length u64, type u32; the next entry is at +size+4. size counts the
// bytes after the size field, so it must cover the 20 bytes read.
const mmapEntry1 = 20

// Destinations of scanString1.
const (
	toCmdline = iota
	toLoaderName
)

// pageSize1 chunks the string scans so that no single PhysMem request
// crosses a page boundary: the end of a mapped range is page-aligned.
const pageSize1 = 4096

//go:nosplit
func parse1(infoAddr uint64, mem PhysMem, out *Info) Error {
	if infoAddr > limit1-4 {
		return ErrAddressRange
	}
	b := view(mem, infoAddr, 4)
	if b == nil {
		return ErrInaccessible
	}
	flags := le.U32(b, 0)
	size := 4
	for i := 0; i < len(infoEnds1); i++ {
		if flags&(1<<uint(i)) != 0 && int(infoEnds1[i]) > size {
			size = int(infoEnds1[i])
		}
	}
	if infoAddr+uint64(size) > limit1 {
		return ErrAddressRange
	}
	if b = view(mem, infoAddr, uint64(size)); b == nil {
		return ErrInaccessible
	}
	addSpan(out, infoAddr, uint64(size))

	if flags&flag1Mem != 0 {
		out.HasMemInfo = true
		out.MemLowerKB = le.U32(b, 4)
		out.MemUpperKB = le.U32(b, 8)
	}
	if flags&flag1Cmdline != 0 {
		full, err := scanString1(mem, uint64(le.U32(b, 16)), out, toCmdline)
		if err != 0 {
			return err
		}
		finishCmdline(out, full-out.CmdlinePath)
	}
	if flags&flag1Mmap != 0 {
		if err := mmap1(mem, uint64(le.U32(b, 48)), uint64(le.U32(b, 44)), out); err != 0 {
			return err
		}
	}
	if flags&flag1Mods != 0 {
		if err := mods1(mem, uint64(le.U32(b, 24)), uint64(le.U32(b, 20)), out); err != 0 {
			return err
		}
	}
	if flags&flag1LoaderName != 0 {
		if _, err := scanString1(mem, uint64(le.U32(b, 64)), out, toLoaderName); err != 0 {
			return err
		}
	}
	if flags&flag1Framebuffer != 0 {
		fb := &out.Framebuffer
		fb.Addr = le.U64(b, 88)
		fb.Pitch = le.U32(b, 96)
		fb.Width = le.U32(b, 100)
		fb.Height = le.U32(b, 104)
		fb.BPP = le.U8(b, 108)
		fb.Type = le.U8(b, 109)
		if fb.Type == FramebufferRGB {
			fb.RedPos, fb.RedSize = le.U8(b, 110), le.U8(b, 111)
			fb.GreenPos, fb.GreenSize = le.U8(b, 112), le.U8(b, 113)
			fb.BluePos, fb.BlueSize = le.U8(b, 114), le.U8(b, 115)
		}
		out.HasFramebuffer = true
	}
	return 0
}

// mmap1 reads the memory map of length bytes at addr (§3.3 "mmap_*").
//
//go:nosplit
func mmap1(mem PhysMem, addr, length uint64, out *Info) Error {
	out.HasMemoryMap = true
	if length == 0 {
		return 0
	}
	if addr+length > limit1 {
		return ErrAddressRange
	}
	m := view(mem, addr, length)
	if m == nil {
		return ErrInaccessible
	}
	addSpan(out, addr, length)
	// Each step advances off by at least 4+mmapEntry1 bytes, so the loop
	// runs at most len(m)/24 times.
	for off := 0; off < len(m); {
		if len(m)-off < 4 {
			return ErrMmapLength
		}
		sz := int(le.U32(m, off))
		if sz < mmapEntry1 {
			return ErrEntrySize
		}
		if sz > len(m)-off-4 {
			return ErrMmapLength
		}
		addRegion(out, le.U64(m, off+4), le.U64(m, off+12), le.U32(m, off+20))
		off += 4 + sz
	}
	return 0
}

// scanString1 reads the NUL-terminated string at addr into the field dst
// names, a page-bounded chunk at a time, looking at most MaxString1 bytes
// for the NUL. It records the string's span and returns its length.
//
//go:nosplit
func scanString1(mem PhysMem, addr uint64, out *Info, dst int) (int, Error) {
	full := 0
	for full < MaxString1 {
		a := addr + uint64(full)
		if a >= limit1 {
			return 0, ErrAddressRange
		}
		n := pageSize1 - a&(pageSize1-1)
		if rest := uint64(MaxString1 - full); n > rest {
			n = rest
		}
		b := view(mem, a, n)
		// A chunk reaching past accessible memory: try shorter ones,
		// down to one byte, before giving up. At most 12 halvings.
		for b == nil && n > 1 {
			n >>= 1
			b = view(mem, a, n)
		}
		if b == nil {
			return 0, ErrInaccessible
		}
		end := indexNUL(b)
		chunk := b
		if end >= 0 && end <= len(b) {
			chunk = b[:end]
		}
		switch dst {
		case toCmdline:
			appendCmdline(out, skipPath(out, chunk))
		case toModule:
			appendModuleLine(out, chunk)
		default:
			appendLoaderName(out, chunk)
		}
		full += len(chunk)
		if end >= 0 {
			addSpan(out, addr, uint64(full)+1)
			return full, 0
		}
	}
	return 0, ErrUnterminated
}
