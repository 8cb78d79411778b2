package boot

import (
	"gokernel/arch"
	"gokernel/kernel/console"
	"gokernel/kernel/exec"
	"gokernel/kernel/machine"
	"gokernel/kernel/mem"
	"gokernel/kernel/multiboot"
	"gokernel/kernel/proc"
)

// A program from a boot module (issue 17): QEMU's -initrd "prog.elf ARGS"
// with -kernel, or GRUB's module2. Modules sorts the modules by what they
// hold: the first static ELF executable is the program, run in ring 3
// instead of the kernel's own Go program, with its arguments and
// environment from the module's command line; the first cpio newc archive
// is the file system (Files). A module that is neither, or a program that
// cannot run, is named in one line, and the kernel's own program runs
// instead, except in test mode (test= or exit=qemu), where the boot stops
// with the fail status: a test must not pass on the wrong program.

var (
	progMod = -1 // the module holding the program, or -1: the kernel's own
	fsMod   = -1 // the module holding the archive, or -1: none
	prog    exec.Program
)

// Modules checks the boot modules. Preconditions: Image (it takes the
// user bit off the Go image's segments when another program runs).
//
//go:nosplit
func Modules() {
	for i := 0; i < info.NModules && i < multiboot.MaxModules; i++ {
		m := &info.Modules[i]
		b := physBelow4G(m.Start, m.Size())
		switch {
		case len(b) == 0:
			badModule(i, "empty, or not in memory below 4 GiB")
		case len(b) >= 4 && b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F':
			if progMod < 0 {
				checkProgram(i, b)
			} else {
				badModule(i, "a second program; ignored")
			}
		case len(b) >= 6 && string(b[:5]) == "07070" && (b[5] == '1' || b[5] == '2'):
			if fsMod < 0 {
				fsMod = i
			} else {
				badModule(i, "a second cpio archive; ignored")
			}
		default:
			badModule(i, "neither an ELF program (no \\x7fELF magic) nor a cpio newc archive (no 070701 magic)")
		}
	}
	if info.ModulesTruncated {
		console.WriteString("modules: more than ")
		console.Dec(multiboot.MaxModules)
		console.Line(" boot modules; the others are ignored")
	}
	if progMod >= 0 {
		for i := 0; i < nsegs && i < len(segs); i++ {
			segs[i].Flags &^= arch.PTE_U // the kernel's Go image becomes kernel-only
		}
	}
}

// moduleName returns module i's file name (its line's first word).
//
//go:nosplit
func moduleName(i int) string {
	if uint(i) >= multiboot.MaxModules {
		return ""
	}
	return proc.Argv0Of(info.Modules[i].CommandLine())
}

// badModule names module i and its problem. In test mode that ends the
// boot.
//
//go:nosplit
func badModule(i int, why string) {
	console.WriteString("modules: module ")
	console.Dec(int64(i + 1))
	console.WriteString(" (")
	console.WriteString(moduleName(i))
	console.WriteString("): ")
	console.WriteString(why)
	if machine.TestMode {
		fail("; stopped (test mode)", "")
	}
	console.Line("")
}

// checkProgram runs every check on the program in module i, b its bytes,
// before anything is loaded.
//
//go:nosplit
func checkProgram(i int, b []byte) {
	m := &info.Modules[i]
	if m.LineFullLen >= multiboot.MaxModuleLine {
		badProgram(i, "its command line is too long: the limit is 1023 bytes", 0)
		return
	}
	if args, env := proc.Counts(m.CommandLine(), true); args > proc.MaxArgs || env > proc.MaxEnv {
		badProgram(i, "too many words on its command line: the limit is 63 arguments and 64 environment entries", 0)
		return
	}
	if e := exec.Parse(b, &prog); e != exec.OK {
		badProgram(i, e.String(), 0)
		return
	}
	// Its segments, and room for a Go runtime's first heap (the kernel's
	// own program needs 18 MiB), must fit in the RAM the kernel and the
	// modules leave.
	need := prog.Pages*mem.PageSize + 24<<20
	have := info.UsableBytes()
	for j := 0; j < info.NModules && j < multiboot.MaxModules; j++ {
		have -= min(have, info.Modules[j].Size())
	}
	have -= min(have, imageEnd-imageStart)
	if need > have {
		badProgram(i, "does not fit in RAM: its segments and 24 MiB for its heap need (MiB) ", need>>20)
		return
	}
	progMod = i
}

