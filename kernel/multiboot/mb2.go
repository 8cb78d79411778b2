package multiboot

import "gokernel/kernel/le"

// Multiboot2 (specification 2.0, §3.6 "Boot information format").
//
// §3.6.1: the structure is 8-byte aligned and starts with
//
//	u32 total_size   bytes of the whole structure, this field included
//	u32 reserved
//
// followed by tags, each starting 8-byte aligned (§3.6.2):
//
//	u32 type
//	u32 size         bytes of the tag, header included, padding excluded
//
// and ended by a tag of type 0 and size 8. Unknown tag types are skipped.
// When a type this package reads occurs more than once, the first tag of
// that type counts, except that an ACPI 2.0 RSDP (tag 15) replaces an
// ACPI 1.0 one (tag 14) in either order, and that every module tag (3)
// counts: one per module.

// Tag types (§3.6).
const (
	tagEnd         = 0
	tagCmdline     = 1  // §3.6.5: u8 string[]
	tagLoaderName  = 2  // §3.6.9: u8 string[]
	tagMemInfo     = 4  // §3.6.3: u32 mem_lower, u32 mem_upper (KiB)
	tagMmap        = 6  // §3.6.8
	tagFramebuffer = 8  // §3.6.12
	tagEFI32       = 11 // §3.6.13: u32 pointer to the EFI system table
	tagEFI64       = 12 // §3.6.14: u64 pointer to the EFI system table
	tagACPIOld     = 14 // §3.6.16: copy of RSDPv1
	tagACPINew     = 15 // §3.6.17: copy of RSDPv2
)

// Minimum tag sizes for the fields read.
const (
	tagHeader      = 8
	minMemInfo     = 16             // header, mem_lower, mem_upper
	minMmap        = 16             // header, entry_size, entry_version
	mmapEntry2     = 24             // u64 base_addr, u64 length, u32 type, u32 reserved
	minFramebuffer = 31             // through the spec's u8 reserved at 30
	rgbFramebuffer = 38             // colour info at 32..37, see tag2Framebuffer
	minACPIOld     = tagHeader + 20 // RSDP 1.0 (ACPI 6.5 §5.2.5.3)
	minACPINew     = tagHeader + 36 // RSDP 2.0 and later
	minInfo2       = 8 + 8          // fixed part and the end tag
)

//go:nosplit
func parse2(infoAddr uint64, mem PhysMem, out *Info) Error {
	if infoAddr&7 != 0 {
		return ErrMisaligned
	}
	h := view(mem, infoAddr, 8)
	if h == nil {
		return ErrInaccessible
	}
	total := uint64(le.U32(h, 0))
	if total < minInfo2 {
		return ErrTotalSize
	}
	b := view(mem, infoAddr, total)
	if b == nil {
		return ErrInaccessible
	}
	addSpan(out, infoAddr, total)

	if len(b) < minInfo2 {
		return ErrInaccessible // view returns exactly total bytes
	}
	rest := b[8:]   // the tags not yet read
	var seen uint32 // bit t set: a tag of type t (< 32) was read
	// Every step removes at least 8 bytes from rest, so at most total/8
	// steps.
	for {
		if len(rest) < tagHeader {
			return ErrNoEndTag
		}
		typ := le.U32(rest, 0)
		size := int(le.U32(rest, 4))
		if size < tagHeader || size > len(rest) {
			return ErrTagSize
		}
		if typ == tagEnd {
			return OK
		}
		if typ == tagModule {
			if err := module2(rest[:size], out); err != 0 {
				return err
			}
		} else if typ < 32 && seen&(1<<typ) == 0 {
			// The two largest handlers are called from here rather
			// than through tag2, to keep the nosplit call chain short.
			var err Error
			switch tag := rest[:size]; typ {
			case tagMmap:
				err = mmap2(tag, out)
			case tagFramebuffer:
				err = framebuffer2(tag, out)
			default:
				err = tag2(typ, tag, out)
			}
			if err != 0 {
				return err
			}
			seen |= 1 << typ
		}
		step := align8(size)
		if step > len(rest) { // padding of the last bytes: nothing left
			step = len(rest)
		}
		rest = rest[step:]
	}
}

