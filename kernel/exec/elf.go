// Package exec checks a program passed as a boot module and describes how
// to load it: a static ELF64 x86-64 executable, as `go build` (or `go test
// -c`) writes for GOOS=linux GOARCH=amd64 CGO_ENABLED=0.
//
// References: the System V ABI (gABI) chapter 4 "Object Files" (ELF
// header, e_ident) and chapter 5 "Program Loading and Dynamic Linking"
// (program header, PT_LOAD, PT_INTERP); the AMD64 psABI §5.2 (p_align and
// the page size: p_vaddr and p_offset congruent modulo the page size).
//
// Parse is pure: it reads only the bytes it is given, allocates nothing,
// and never panics on any input (every offset is checked against the
// length first), so the kernel runs it in ring 0 at boot and the host
// fuzzes it (fuzz_test.go). Ring 0: //go:nosplit.
package exec

// Limits and ELF constants (gABI ch. 4 and 5).
const (
	MaxSegments = 8 // PT_LOAD segments kept; Go writes 3

	PageSize = 4096

	ehdrSize  = 64
	phdrSize  = 56
	maxPhnum  = 64
	etExec    = 2
	etDyn     = 3
	emX86_64  = 62
	ptLoad    = 1
	ptDynamic = 2
	ptInterp  = 3
	pfX       = 1
	pfW       = 2
	pfR       = 4
)

// Segment is one PT_LOAD segment: Filesz bytes from file offset Off go to
// Vaddr, and the rest of Memsz is zero.
type Segment struct {
	Vaddr, Memsz, Off, Filesz uint64
	Read, Write, Exec         bool
}

// Start and End return the segment's page-aligned extent.
//
//go:nosplit
func (s *Segment) Start() uint64 { return s.Vaddr &^ (PageSize - 1) }

//go:nosplit
func (s *Segment) End() uint64 { return (s.Vaddr + s.Memsz + PageSize - 1) &^ (PageSize - 1) }

// Program is what Parse found.
type Program struct {
	Entry uint64
	Segs  [MaxSegments]Segment
	NSegs int
	// Phdr is the address of the program headers in memory, when a
	// segment maps them (for AT_PHDR), else 0; Phnum their count.
	Phdr, Phnum uint64
	Pages       uint64 // pages the segments occupy: the RAM loading takes
	Machine     uint16 // e_machine, for the message of ErrMachine
}

// Error says what is wrong with a program. Zero is no error.
type Error uint8

const (
	OK           Error = iota
	ErrShort           // shorter than an ELF header
	ErrMagic           // no \x7fELF
	ErrClass           // not ELFCLASS64
	ErrData            // not little-endian
	ErrVersion         // e_ident[EI_VERSION] or e_version not 1
	ErrMachine         // e_machine not x86-64
	ErrDyn             // ET_DYN: position-independent
	ErrType            // not ET_EXEC
	ErrPhdrs           // program header table malformed or outside the file
	ErrInterp          // PT_INTERP or PT_DYNAMIC: dynamically linked
	ErrNoLoad          // no PT_LOAD
	ErrTooMany         // more than MaxSegments PT_LOAD
	ErrFileSize        // p_filesz > p_memsz
	ErrFileRange       // file bytes past the end of the file
	ErrAlign           // p_vaddr and p_offset not congruent modulo the page size
	ErrAddress         // outside the user range the kernel gives programs
	ErrOverlap         // two segments share a page
	ErrEntry           // entry point not in an executable segment
)

// String describes e in a few words, for the boot's one-line message.
//
//go:nosplit
func (e Error) String() string {
	switch e {
	case OK:
		return "ok"
	case ErrShort:
		return "too short to be an ELF file"
	case ErrMagic:
		return "not an ELF file (no \\x7fELF magic)"
	case ErrClass:
		return "not a 64-bit ELF (ELFCLASS64): a 32-bit program cannot run"
	case ErrData:
		return "not a little-endian ELF"
	case ErrVersion:
		return "unknown ELF version"
	case ErrMachine:
		return "not an x86-64 program (e_machine is not EM_X86_64)"
	case ErrDyn:
		return "a position-independent executable (ET_DYN): build it with -buildmode=exe"
	case ErrType:
		return "not an executable (e_type is not ET_EXEC)"
	case ErrPhdrs:
		return "its program header table is malformed or outside the file"
	case ErrInterp:
		return "dynamically linked (PT_INTERP or PT_DYNAMIC): build it with CGO_ENABLED=0"
	case ErrNoLoad:
		return "no loadable segment"
	case ErrTooMany:
		return "too many loadable segments"
	case ErrFileSize:
		return "a segment's file size exceeds its memory size"
	case ErrFileRange:
		return "a segment's bytes lie past the end of the file"
	case ErrAlign:
		return "a segment's address and file offset disagree modulo the page size"
	case ErrAddress:
		return "a segment lies outside 0x10000-0x80000000, where programs go (the kernel and its areas are elsewhere)"
	case ErrOverlap:
		return "two segments overlap"
	case ErrEntry:
		return "the entry point is not in an executable segment"
	}
	return "unknown problem"
}