//go:nosplit
func badProgram(i int, why string, n uint64) {
	console.WriteString("program: ")
	console.WriteString(moduleName(i))
	console.WriteString(": ")
	console.WriteString(why)
	if n != 0 {
		console.Dec(int64(n))
	}
	if machine.TestMode {
		fail("; stopped (test mode)", "")
	}
	console.Line("; running the kernel's own program instead")
}

// moduleBytes views module i through the direct map.
//
//go:nosplit
func moduleBytes(i int) []byte {
	if uint(i) >= multiboot.MaxModules {
		return nil
	}
	m := &info.Modules[i]
	n := m.Size()
	if n == 0 || n > 1<<32 {
		return nil
	}
	return (*[1 << 32]byte)(arch.Ptr(mem.Virt(m.Start)))[:n:n]
}

// LoadProgram copies the program's segments into frames of their own at
// their link addresses (user pages: writable if the segment is, executable
// only if it is), records them as the running program's image, and gives
// the module's pages back. Preconditions: Personality.
//
//go:nosplit
func LoadProgram() {
	if progMod < 0 {
		return
	}
	b := moduleBytes(progMod)
	var size uint64
	for k := 0; k < prog.NSegs && k < exec.MaxSegments; k++ {
		s := &prog.Segs[k]
		flags := arch.PTE_U
		if s.Write {
			flags |= arch.PTE_W
		}
		if !s.Exec {
			flags |= mem.NX()
		}
		for va := s.Start(); va < s.End(); va += mem.PageSize {
			if !loadPage(s, b, va, flags) {
				fail("boot: out of memory while loading the program", "")
			}
		}
		if !mem.AddImage(mem.Segment{Start: s.Start(), End: s.End(), Flags: flags}) {
			fail("boot: too many program segments", "")
		}
		size += s.End() - s.Start()
	}
	freed := freeModule(progMod)
	console.WriteString("program: ")
	console.WriteString(moduleName(progMod))
	console.WriteString(": ")
	console.Dec(int64(prog.NSegs))
	console.WriteString(" segments, ")
	console.Dec(int64(size >> 10))
	console.WriteString(" KiB from ")
	console.Hex(prog.Segs[0].Start())
	console.WriteString(", entry ")
	console.Hex(prog.Entry)
	console.WriteString("; ")
	console.Dec(int64(freed >> 10))
	console.Line(" KiB of the module's memory returned")
}

// loadPage maps a zeroed frame at va holding the bytes of segment s that
// fall in the page: its file bytes from b, zeros past them (bss).
//
//go:nosplit
func loadPage(s *exec.Segment, b []byte, va uint64, flags arch.PTE) bool {
	pa, ok := mem.Frames.Alloc()
	if !ok {
		return false
	}
	page := (*[mem.PageSize]byte)(arch.Ptr(mem.Virt(pa)))
	*page = [mem.PageSize]byte{}
	lo, hi := max(va, s.Vaddr), min(va+mem.PageSize, s.Vaddr+s.Filesz)
	if lo < hi {
		from := s.Off + (lo - s.Vaddr)
		if from <= uint64(len(b)) && hi-lo <= uint64(len(b))-from {
			copy(page[lo-va:hi-va], b[from:from+(hi-lo)])
		}
	}
	return mem.Map(uintptr(va), pa, flags)
}

// freeModule gives the frame allocator the pages only module i occupies,
// and returns how many bytes.
//
//go:nosplit
func freeModule(i int) uint64 {
	m := &info.Modules[i]
	var n uint64
	for pa := mem.PageRoundUp(m.Start); pa+mem.PageSize <= m.End; pa += mem.PageSize {
		if sharedPage(i, pa) {
			continue
		}
		mem.Frames.Free(pa)
		n += mem.PageSize
	}
	return n
}

// sharedPage reports whether the page at pa holds anything but module i:
// another module, or the loader's structures.
//
//go:nosplit
func sharedPage(i int, pa uint64) bool {
	for j := 0; j < info.NModules && j < multiboot.MaxModules; j++ {
		if m := &info.Modules[j]; j != i && overlaps(pa, pa+mem.PageSize, m.Start, m.End) {
			return true
		}
	}
	for j := 0; j < info.NSpans && j < len(info.Spans); j++ {
		if overlaps(pa, pa+mem.PageSize, info.Spans[j].Start, info.Spans[j].End) {
			return true
		}
	}
	return false
}
