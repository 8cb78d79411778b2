// Package multiboot reads the boot information that a Multiboot 1 or
// Multiboot2 loader hands the kernel, and copies what the kernel needs into
// a fixed-size Info: the physical memory map, the command line, the boot
// loader's name, the framebuffer, the ACPI RSDP, the boot modules, and the
// physical ranges the loader's own structures occupy.
//
// References:
//   - "Multiboot Specification version 0.6.96" (mb1): §3.2 machine state,
//     §3.3 boot information format.
//   - "Multiboot2 Specification version 2.0" (mb2): §3.3 machine state,
//     §3.6 boot information format (§3.6.1 layout, §3.6.2 basic tag
//     structure, §3.6.3 basic memory information, §3.6.5 boot command line,
//     §3.6.8 memory map, §3.6.9 boot loader name, §3.6.12 framebuffer info,
//     §3.6.16/§3.6.17 ACPI old/new RSDP, §4 the example multiboot2.h).
//
// # Ring-0 rules
//
// The kernel calls Parse before the Go runtime is initialised, so this
// package allocates nothing, stores no Go pointers in package variables
// (there are none), has no init work, contains no reachable panic (every
// index is checked against the length first, there is no division by a
// variable and no type assertion), and every function is //go:nosplit with
// a small frame. Physical memory is reached only through the PhysMem
// callback, and every structure is bounded by the sizes the loader gave
// and by fixed limits, so malformed input yields an error or a truncation
// flag, never a hang, a panic or a read outside the views PhysMem returned.
// For the same reason Parse returns the integer type Error rather than the
// error interface.
//
// # Use
//
//	var bootInfo multiboot.Info // a global: Info is about 8.5 KiB
//
//	// The early page tables identity-map the first 4 GiB.
//	//go:nosplit
//	func physView(addr, n uint64) []byte {
//		if addr == 0 || addr >= 1<<32 || n > 1<<32-addr {
//			return nil
//		}
//		return unsafe.Slice((*byte)(unsafe.Pointer(uintptr(addr))), n)
//	}
//
//	if err := multiboot.Parse(magic, infoAddr, physView, &bootInfo); err != multiboot.OK {
//		console.Line(err.Error())
//	}
package multiboot

import "unsafe"

// Boot magics: the value in EAX when the loader jumps to the kernel.
const (
	BootMagic1 = 0x2BADB002 // Multiboot 0.6.96 §3.2
	BootMagic2 = 0x36D76289 // Multiboot2 §3.3
)

// Limits of what Info keeps.
const (
	// MaxRegions is the number of memory-map entries Info holds; further
	// entries set RegionsTruncated.
	MaxRegions = 128
	// MaxCmdline is the number of command-line bytes Info keeps; a longer
	// command line sets CmdlineTooLong and CmdlineFullLen.
	MaxCmdline = 1024
	// MaxLoaderName is the number of boot-loader-name bytes Info keeps;
	// longer names are cut silently.
	MaxLoaderName = 64
	// MaxRSDP is the size of an ACPI 2.0 RSDP (ACPI 6.5 §5.2.5.3), the
	// most Info keeps of tag 14/15's copy.
	MaxRSDP = 36
	// MaxSpans is the number of loader-structure ranges Info records.
	MaxSpans = 8
	// MaxString1 bounds the scan for the NUL ending a Multiboot 1 string
	// (command line, loader name); a string without a NUL within it is
	// an error.
	MaxString1 = 64 << 10
)

// MemType is a memory-map entry's type (mb1 §3.3 "mmap_*", mb2 §3.6.8).
// Parse stores types 1-5 as given and any other value as MemReserved,
// which both specifications say such values mean.
type MemType uint32

// Memory types.
const (
	MemAvailable       MemType = 1 // RAM the kernel may use
	MemReserved        MemType = 2 // not to be used
	MemACPIReclaimable MemType = 3 // ACPI tables; usable once read
	MemACPINVS         MemType = 4 // preserved across hibernation
	MemBad             MemType = 5 // defective RAM
)

// String names t.
//
//go:nosplit
func (t MemType) String() string {
	switch t {
	case MemAvailable:
		return "available"
	case MemReserved:
		return "reserved"
	case MemACPIReclaimable:
		return "ACPI reclaimable"
	case MemACPINVS:
		return "ACPI NVS"
	case MemBad:
		return "bad RAM"
	}
	return "unknown"
}

// Region is one memory-map entry: Length bytes of physical memory from
// Base. Parse never stores a zero-length region, and cuts Length so that
// Base+Length does not wrap past 2^64-1.
type Region struct {
	Base, Length uint64
	Type         MemType
}

// End returns the first address after r.
//
//go:nosplit
func (r *Region) End() uint64 { return r.Base + r.Length }

// Span is a half-open range [Start, End) of physical bytes.
type Span struct{ Start, End uint64 }