// tag2 reads a string, basic-memory or ACPI tag; tag is the whole tag,
// header included. Other types are ignored.
//
//go:nosplit
func tag2(typ uint32, tag []byte, out *Info) Error {
	switch typ {
	case tagCmdline:
		s, err := string2(tag)
		if err != 0 {
			return err
		}
		appendCmdline(out, s)
		finishCmdline(out, len(s))
	case tagLoaderName:
		s, err := string2(tag)
		if err != 0 {
			return err
		}
		appendLoaderName(out, s)
	case tagMemInfo:
		if len(tag) < minMemInfo {
			return ErrTagTooSmall
		}
		out.HasMemInfo = true
		out.MemLowerKB = le.U32(tag, 8)
		out.MemUpperKB = le.U32(tag, 12)
	case tagEFI32:
		if len(tag) < tagHeader+4 {
			return ErrTagTooSmall
		}
		if out.EFISystemTable == 0 {
			out.EFISystemTable = uint64(le.U32(tag, tagHeader))
		}
	case tagEFI64:
		if len(tag) < tagHeader+8 {
			return ErrTagTooSmall
		}
		out.EFISystemTable = le.U64(tag, tagHeader)
	case tagACPIOld:
		if len(tag) < minACPIOld {
			return ErrTagTooSmall
		}
		if out.RSDPLen == 0 { // a tag 15 read earlier wins
			out.RSDPLen = copy(out.RSDP[:], tag[tagHeader:minACPIOld])
		}
	case tagACPINew:
		if len(tag) < minACPINew {
			return ErrTagTooSmall
		}
		out.RSDPLen = copy(out.RSDP[:], tag[tagHeader:minACPINew])
	}
	return 0
}

// string2 returns a string tag's bytes before their NUL (§3.6.5, §3.6.9:
// the string is NUL-terminated and within the tag).
//
//go:nosplit
func string2(tag []byte) ([]byte, Error) {
	if len(tag) < tagHeader {
		return nil, ErrTagTooSmall
	}
	s := tag[tagHeader:]
	n := indexNUL(s)
	if n < 0 || n > len(s) {
		return nil, ErrUnterminated
	}
	return s[:n], 0
}

// mmap2 reads a memory-map tag (§3.6.8):
//
//	u32 type = 6, u32 size, u32 entry_size, u32 entry_version,
//	entries of entry_size bytes: u64 base_addr, u64 length, u32 type,
//	u32 reserved.
//
// entry_size may grow in later versions, so entries are stepped by it; it
// must at least cover the 24-byte entry, and the entries must fill the tag.
//
//go:nosplit
func mmap2(tag []byte, out *Info) Error {
	if len(tag) < minMmap {
		return ErrTagTooSmall
	}
	out.HasMemoryMap = true
	esz := int(le.U32(tag, 8))
	if esz < mmapEntry2 {
		return ErrEntrySize
	}
	// Each step advances off by at least 24 bytes.
	for off := minMmap; off < len(tag); off += esz {
		if len(tag)-off < esz {
			return ErrMmapLength
		}
		addRegion(out, le.U64(tag, off), le.U64(tag, off+8), le.U32(tag, off+16))
	}
	return 0
}

// framebuffer2 reads a framebuffer tag (§3.6.12):
//
//	 0 u32 type = 8, u32 size
//	 8 u64 framebuffer_addr
//	16 u32 framebuffer_pitch, 20 u32 framebuffer_width,
//	24 u32 framebuffer_height
//	28 u8 framebuffer_bpp, 29 u8 framebuffer_type, 30 reserved
//	   color_info
//
// The specification's table gives one reserved byte, but its own
// multiboot2.h (§4, Examples) and GRUB declare "multiboot_uint16_t reserved", so
// color_info starts at 32: for type 1, red, green and blue field position
// and mask size, one byte each. GRUB writes such a tag with size 38.
//
//go:nosplit
func framebuffer2(tag []byte, out *Info) Error {
	if len(tag) < minFramebuffer {
		return ErrTagTooSmall
	}
	typ := le.U8(tag, 29)
	if typ == FramebufferRGB && len(tag) < rgbFramebuffer {
		return ErrTagTooSmall
	}
	fb := &out.Framebuffer
	fb.Addr = le.U64(tag, 8)
	fb.Pitch = le.U32(tag, 16)
	fb.Width = le.U32(tag, 20)
	fb.Height = le.U32(tag, 24)
	fb.BPP = le.U8(tag, 28)
	fb.Type = typ
	if typ == FramebufferRGB {
		fb.RedPos, fb.RedSize = le.U8(tag, 32), le.U8(tag, 33)
		fb.GreenPos, fb.GreenSize = le.U8(tag, 34), le.U8(tag, 35)
		fb.BluePos, fb.BlueSize = le.U8(tag, 36), le.U8(tag, 37)
	}
	out.HasFramebuffer = true
	return 0
}