// The range a program's segments must lie in: above the first 64 KiB
// (Linux's default vm.mmap_min_addr, so that page 0 and its neighbours
// stay unmapped) and below the area where ring 3's drivers get device
// memory (kernel/mem.DeviceArea, 2 GiB), itself below the mmap area.
const (
	MinAddr = 0x10000
	MaxAddr = 0x8000_0000
)

//go:nosplit
func le16(b []byte, off uint64) uint64 {
	if off >= uint64(len(b)) || uint64(len(b))-off < 2 {
		return 0
	}
	return uint64(b[off]) | uint64(b[off+1])<<8
}

//go:nosplit
func le32(b []byte, off uint64) uint64 { return le16(b, off) | le16(b, off+2)<<16 }

//go:nosplit
func le64(b []byte, off uint64) uint64 { return le32(b, off) | le32(b, off+4)<<32 }

// Parse checks the ELF file b and fills p. Every check runs before
// anything is loaded, so a bad file changes nothing.
//
//go:nosplit
func Parse(b []byte, p *Program) Error {
	*p = Program{}
	if e := header(b, p); e != OK {
		return e
	}
	phoff, phnum := le64(b, 32), le16(b, 56)
	for i := uint64(0); i < phnum; i++ {
		if e := phdr(b, phoff+i*phdrSize, p); e != OK {
			return e
		}
	}
	return finish(p)
}

// header checks the ELF header (gABI ch. 4, "ELF Header").
//
//go:nosplit
func header(b []byte, p *Program) Error {
	n := uint64(len(b))
	switch {
	case n < 4:
		return ErrShort
	case le32(b, 0) != 0x464c457f: // "\x7fELF"
		return ErrMagic
	case n < ehdrSize:
		return ErrShort
	case le16(b, 4)&0xff != 2: // EI_CLASS: ELFCLASS64
		return ErrClass
	case le16(b, 4)>>8 != 1: // EI_DATA: ELFDATA2LSB
		return ErrData
	case le16(b, 6)&0xff != 1 || le32(b, 20) != 1: // EI_VERSION, e_version: EV_CURRENT
		return ErrVersion
	}
	p.Machine = uint16(le16(b, 18))
	if p.Machine != emX86_64 {
		return ErrMachine
	}
	switch le16(b, 16) {
	case etExec:
	case etDyn:
		return ErrDyn
	default:
		return ErrType
	}
	phoff, phentsize, phnum := le64(b, 32), le16(b, 54), le16(b, 56)
	if phentsize != phdrSize || phnum == 0 || phnum > maxPhnum || phoff > n || phnum*phdrSize > n-phoff {
		return ErrPhdrs
	}
	p.Entry = le64(b, 24)
	p.Phnum = phnum
	return OK
}

// phdr checks the program header at off (gABI ch. 5, "Program Header").
//
//go:nosplit
func phdr(b []byte, off uint64, p *Program) Error {
	typ, flags := le32(b, off), le32(b, off+4)
	s := Segment{
		Off:    le64(b, off+8),
		Vaddr:  le64(b, off+16),
		Filesz: le64(b, off+32),
		Memsz:  le64(b, off+40),
		Read:   flags&pfR != 0,
		Write:  flags&pfW != 0,
		Exec:   flags&pfX != 0,
	}
	switch typ {
	case ptInterp, ptDynamic:
		return ErrInterp
	case ptLoad:
	default:
		return OK // PT_NOTE, PT_TLS, PT_GNU_STACK, PT_PHDR, ...: nothing to load
	}
	n := uint64(len(b))
	switch {
	case p.NSegs >= MaxSegments:
		return ErrTooMany
	case s.Filesz > s.Memsz:
		return ErrFileSize
	case s.Off > n || s.Filesz > n-s.Off:
		return ErrFileRange
	case s.Vaddr%PageSize != s.Off%PageSize:
		return ErrAlign
	case s.Vaddr < MinAddr || s.Vaddr > MaxAddr || s.Memsz > MaxAddr-s.Vaddr:
		return ErrAddress
	}
	for i := 0; i < p.NSegs && i < MaxSegments; i++ {
		o := &p.Segs[i]
		if s.Start() < o.End() && o.Start() < s.End() {
			return ErrOverlap
		}
	}
	phoff := le64(b, 32)
	if s.Off <= phoff && phoff-s.Off < s.Filesz && p.Phnum*phdrSize <= s.Filesz-(phoff-s.Off) {
		p.Phdr = s.Vaddr + (phoff - s.Off)
	}
	if i := p.NSegs; i >= 0 && i < MaxSegments {
		p.Segs[i] = s
		p.NSegs = i + 1
	}
	p.Pages += (s.End() - s.Start()) / PageSize
	return OK
}

// finish checks what needs every segment: one exists, and the entry
// point lies in an executable one.
//
//go:nosplit
func finish(p *Program) Error {
	if p.NSegs == 0 {
		return ErrNoLoad
	}
	for i := 0; i < p.NSegs && i < MaxSegments; i++ {
		s := &p.Segs[i]
		if s.Exec && p.Entry >= s.Vaddr && p.Entry-s.Vaddr < s.Memsz {
			return OK
		}
	}
	return ErrEntry
}