// Framebuffer types (mb1 §3.3 "framebuffer_type", mb2 §3.6.12).
const (
	FramebufferIndexed = 0 // palette; the palette itself is not copied
	FramebufferRGB     = 1 // direct RGB: the *Pos/*Size fields are valid
	FramebufferEGAText = 2 // EGA text mode; Width/Height in characters
)

// Framebuffer describes the linear framebuffer the loader set up.
// The colour fields are set only for Type == FramebufferRGB.
type Framebuffer struct {
	Addr                 uint64 // physical address
	Pitch, Width, Height uint32 // bytes per line; pixels (or characters)
	BPP, Type            uint8  // bits per pixel; a Framebuffer* constant
	RedPos, RedSize      uint8  // bit position and width of red
	GreenPos, GreenSize  uint8  // ... of green
	BluePos, BlueSize    uint8  // ... of blue
}

// Info is what Parse extracts. It is large (about 8.5 KiB): keep it in a
// package variable of the caller, never on a nosplit stack.
type Info struct {
	// Not comparable: keeps the compiler from generating an equality
	// function for this 4 KiB struct (one that is not nosplit).
	_ [0]func()

	Protocol int // 1 or 2; 0 until Parse recognises the magic

	// Memory map, in the loader's order (mb1 flags bit 6, mb2 tag 6).
	Regions          [MaxRegions]Region
	NRegions         int
	RegionsTruncated bool // the loader's map had more than MaxRegions entries
	// HasMemoryMap reports that the loader supplied a memory map (it may
	// still hold no entries). When false, MemLowerKB/MemUpperKB may be set.
	HasMemoryMap bool

	// Basic memory information (mb1 flags bit 0, mb2 tag 4): KiB of lower
	// memory from 0 and of upper memory from 1 MiB. HasMemInfo tells
	// whether the loader gave them.
	MemLowerKB, MemUpperKB uint32
	HasMemInfo             bool

	// Command line (mb1 flags bit 2, mb2 tag 1), without its NUL: the
	// kernel's own. A Multiboot 1 loader (QEMU's -kernel, GRUB's
	// multiboot) puts the kernel's file name first, "PATH ARGS"; that word
	// and the blanks around it are dropped, CmdlinePath counts them, and
	// the limit counts ARGS only, so that a long path is not the user's
	// fault. CmdlineFullLen is the length of the kernel's line; when it
	// exceeds MaxCmdline, CmdlineTooLong is set and only the first
	// MaxCmdline bytes are kept.
	Cmdline        [MaxCmdline]byte
	CmdlineLen     int
	CmdlineTooLong bool
	CmdlineFullLen int
	CmdlinePath    int
	HasCmdline     bool
	pathState      uint8 // skipPath's progress: 0 blanks, 1 the path, 2 blanks, 3 done

	// Boot loader name (mb1 flags bit 9, mb2 tag 2), cut to MaxLoaderName.
	LoaderName    [MaxLoaderName]byte
	LoaderNameLen int

	// Framebuffer (mb1 flags bit 12, mb2 tag 8).
	HasFramebuffer bool
	Framebuffer    Framebuffer

	// Copy of the ACPI RSDP (mb2 tag 14, RSDP 1.0, 20 bytes; or tag 15,
	// RSDP 2.0+, 36 bytes, which wins when both are present). Mb1 has none.
	RSDP    [MaxRSDP]byte
	RSDPLen int

	// EFISystemTable is the physical address of the UEFI system table
	// (mb2 tag 12, or tag 11 on 32-bit firmware; a tag 12 wins); 0 when
	// not booted by UEFI. Through it the firmware's configuration tables
	// (SMBIOS, ACPI) are found.
	EFISystemTable uint64

	// Boot modules (mb1 flags bit 3, mb2 tag 3), in the loader's order
	// (module.go).
	Modules          [MaxModules]Module
	NModules         int
	ModulesTruncated bool // the loader passed more than MaxModules

	// Spans are the physical ranges the boot information occupies: the
	// info structure itself and, for mb1, the command line, the memory map
	// and the loader name it points to, so that the frame allocator can
	// keep them out of its free pool while the kernel may still read them
	// (Info itself holds copies of everything Parse reads).
	Spans  [MaxSpans]Span
	NSpans int
}

// PhysMem returns a view of n bytes of physical memory at addr, or nil when
// that range is not accessible. In the kernel it is unsafe.Slice over the
// identity or direct map; in tests, a fake memory. Parse treats a view
// shorter than n as inaccessible and never looks past n.
type PhysMem func(addr, n uint64) []byte

