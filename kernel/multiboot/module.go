package multiboot

import (
	"unsafe"

	"gokernel/kernel/le"
)

// Boot modules: files the loader put in memory next to the kernel (QEMU's
// -initrd "FILE ARGS,FILE2" with -kernel, GRUB's module2 FILE ARGS).
//
//   - Multiboot 1 (§3.3, flags bit 3): mods_count and mods_addr at offsets
//     20 and 24; mods_addr points at mods_count 16-byte structures
//     {u32 mod_start, u32 mod_end, u32 string, u32 reserved}, string the
//     physical address of a NUL-terminated command line (0: none).
//   - Multiboot2 (§3.6.6, tag 3): {u32 type = 3, u32 size, u32 mod_start,
//     u32 mod_end, u8 string[]}, one tag per module, in load order.
//
// [mod_start, mod_end) holds the module's bytes; both protocols give
// 32-bit addresses. The command line is kept whole, file name included as
// the loader gives it (QEMU puts the file name first; the kernel's own
// grub.cfg writes the name as the first word too).

const (
	// MaxModules is the number of modules Info keeps; more set
	// ModulesTruncated.
	MaxModules = 4
	// MaxModuleLine is the number of command-line bytes kept per module;
	// a longer line sets the module's LineFullLen above it.
	MaxModuleLine = 1024

	flag1Mods   = 1 << 3
	mod1Size    = 16
	tagModule   = 3
	minModule2  = tagHeader + 8 // header, mod_start, mod_end
	toModule    = 2             // scanString1's destination: the last module's line
	maxModules1 = 1024          // a larger mods_count is a corrupt structure
)

// Module is one boot module.
type Module struct {
	Start, End  uint64 // physical bytes [Start, End); End >= Start
	Line        [MaxModuleLine]byte
	LineLen     int // bytes kept in Line
	LineFullLen int // the command line's length; > MaxModuleLine: cut
}

// CommandLine returns the module's kept command line, aliasing m.Line.
//
//go:nosplit
func (m *Module) CommandLine() string {
	n := m.LineLen
	if n <= 0 {
		return ""
	}
	if n > len(m.Line) {
		n = len(m.Line)
	}
	return unsafe.String(&m.Line[0], n)
}

// Size returns the module's length in bytes.
//
//go:nosplit
func (m *Module) Size() uint64 { return m.End - m.Start }

// addModule appends a module; an end below the start makes it empty.
// It reports false when Info is full (ModulesTruncated is set).
//
//go:nosplit
func addModule(out *Info, start, end uint64) bool {
	i := out.NModules
	if uint(i) >= uint(len(out.Modules)) {
		out.ModulesTruncated = true
		return false
	}
	if end < start {
		end = start
	}
	m := &out.Modules[i]
	m.Start, m.End, m.LineLen, m.LineFullLen = start, end, 0, 0
	out.NModules = i + 1
	return true
}

// appendModuleLine adds b to the last module's command line.
//
//go:nosplit
func appendModuleLine(out *Info, b []byte) {
	i := out.NModules - 1
	if uint(i) >= uint(len(out.Modules)) {
		return
	}
	m := &out.Modules[i]
	m.LineFullLen += len(b)
	if n := m.LineLen; n >= 0 && n <= len(m.Line) {
		m.LineLen = n + copy(m.Line[n:], b)
	}
}

// mods1 reads the Multiboot 1 module structures: count of them at addr.
//
//go:nosplit
func mods1(mem PhysMem, addr, count uint64, out *Info) Error {
	if count == 0 {
		return 0
	}
	if count > maxModules1 || addr+count*mod1Size > limit1 {
		return ErrAddressRange
	}
	b := view(mem, addr, count*mod1Size)
	if b == nil {
		return ErrInaccessible
	}
	addSpan(out, addr, count*mod1Size)
	for off := 0; off+mod1Size <= len(b); off += mod1Size {
		if !addModule(out, uint64(le.U32(b, off)), uint64(le.U32(b, off+4))) {
			return 0
		}
		if str := uint64(le.U32(b, off+8)); str != 0 {
			if _, err := scanString1(mem, str, out, toModule); err != 0 {
				return err
			}
		}
	}
	return 0
}

// module2 reads a module tag (§3.6.6).
//
//go:nosplit
func module2(tag []byte, out *Info) Error {
	if len(tag) < minModule2 {
		return ErrTagTooSmall
	}
	s := tag[minModule2:]
	n := indexNUL(s)
	if n < 0 || n > len(s) {
		return ErrUnterminated
	}
	if addModule(out, uint64(le.U32(tag, 8)), uint64(le.U32(tag, 12))) {
		appendModuleLine(out, s[:n])
	}
	return 0
}