// Error is the package's error type, in the manner of syscall.Errno: a
// small integer whose zero value means success. Parse returns an Error, not
// an error interface, because boxing a value in an interface is what the
// ring-0 rules forbid (and what -gcflags=-m reports as escaping), so test
// for failure with err != 0 (or compare with the constants). Error
// implements the error interface for hosted callers: convert only a
// non-zero Error to error, since a boxed zero is a non-nil error.
type Error uint8

// Errors returned by Parse.
const (
	OK              Error = iota // success
	ErrBadMagic                  // EAX held neither boot magic
	ErrNilArgument               // nil PhysMem or *Info
	ErrInaccessible              // PhysMem gave no view of a structure
	ErrMisaligned                // mb2 info not 8-byte aligned (§3.6.1)
	ErrTotalSize                 // mb2 total_size below the 16-byte minimum
	ErrTagSize                   // mb2 tag size < 8 or past total_size
	ErrNoEndTag                  // mb2 tags ran out before an end tag
	ErrTagTooSmall               // mb2 tag too small for its fields
	ErrEntrySize                 // memory-map entry size too small
	ErrMmapLength                // memory map not a whole number of entries
	ErrUnterminated              // string without NUL within its bound
	ErrAddressRange              // structure wraps or passes 4 GiB (mb1)
)

// Error describes e.
//
//go:nosplit
func (e Error) Error() string {
	switch e {
	case OK:
		return "multiboot: ok"
	case ErrBadMagic:
		return "multiboot: bad boot magic"
	case ErrNilArgument:
		return "multiboot: nil PhysMem or Info"
	case ErrInaccessible:
		return "multiboot: boot information not accessible"
	case ErrMisaligned:
		return "multiboot: multiboot2 information not 8-byte aligned"
	case ErrTotalSize:
		return "multiboot: multiboot2 total_size too small"
	case ErrTagSize:
		return "multiboot: multiboot2 tag size invalid or past total_size"
	case ErrNoEndTag:
		return "multiboot: multiboot2 end tag missing"
	case ErrTagTooSmall:
		return "multiboot: multiboot2 tag too small for its fields"
	case ErrEntrySize:
		return "multiboot: memory map entry size too small"
	case ErrMmapLength:
		return "multiboot: memory map length not a whole number of entries"
	case ErrUnterminated:
		return "multiboot: string not NUL-terminated within its bound"
	case ErrAddressRange:
		return "multiboot: structure address range wraps or exceeds 4 GiB"
	}
	return "multiboot: unknown error"
}

// Parse reads the boot information at physical address infoAddr that a
// loader identified by magic (the entry EAX) left, through mem, into out.
// out is cleared first. It returns OK (0), or an Error for a wrong magic,
// an inaccessible, truncated or inconsistent structure; on error, out holds
// what was read before the fault and should not be trusted.
//
// A memory map longer than MaxRegions and a command line longer than
// MaxCmdline are not errors: they set RegionsTruncated and CmdlineTooLong.
//
//go:nosplit
func Parse(magic uint32, infoAddr uint64, mem PhysMem, out *Info) Error {
	if out == nil || mem == nil {
		return ErrNilArgument
	}
	*out = Info{}
	switch magic {
	case BootMagic1:
		out.Protocol = 1
		return parse1(infoAddr, mem, out)
	case BootMagic2:
		out.Protocol = 2
		return parse2(infoAddr, mem, out)
	}
	return ErrBadMagic
}

// CommandLine returns the kept command line. The string aliases
// in.Cmdline, so it stays valid while *in does and is unchanged.
//
//go:nosplit
func (in *Info) CommandLine() string {
	n := in.CmdlineLen
	if n <= 0 {
		return ""
	}
	if n > len(in.Cmdline) {
		n = len(in.Cmdline)
	}
	return unsafe.String(&in.Cmdline[0], n)
}

// BootLoaderName returns the kept boot loader name, aliasing in.LoaderName.
//
//go:nosplit
func (in *Info) BootLoaderName() string {
	n := in.LoaderNameLen
	if n <= 0 {
		return ""
	}
	if n > len(in.LoaderName) {
		n = len(in.LoaderName)
	}
	return unsafe.String(&in.LoaderName[0], n)
}

// ProtocolName returns "multiboot1", "multiboot2", or "none" before a
// successful Parse.
//
//go:nosplit
func (in *Info) ProtocolName() string {
	switch in.Protocol {
	case 1:
		return "multiboot1"
	case 2:
		return "multiboot2"
	}
	return "none"
}

// UsableBytes returns the number of bytes covered by MemAvailable regions,
// counting bytes that several entries cover once. It needs no extra memory
// (no sorted copy): it visits the regions in (Base, index) order by finding
// the next one with a linear scan each time, merging overlapping and
// adjacent ones as it goes. O(n^2) for n <= MaxRegions regions.
//
//go:nosplit
func (in *Info) UsableBytes() uint64 {
	n := in.NRegions
	if n > len(in.Regions) {
		n = len(in.Regions)
	}
	var total, curS, curE uint64 // the merged block [curS, curE) being built
	open := false
	prevS, prevI := uint64(0), -1 // the last region visited
	for k := 0; k < n; k++ {
		next := -1
		var ns, ne uint64
		for i := 0; i < n; i++ {
			s, e, ok := in.usable(i)
			if !ok || s < prevS || (s == prevS && i <= prevI) {
				continue // not available, or already visited
			}
			if next < 0 || s < ns {
				next, ns, ne = i, s, e
			}
		}
		if next < 0 {
			break
		}
		prevS, prevI = ns, next
		if open && ns <= curE {
			if ne > curE {
				curE = ne
			}
			continue
		}
		if open {
			total += curE - curS
		}
		curS, curE, open = ns, ne, true
	}
	if open {
		total += curE - curS
	}
	return total
}

// usable returns region i's range when it is available, non-empty memory,
// with the end clamped so that it does not wrap.
//
//go:nosplit
func (in *Info) usable(i int) (start, end uint64, ok bool) {
	if uint(i) >= uint(len(in.Regions)) {
		return 0, 0, false
	}
	r := &in.Regions[i]
	if r.Type != MemAvailable || r.Length == 0 {
		return 0, 0, false
	}
	end = r.Base + r.Length
	if end < r.Base {
		end = ^uint64(0)
	}
	return r.Base, end, true
}

// Claims reports whether [start, end) overlaps a region the memory map
// gives a use: RAM (available, ACPI reclaimable or NVS, bad). Reserved
// regions and holes are device space: PCI BARs and the ECAM window lie
// there. The kernel maps a device range into its Go program only where
// Claims is false, so the program never maps the kernel's own frames,
// which all come from available regions.
//
//go:nosplit
func (in *Info) Claims(start, end uint64) bool {
	n := in.NRegions
	if n > len(in.Regions) {
		n = len(in.Regions)
	}
	for i := 0; i < n; i++ {
		r := &in.Regions[i]
		if r.Type != MemReserved && start < r.End() && r.Base < end {
			return true
		}
	}
	return false
}

// addRegion appends one memory-map entry to out, applying Region's rules.
//
//go:nosplit
func addRegion(out *Info, base, length uint64, typ uint32) {
	if length == 0 {
		return
	}
	if base+length < base { // wraps: cut at the top of the address space
		length = ^uint64(0) - base
		if length == 0 {
			return
		}
	}
	t := MemType(typ)
	if t < MemAvailable || t > MemBad {
		t = MemReserved
	}
	i := out.NRegions
	if uint(i) >= uint(len(out.Regions)) {
		out.RegionsTruncated = true
		return
	}
	out.Regions[i] = Region{Base: base, Length: length, Type: t}
	out.NRegions = i + 1
}

// addSpan records [start, start+n) as occupied by loader structures.
//
//go:nosplit
func addSpan(out *Info, start, n uint64) {
	if n == 0 {
		return
	}
	i := out.NSpans
	if uint(i) >= uint(len(out.Spans)) {
		return
	}
	end := start + n
	if end < start {
		end = ^uint64(0)
	}
	out.Spans[i] = Span{Start: start, End: end}
	out.NSpans = i + 1
}

// appendCmdline adds b to the kept command line, cutting at MaxCmdline.
//
//go:nosplit
func appendCmdline(out *Info, b []byte) {
	n := out.CmdlineLen
	if n < 0 || n > len(out.Cmdline) {
		return
	}
	n += copy(out.Cmdline[n:], b)
	out.CmdlineLen = n
}

// skipPath drops the Multiboot 1 file name from the start of the command
// line, a chunk b at a time, counting it in CmdlinePath, and returns the
// rest of b, which belongs to the kernel's line.
//
//go:nosplit
func skipPath(out *Info, b []byte) []byte {
	for len(b) > 0 && out.pathState < 3 {
		blank := b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r'
		switch {
		case out.pathState == 0 && !blank:
			out.pathState = 1
		case out.pathState == 1 && blank:
			out.pathState = 2
		case out.pathState == 2 && !blank:
			out.pathState = 3
			return b
		}
		out.CmdlinePath++
		b = b[1:]
	}
	return b
}

// finishCmdline sets the length fields once the full length is known.
//
//go:nosplit
func finishCmdline(out *Info, full int) {
	out.HasCmdline = true
	out.CmdlineFullLen = full
	out.CmdlineTooLong = full > MaxCmdline
}

// appendLoaderName adds b to the kept loader name, cutting at MaxLoaderName.
//
//go:nosplit
func appendLoaderName(out *Info, b []byte) {
	n := out.LoaderNameLen
	if n < 0 || n > len(out.LoaderName) {
		return
	}
	n += copy(out.LoaderName[n:], b)
	out.LoaderNameLen = n
}
