package multiboot

import (
	"bytes"
	"encoding/binary"
	"math/rand"
	"strings"
	"testing"
)

const testCmdline = "build/kernel.elf test=boot"

func wantRegions(t *testing.T, in *Info, want []region) {
	t.Helper()
	if in.NRegions != len(want) {
		t.Fatalf("NRegions = %d, want %d", in.NRegions, len(want))
	}
	for i, w := range want {
		got := in.Regions[i]
		if got != (Region{w.base, w.length, MemType(w.typ)}) {
			t.Errorf("Regions[%d] = %+v, want %+v", i, got, w)
		}
	}
}

func wantSpans(t *testing.T, in *Info, want []Span) {
	t.Helper()
	if in.NSpans != len(want) {
		t.Fatalf("NSpans = %d (%v), want %d", in.NSpans, in.Spans[:in.NSpans], len(want))
	}
	for i, w := range want {
		if in.Spans[i] != w {
			t.Errorf("Spans[%d] = %#x, want %#x", i, in.Spans[i], w)
		}
	}
}

// qemuMB1 is the layout QEMU's -kernel multiboot loader produces
// (hw/i386/multiboot.c): the memory map at 0x9000 (written by its option
// ROM from E820), the 88-byte information structure at 0x9500, and the
// command line ("<kernel file> <-append>") and loader name "qemu" in the
// page after the kernel's bss.
func qemuMB1() *mb1Layout {
	return &mb1Layout{
		infoAddr:    0x9500,
		flags:       1<<0 | 1<<1 | 1<<2 | 1<<3 | 1<<6 | 1<<9,
		memLower:    639,
		memUpper:    130944,
		cmdlineAddr: 0x3f0000,
		cmdline:     testCmdline,
		mmapAddr:    0x9000,
		mmap:        qemuE820,
		loaderAddr:  0x3f0000 + uint64(len(testCmdline)) + 1,
		loader:      "qemu",
	}
}

// checkQEMUMemory checks what both loaders report for QEMU's 128 MiB
// machine: the protocol, the basic memory sizes and the E820 map.
func checkQEMUMemory(t *testing.T, in *Info, protocol int) {
	t.Helper()
	if want := "multiboot" + string(rune('0'+protocol)); in.Protocol != protocol || in.ProtocolName() != want {
		t.Errorf("Protocol = %d %q", in.Protocol, in.ProtocolName())
	}
	if !in.HasMemInfo || in.MemLowerKB != 639 || in.MemUpperKB != 130944 {
		t.Errorf("meminfo = %v %d %d", in.HasMemInfo, in.MemLowerKB, in.MemUpperKB)
	}
	if !in.HasMemoryMap || in.RegionsTruncated {
		t.Errorf("HasMemoryMap %v RegionsTruncated %v", in.HasMemoryMap, in.RegionsTruncated)
	}
	wantRegions(t, in, qemuE820)
	if got := in.UsableBytes(); got != qemuUsable {
		t.Errorf("UsableBytes = %#x, want %#x", got, qemuUsable)
	}
}

func TestParse1QEMU(t *testing.T) {
	var m physMem
	qemuMB1().build(t, &m)
	var in Info
	if err := Parse(BootMagic1, 0x9500, m.read, &in); err != OK {
		t.Fatalf("Parse: %v", err)
	}
	checkQEMUMemory(t, &in, 1)
	// QEMU passes "PATH ARGS": the kernel keeps ARGS.
	const args = "test=boot"
	if !in.HasCmdline || in.CommandLine() != args || in.CmdlineLen != len(args) ||
		in.CmdlineFullLen != len(args) || in.CmdlinePath != len(testCmdline)-len(args) || in.CmdlineTooLong {
		t.Errorf("cmdline %q len %d full %d path %d toolong %v", in.CommandLine(), in.CmdlineLen, in.CmdlineFullLen, in.CmdlinePath, in.CmdlineTooLong)
	}
	if in.BootLoaderName() != "qemu" || in.LoaderNameLen != 4 {
		t.Errorf("loader name %q", in.BootLoaderName())
	}
	if in.HasFramebuffer || in.Framebuffer != (Framebuffer{}) {
		t.Errorf("framebuffer %v %+v", in.HasFramebuffer, in.Framebuffer)
	}
	if in.RSDPLen != 0 {
		t.Errorf("RSDPLen = %d", in.RSDPLen)
	}
	wantSpans(t, &in, []Span{
		{0x9500, 0x9500 + 68}, // flags bit 9 makes the structure 68 bytes
		{0x3f0000, 0x3f0000 + uint64(len(testCmdline)) + 1},
		{0x9000, 0x9000 + 6*24},
		{0x3f001b, 0x3f001b + 5},
	})
}

// GRUB's multiboot (1) command with a video mode request: flags bit 12 and
// a 32-bit direct-colour framebuffer.
func TestParse1Framebuffer(t *testing.T) {
	fb := Framebuffer{Addr: 0xfd000000, Pitch: 4096, Width: 1024, Height: 768, BPP: 32, Type: FramebufferRGB,
		RedPos: 16, RedSize: 8, GreenPos: 8, GreenSize: 8, BluePos: 0, BlueSize: 8}
	l := &mb1Layout{
		infoAddr: 0x10000, infoSize: 116,
		flags:    flag1Mem | flag1Mmap | flag1Framebuffer,
		memLower: 639, memUpper: 130944,
		mmapAddr: 0x11000, mmap: qemuE820,
		fb: fb,
	}
	var m physMem
	l.build(t, &m)
	var in Info
	if err := Parse(BootMagic1, 0x10000, m.read, &in); err != OK {
		t.Fatalf("Parse: %v", err)
	}
	if !in.HasFramebuffer || in.Framebuffer != fb {
		t.Errorf("framebuffer = %+v, want %+v", in.Framebuffer, fb)
	}
	if in.HasCmdline || in.CmdlineLen != 0 || in.CommandLine() != "" || in.BootLoaderName() != "" {
		t.Errorf("unexpected strings %q %q", in.CommandLine(), in.BootLoaderName())
	}
	wantSpans(t, &in, []Span{{0x10000, 0x10000 + 116}, {0x11000, 0x11000 + 144}})

	// EGA text: the colour fields stay zero.
	m.at(t, 0x10000+109, 1)[0] = FramebufferEGAText
	if err := Parse(BootMagic1, 0x10000, m.read, &in); err != OK {
		t.Fatalf("Parse: %v", err)
	}
	want := Framebuffer{Addr: 0xfd000000, Pitch: 4096, Width: 1024, Height: 768, BPP: 32, Type: FramebufferEGAText}
	if in.Framebuffer != want {
		t.Errorf("EGA framebuffer = %+v, want %+v", in.Framebuffer, want)
	}
}

// A loader that gives only mem_lower/mem_upper.
func TestParse1NoMemoryMap(t *testing.T) {
	var m physMem
	(&mb1Layout{infoAddr: 0x9500, flags: flag1Mem, memLower: 639, memUpper: 64512}).build(t, &m)
	var in Info
	if err := Parse(BootMagic1, 0x9500, m.read, &in); err != OK {
		t.Fatalf("Parse: %v", err)
	}
	if in.HasMemoryMap || in.NRegions != 0 || !in.HasMemInfo || in.MemLowerKB != 639 || in.MemUpperKB != 64512 {
		t.Errorf("got map %v n %d meminfo %v %d %d", in.HasMemoryMap, in.NRegions, in.HasMemInfo, in.MemLowerKB, in.MemUpperKB)
	}
	if in.UsableBytes() != 0 {
		t.Errorf("UsableBytes = %d", in.UsableBytes())
	}
	wantSpans(t, &in, []Span{{0x9500, 0x9500 + 12}})

	// An empty map is present but holds no regions.
	(&mb1Layout{infoAddr: 0x9500, flags: flag1Mmap}).build(t, &m)
	if err := Parse(BootMagic1, 0x9500, m.read, &in); err != OK {
		t.Fatalf("Parse: %v", err)
	}
	if !in.HasMemoryMap || in.NRegions != 0 || in.HasMemInfo {
		t.Errorf("empty map: %v %d %v", in.HasMemoryMap, in.NRegions, in.HasMemInfo)
	}
}

// Entries larger than 20 bytes (size > 20) are stepped by size+4, and
// zero-length entries and unknown types are normalised.
func TestParse1EntrySizeAndTypes(t *testing.T) {
	var m physMem
	l := &mb1Layout{infoAddr: 0x9500, flags: flag1Mmap, mmapAddr: 0x9000, entrySize: 28, mmap: []region{
		{0, 0x1000, 1}, {0x1000, 0, 1}, {0x2000, 0x1000, 0}, {0x3000, 0x1000, 7},
		{0x4000, 0x1000, 3}, {0x5000, 0x1000, 4}, {0x6000, 0x1000, 5},
		{0xffff_ffff_ffff_f000, 0x2000, 1},
	}}
	l.build(t, &m)
	var in Info
	if err := Parse(BootMagic1, 0x9500, m.read, &in); err != OK {
		t.Fatalf("Parse: %v", err)
	}
	wantRegions(t, &in, []region{
		{0, 0x1000, 1}, {0x2000, 0x1000, 2}, {0x3000, 0x1000, 2},
		{0x4000, 0x1000, 3}, {0x5000, 0x1000, 4}, {0x6000, 0x1000, 5},
		{0xffff_ffff_ffff_f000, 0xfff, 1}, // cut so that it does not wrap
	})
	if got := in.UsableBytes(); got != 0x1000+0xfff {
		t.Errorf("UsableBytes = %#x", got)
	}
	if in.Regions[1].Type.String() != "reserved" || in.Regions[4].Type.String() != "ACPI NVS" || MemType(9).String() != "unknown" {
		t.Errorf("MemType.String")
	}
	if in.Regions[6].End() != ^uint64(0) {
		t.Errorf("End = %#x", in.Regions[6].End())
	}
}

// grubMB2 is the information GRUB 2's multiboot2 command gives a kernel
// that asks for the command line and memory map under BIOS with a
// graphical terminal: tags in the order grub-core/loader/multiboot_mbi2.c
// writes them.
func grubMB2(cmdline string, mmap []region) *mb2Builder {
	fb := Framebuffer{Addr: 0xfd000000, Pitch: 4096, Width: 1024, Height: 768, BPP: 32, Type: FramebufferRGB,
		RedPos: 16, RedSize: 8, GreenPos: 8, GreenSize: 8, BluePos: 0, BlueSize: 8}
	rsdp := []byte("RSD PTR \x4eBOCHS \x00\x60\x41\x0f\x07")[:20]
	return newMB2().
		u32s(21, 0x100000). // load base address
		str(tagCmdline, cmdline).
		str(tagLoaderName, "GRUB 2.12").
		tag(10, make([]byte, 20), 0). // APM table
		u32s(tagMemInfo, 639, 130944).
		u32s(5, 0x80, 0xffffffff, 0xffffffff). // BIOS boot device
		mmap(24, mmap).
		tag(9, make([]byte, 12+5*64), 0). // ELF sections
		framebuffer(fb).
		tag(tagACPIOld, rsdp, 0)
}

var grubFB = Framebuffer{Addr: 0xfd000000, Pitch: 4096, Width: 1024, Height: 768, BPP: 32, Type: FramebufferRGB,
	RedPos: 16, RedSize: 8, GreenPos: 8, GreenSize: 8, BluePos: 0, BlueSize: 8}

func TestParse2GRUB(t *testing.T) {
	data := grubMB2(testCmdline, qemuE820).end().bytes()
	var m physMem
	m.addBytes(0x10000, data)
	var in Info
	if err := Parse(BootMagic2, 0x10000, m.read, &in); err != OK {
		t.Fatalf("Parse: %v", err)
	}
	checkQEMUMemory(t, &in, 2)
	if !in.HasCmdline || in.CommandLine() != testCmdline || in.CmdlineFullLen != len(testCmdline) || in.CmdlineTooLong {
		t.Errorf("cmdline %q full %d toolong %v", in.CommandLine(), in.CmdlineFullLen, in.CmdlineTooLong)
	}
	if in.BootLoaderName() != "GRUB 2.12" {
		t.Errorf("loader name %q", in.BootLoaderName())
	}
	if !in.HasFramebuffer || in.Framebuffer != grubFB {
		t.Errorf("framebuffer %+v, want %+v", in.Framebuffer, grubFB)
	}
	if in.RSDPLen != 20 || string(in.RSDP[:8]) != "RSD PTR " {
		t.Errorf("RSDP %d %q", in.RSDPLen, in.RSDP[:in.RSDPLen])
	}
	wantSpans(t, &in, []Span{{0x10000, 0x10000 + uint64(len(data))}})
}

// Under UEFI GRUB also gives tag 15 (ACPI 2.0 RSDP), which wins over tag 14
// whichever comes first; a repeated tag does not replace the first.
func TestParse2ACPI(t *testing.T) {
	v1 := bytes.Repeat([]byte{1}, 20)
	v2 := bytes.Repeat([]byte{2}, 36)
	for _, order := range [][]uint32{{14, 15}, {15, 14}, {15}, {15, 15}} {
		w := newMB2()
		for i, typ := range order {
			p := v1
			if typ == 15 {
				p = append([]byte(nil), v2...)
				p[0] = byte(10 + i)
			}
			w.tag(typ, p, 0)
		}
		w.str(tagCmdline, "first").str(tagCmdline, "second")
		var m physMem
		m.addBytes(0x8000, w.end().bytes())
		var in Info
		if err := Parse(BootMagic2, 0x8000, m.read, &in); err != OK {
			t.Fatalf("%v: Parse: %v", order, err)
		}
		first15 := 0
		for i, typ := range order {
			if typ == 15 {
				first15 = i
				break
			}
		}
		if in.RSDPLen != 36 || in.RSDP[0] != byte(10+first15) || in.RSDP[1] != 2 {
			t.Errorf("%v: RSDP %d % x", order, in.RSDPLen, in.RSDP[:in.RSDPLen])
		}
		if in.CommandLine() != "first" {
			t.Errorf("%v: cmdline %q", order, in.CommandLine())
		}
	}
}

// A loader that gives no memory map (tag 6 is optional in our request) and
// an indexed-colour framebuffer.
func TestParse2Minimal(t *testing.T) {
	fb := Framebuffer{Addr: 0xb8000, Pitch: 160, Width: 80, Height: 25, BPP: 16, Type: FramebufferEGAText}
	var m physMem
	m.addBytes(0x8000, newMB2().u32s(tagMemInfo, 639, 7168).framebuffer(fb).end().bytes())
	var in Info
	if err := Parse(BootMagic2, 0x8000, m.read, &in); err != OK {
		t.Fatalf("Parse: %v", err)
	}
	if in.HasMemoryMap || in.NRegions != 0 || in.MemUpperKB != 7168 || in.HasCmdline || in.CommandLine() != "" {
		t.Errorf("got %+v", in)
	}
	if in.Framebuffer != fb {
		t.Errorf("framebuffer %+v", in.Framebuffer)
	}
	// The smallest structure: the fixed part and the end tag.
	m.addBytes(0x20000, newMB2().end().bytes())
	if err := Parse(BootMagic2, 0x20000, m.read, &in); err != OK || in.NSpans != 1 || in.Spans[0] != (Span{0x20000, 0x20010}) {
		t.Fatalf("minimal: %v %v", err, in.Spans[:in.NSpans])
	}
}

func TestCmdlineLimit(t *testing.T) {
	for _, n := range []int{0, 1, MaxCmdline - 1, MaxCmdline, MaxCmdline + 1, 4095, 4096, 5000, MaxString1 - 2100} {
		s := strings.Repeat("x", n)
		if n > 0 {
			s = "k" + s[1:]
		}
		check := func(proto string, in *Info) {
			t.Helper()
			kept := min(n, MaxCmdline)
			if !in.HasCmdline || in.CmdlineLen != kept || in.CmdlineFullLen != n || in.CmdlineTooLong != (n > MaxCmdline) ||
				in.CommandLine() != s[:kept] {
				t.Errorf("%s n=%d: len %d full %d toolong %v", proto, n, in.CmdlineLen, in.CmdlineFullLen, in.CmdlineTooLong)
			}
		}
		// Multiboot 1: the loader's file name first, then the kernel's
		// line, which alone counts against the limit. The string starts 5
		// bytes before a page boundary so that the scan crosses pages.
		path := "  /a/path/" + strings.Repeat("p", 2000) + "/kernel.elf \t "
		var m physMem
		l := &mb1Layout{infoAddr: 0x9500, flags: flag1Cmdline, cmdlineAddr: 0x20ffb, cmdline: path + s}
		l.build(t, &m)
		var in Info
		if err := Parse(BootMagic1, 0x9500, m.read, &in); err != OK {
			t.Fatalf("mb1 n=%d: %v", n, err)
		}
		check("mb1", &in)
		if in.CmdlinePath != len(path) {
			t.Errorf("mb1 n=%d: path of %d bytes, want %d", n, in.CmdlinePath, len(path))
		}
		if want := (Span{0x20ffb, 0x20ffb + uint64(len(path)+n) + 1}); in.Spans[1] != want {
			t.Errorf("mb1 n=%d: span %#x, want %#x", n, in.Spans[1], want)
		}
		var m2 physMem
		m2.addBytes(0x8000, newMB2().str(tagCmdline, s).end().bytes())
		if err := Parse(BootMagic2, 0x8000, m2.read, &in); err != OK {
			t.Fatalf("mb2 n=%d: %v", n, err)
		}
		check("mb2", &in)
	}
}

// Multiboot 1 strings are scanned for at most MaxString1 bytes and only
// through accessible memory.
func TestString1Bounds(t *testing.T) {
	var m physMem
	(&mb1Layout{infoAddr: 0x9500, flags: flag1Cmdline | flag1LoaderName, cmdlineAddr: 0x100000, loaderAddr: 0x300000, skipStrings: true}).build(t, &m)
	m.addBytes(0x100000, append([]byte("k "), bytes.Repeat([]byte{'a'}, MaxString1+98)...))
	m.addBytes(0x300000, []byte("a long loader name that does not fit in sixty-four bytes, cut it\x00"))
	var in Info
	if err := Parse(BootMagic1, 0x9500, m.read, &in); err != ErrUnterminated {
		t.Fatalf("no NUL within MaxString1: %v", err)
	}
	if m.calls > 40 {
		t.Errorf("%d PhysMem calls for a 64 KiB scan", m.calls)
	}
	// MaxString1 bytes are looked at, so the longest string accepted has
	// MaxString1-1 bytes and its NUL as the last byte looked at.
	m.at(t, 0x100000+MaxString1-1, 1)[0] = 0
	if err := Parse(BootMagic1, 0x9500, m.read, &in); err != OK {
		t.Fatalf("NUL at MaxString1-1: %v", err)
	}
	if in.CmdlineFullLen != MaxString1-1-2 || !in.CmdlineTooLong {
		t.Errorf("full %d", in.CmdlineFullLen)
	}
	if in.BootLoaderName() != "a long loader name that does not fit in sixty-four bytes, cut it"[:64] {
		t.Errorf("loader name %q", in.BootLoaderName())
	}

	// A string running into unmapped memory, not at a page boundary.
	var m2 physMem
	(&mb1Layout{infoAddr: 0x9500, flags: flag1Cmdline, cmdlineAddr: 0x100000, skipStrings: true}).build(t, &m2)
	m2.addBytes(0x100000, append([]byte("k "), bytes.Repeat([]byte{'a'}, 4998)...))
	if err := Parse(BootMagic1, 0x9500, m2.read, &in); err != ErrInaccessible {
		t.Fatalf("unterminated into unmapped memory: %v", err)
	}
	// The same with its NUL as the last mapped byte.
	m2.at(t, 0x100000+4999, 1)[0] = 0
	if err := Parse(BootMagic1, 0x9500, m2.read, &in); err != OK || in.CmdlineFullLen != 4997 {
		t.Fatalf("NUL at the end of memory: %v %d", err, in.CmdlineFullLen)
	}
	// Near the top of the 32-bit space.
	var m3 physMem
	(&mb1Layout{infoAddr: 0x9500, flags: flag1Cmdline, cmdlineAddr: 0xfffffff0, skipStrings: true}).build(t, &m3)
	m3.addBytes(0xfffffff0, bytes.Repeat([]byte{'a'}, 16))
	if err := Parse(BootMagic1, 0x9500, m3.read, &in); err != ErrAddressRange {
		t.Fatalf("string past 4 GiB: %v", err)
	}
}

func TestRegionsTruncated(t *testing.T) {
	var many []region
	for i := 0; i < 200; i++ {
		many = append(many, region{uint64(i) << 20, 1 << 19, 1})
	}
	check := func(proto string, in *Info) {
		t.Helper()
		if in.NRegions != MaxRegions || !in.RegionsTruncated || !in.HasMemoryMap {
			t.Errorf("%s: NRegions %d truncated %v", proto, in.NRegions, in.RegionsTruncated)
		}
		wantRegions(t, in, many[:MaxRegions])
		if got := in.UsableBytes(); got != MaxRegions<<19 {
			t.Errorf("%s: UsableBytes %#x", proto, got)
		}
	}
	var m physMem
	(&mb1Layout{infoAddr: 0x9500, flags: flag1Mmap, mmapAddr: 0x10000, mmap: many}).build(t, &m)
	var in Info
	if err := Parse(BootMagic1, 0x9500, m.read, &in); err != OK {
		t.Fatal(err)
	}
	check("mb1", &in)
	var m2 physMem
	m2.addBytes(0x8000, newMB2().mmap(24, many).end().bytes())
	if err := Parse(BootMagic2, 0x8000, m2.read, &in); err != OK {
		t.Fatal(err)
	}
	check("mb2", &in)

	// Exactly MaxRegions is not truncated.
	var m3 physMem
	m3.addBytes(0x8000, newMB2().mmap(24, many[:MaxRegions]).end().bytes())
	if err := Parse(BootMagic2, 0x8000, m3.read, &in); err != OK || in.RegionsTruncated || in.NRegions != MaxRegions {
		t.Fatalf("%v %v %d", err, in.RegionsTruncated, in.NRegions)
	}
}

func TestMalformed2(t *testing.T) {
	good := func() *mb2Builder { return newMB2().str(tagCmdline, "x") }
	setTotal := func(b []byte, v uint32) []byte { binary.LittleEndian.PutUint32(b, v); return b }
	cases := []struct {
		name string
		data []byte
		addr uint64 // 0x8000 when 0
		want Error
	}{
		{"misaligned", good().end().bytes(), 0x8004, ErrMisaligned},
		{"total_size 0", setTotal(good().end().bytes(), 0), 0, ErrTotalSize},
		{"total_size 8", setTotal(good().end().bytes(), 8), 0, ErrTotalSize},
		{"total_size past memory", setTotal(good().end().bytes(), 1<<20), 0, ErrInaccessible},
		{"total_size 2^32-1", setTotal(good().end().bytes(), 0xffffffff), 0, ErrInaccessible},
		{"no end tag", good().bytes(), 0, ErrNoEndTag},
		{"end tag cut by total_size", setTotal(good().end().bytes(), 8+16+4), 0, ErrNoEndTag},
		{"tag past total_size", newMB2().tag(99, nil, 64).end().bytes(), 0, ErrTagSize},
		{"zero-size tag after a good one", setTotal(append(good().bytes(), 99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0), 40), 0, ErrTagSize},
		{"zero-size tag", setTotal(append(make([]byte, 8), 99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0), 24), 0, ErrTagSize},
		{"tag size 4", newMB2().tag(1, []byte("ab\x00"), 4).end().bytes(), 0, ErrTagSize},
		{"end tag size 4", newMB2().tag(0, nil, 4).bytes(), 0, ErrTagSize},
		{"cmdline without NUL", newMB2().tag(tagCmdline, []byte("abc"), 0).end().bytes(), 0, ErrUnterminated},
		{"empty cmdline tag", newMB2().tag(tagCmdline, nil, 0).end().bytes(), 0, ErrUnterminated},
		{"loader name without NUL", newMB2().tag(tagLoaderName, []byte("GRUB"), 0).end().bytes(), 0, ErrUnterminated},
		{"meminfo too small", newMB2().u32s(tagMemInfo, 639).end().bytes(), 0, ErrTagTooSmall},
		{"mmap header too small", newMB2().u32s(tagMmap, 24).end().bytes(), 0, ErrTagTooSmall},
		{"mmap entry_size 0", newMB2().mmap(0, qemuE820).end().bytes(), 0, ErrEntrySize},
		{"mmap entry_size 0 empty", newMB2().u32s(tagMmap, 0, 0).end().bytes(), 0, ErrEntrySize},
		{"mmap entry_size 16", newMB2().mmap(16, qemuE820).end().bytes(), 0, ErrEntrySize},
		{"mmap entry_size 20", newMB2().mmap(20, qemuE820).end().bytes(), 0, ErrEntrySize},
		{"mmap partial entry", newMB2().tag(tagMmap, append([]byte{24, 0, 0, 0, 0, 0, 0, 0}, make([]byte, 24+12)...), 0).end().bytes(), 0, ErrMmapLength},
		{"mmap entry_size huge", newMB2().u32s(tagMmap, 0xffffffff, 0, 1, 2, 3, 4, 5, 6).end().bytes(), 0, ErrMmapLength},
		{"framebuffer too small", newMB2().tag(tagFramebuffer, make([]byte, 20), 0).end().bytes(), 0, ErrTagTooSmall},
		{"rgb framebuffer without colours", newMB2().tag(tagFramebuffer, append(make([]byte, 21), 1, 0, 0), 0).end().bytes(), 0, ErrTagTooSmall},
		{"acpi old too small", newMB2().tag(tagACPIOld, make([]byte, 19), 0).end().bytes(), 0, ErrTagTooSmall},
		{"acpi new too small", newMB2().tag(tagACPINew, make([]byte, 20), 0).end().bytes(), 0, ErrTagTooSmall},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			addr := c.addr
			if addr == 0 {
				addr = 0x8000
			}
			var m physMem
			m.addBytes(addr, c.data)
			var in Info
			if err := Parse(BootMagic2, addr, m.read, &in); err != c.want {
				t.Fatalf("Parse = %v, want %v", err, c.want)
			}
			checkInvariants(t, &in, &m)
		})
	}
}

func TestMalformed1(t *testing.T) {
	cases := []struct {
		name   string
		layout *mb1Layout
		addr   uint64 // infoAddr when 0
		want   Error
		patch  func(t *testing.T, m *physMem)
	}{
		{"info not mapped", &mb1Layout{infoAddr: 0x9500}, 0x20000, ErrInaccessible, nil},
		{"info cut short", &mb1Layout{infoAddr: 0x9500}, 0, ErrInaccessible,
			func(t *testing.T, m *physMem) { m.w32(t, 0x9500, flag1Framebuffer) }},
		{"info at 4 GiB", &mb1Layout{infoAddr: 0x9500}, 0xfffffffe, ErrAddressRange, nil},
		{"info above 4 GiB", &mb1Layout{infoAddr: 0x9500}, 1 << 40, ErrAddressRange, nil},
		{"entry size 0", &mb1Layout{infoAddr: 0x9500, flags: flag1Mmap, mmapAddr: 0x9000, mmap: qemuE820}, 0, ErrEntrySize,
			func(t *testing.T, m *physMem) { m.w32(t, 0x9000+24, 0) }},
		{"entry size 2^32-1", &mb1Layout{infoAddr: 0x9500, flags: flag1Mmap, mmapAddr: 0x9000, mmap: qemuE820}, 0, ErrMmapLength,
			func(t *testing.T, m *physMem) { m.w32(t, 0x9000+48, 0xffffffff) }},
		{"entry size past mmap_length", &mb1Layout{infoAddr: 0x9500, flags: flag1Mmap, mmapAddr: 0x9000, mmap: qemuE820}, 0, ErrMmapLength,
			func(t *testing.T, m *physMem) { m.w32(t, 0x9000+5*24, 24) }},
		{"entry size 8", &mb1Layout{infoAddr: 0x9500, flags: flag1Mmap, mmapAddr: 0x9000, mmap: qemuE820, entrySize: 8}, 0, ErrEntrySize, nil},
		{"entry size 19", &mb1Layout{infoAddr: 0x9500, flags: flag1Mmap, mmapAddr: 0x9000, mmap: qemuE820, entrySize: 19}, 0, ErrEntrySize, nil},
		{"mmap_length partial entry", &mb1Layout{infoAddr: 0x9500, flags: flag1Mmap, mmapAddr: 0x9000, mmap: qemuE820, mmapLength: 6*24 - 1}, 0, ErrMmapLength, nil},
		{"mmap_length 2", &mb1Layout{infoAddr: 0x9500, flags: flag1Mmap, mmapAddr: 0x9000, mmap: qemuE820, mmapLength: 2}, 0, ErrMmapLength, nil},
		{"mmap_length past memory", &mb1Layout{infoAddr: 0x9500, flags: flag1Mmap, mmapAddr: 0x9000, mmap: qemuE820, mmapLength: 6*24 + 24}, 0, ErrInaccessible, nil},
		{"mmap_length overflows 4 GiB", &mb1Layout{infoAddr: 0x9500, flags: flag1Mmap, mmapAddr: 0x9000, mmap: qemuE820, mmapLength: 0xffffff00}, 0, ErrAddressRange, nil},
		{"mmap not mapped", &mb1Layout{infoAddr: 0x9500, flags: flag1Mmap, mmapAddr: 0x9000, mmap: qemuE820, skipMap: true}, 0, ErrInaccessible, nil},
		{"cmdline not mapped", &mb1Layout{infoAddr: 0x9500, flags: flag1Cmdline, cmdlineAddr: 0x200000, skipStrings: true}, 0, ErrInaccessible, nil},
		{"loader name not mapped", &mb1Layout{infoAddr: 0x9500, flags: flag1LoaderName, loaderAddr: 0x200000, skipStrings: true}, 0, ErrInaccessible, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var m physMem
			c.layout.build(t, &m)
			if c.patch != nil {
				c.patch(t, &m)
			}
			addr := c.addr
			if addr == 0 {
				addr = c.layout.infoAddr
			}
			var in Info
			if err := Parse(BootMagic1, addr, m.read, &in); err != c.want {
				t.Fatalf("Parse = %v, want %v", err, c.want)
			}
			checkInvariants(t, &in, &m)
		})
	}
}

func TestParseArguments(t *testing.T) {
	var m physMem
	qemuMB1().build(t, &m)
	var in Info
	in.NRegions = 5
	if err := Parse(0x1BADB002, 0x9500, m.read, &in); err != ErrBadMagic {
		t.Errorf("header magic as boot magic: %v", err)
	}
	if in.NRegions != 0 || in.Protocol != 0 || in.ProtocolName() != "none" {
		t.Errorf("Info not cleared: %d %d", in.NRegions, in.Protocol)
	}
	if err := Parse(BootMagic1, 0x9500, nil, &in); err != ErrNilArgument {
		t.Errorf("nil mem: %v", err)
	}
	if err := Parse(BootMagic1, 0x9500, m.read, nil); err != ErrNilArgument {
		t.Errorf("nil out: %v", err)
	}
	// Mb2 magic on an mb1 structure: flags 0x24f is read as total_size.
	if err := Parse(BootMagic2, 0x9500, m.read, &in); err != ErrInaccessible && err != ErrTagSize && err != ErrNoEndTag {
		t.Errorf("mb2 magic on mb1 info: %v", err)
	}
}

// PhysMem views that are too short count as inaccessible; longer ones are
// cut to the length asked.
func TestPhysMemViews(t *testing.T) {
	data := grubMB2(testCmdline, qemuE820).end().bytes()
	var m physMem
	m.addBytes(0x10000, data)
	short := func(addr, n uint64) []byte {
		b := m.read(addr, n)
		if len(b) > 8 {
			return b[:len(b)-1]
		}
		return b
	}
	var in Info
	if err := Parse(BootMagic2, 0x10000, short, &in); err != ErrInaccessible {
		t.Errorf("short view: %v", err)
	}
	long := func(addr, n uint64) []byte {
		buf := make([]byte, n+100)
		copy(buf, m.read(addr, n))
		for i := n; i < n+100; i++ {
			buf[i] = 0xff
		}
		return buf
	}
	if err := Parse(BootMagic2, 0x10000, long, &in); err != OK || in.CommandLine() != testCmdline {
		t.Errorf("long view: %v %q", err, in.CommandLine())
	}
}

func TestUsableBytes(t *testing.T) {
	cases := []struct {
		rs   []Region
		want uint64
	}{
		{nil, 0},
		{[]Region{{0, 100, 1}, {0, 100, 1}}, 100},                                   // duplicate
		{[]Region{{0, 100, 1}, {50, 100, 1}}, 150},                                  // overlap
		{[]Region{{0, 100, 1}, {100, 100, 1}}, 200},                                 // adjacent
		{[]Region{{0, 1000, 1}, {10, 10, 1}, {500, 10, 1}}, 1000},                   // nested
		{[]Region{{500, 10, 1}, {0, 100, 1}, {50, 500, 1}}, 550},                    // out of order chain
		{[]Region{{0, 100, 2}, {50, 100, 1}}, 100},                                  // reserved overlap ignored
		{[]Region{{^uint64(0) - 10, 10, 1}, {^uint64(0) - 5, 5, 1}}, 10},            // top of space
		{[]Region{{0, ^uint64(0), 1}, {5, 10, 1}}, ^uint64(0)},                      // everything
		{[]Region{{0x1000, 0, 1}, {0x2000, 0x1000, 1}, {0x1800, 0x100, 5}}, 0x1000}, // zero length
	}
	for i, c := range cases {
		var in Info
		in.NRegions = copy(in.Regions[:], c.rs)
		if got := in.UsableBytes(); got != c.want {
			t.Errorf("case %d: UsableBytes = %#x, want %#x", i, got, c.want)
		}
	}
	// Random maps against the sort-and-merge reference.
	rng := rand.New(rand.NewSource(1))
	for iter := 0; iter < 2000; iter++ {
		var in Info
		in.NRegions = rng.Intn(MaxRegions + 1)
		for i := 0; i < in.NRegions; i++ {
			in.Regions[i] = Region{uint64(rng.Intn(64)) << 12, uint64(rng.Intn(16)) << 12, MemType(1 + rng.Intn(2))}
			if rng.Intn(50) == 0 {
				in.Regions[i].Base = ^uint64(0) - uint64(rng.Intn(1<<16))
				in.Regions[i].Length = uint64(rng.Intn(1 << 17)) // may wrap: clamped
			}
		}
		if got, want := in.UsableBytes(), refUsable(&in); got != want {
			t.Fatalf("iter %d: UsableBytes = %#x, want %#x (%v)", iter, got, want, in.Regions[:in.NRegions])
		}
	}
	// Out-of-range NRegions must not panic.
	var in Info
	in.NRegions = MaxRegions + 10
	_ = in.UsableBytes()
	in.CmdlineLen, in.LoaderNameLen = MaxCmdline+10, 1000
	if len(in.CommandLine()) != MaxCmdline || len(in.BootLoaderName()) != MaxLoaderName {
		t.Error("out-of-range lengths not clamped")
	}
	in.CmdlineLen, in.LoaderNameLen = -1, -1
	if in.CommandLine() != "" || in.BootLoaderName() != "" {
		t.Error("negative lengths")
	}
}

func TestErrorStrings(t *testing.T) {
	seen := map[string]bool{}
	for e := OK; e <= ErrAddressRange+1; e++ {
		s := e.Error()
		if !strings.HasPrefix(s, "multiboot: ") || seen[s] {
			t.Errorf("Error(%d).Error() = %q", e, s)
		}
		seen[s] = true
	}
	var err error = ErrNoEndTag
	if err.Error() != "multiboot: multiboot2 end tag missing" {
		t.Error(err)
	}
}

var allocInfo Info

// Parse must not allocate: it runs before the Go heap exists.
func TestNoAllocs(t *testing.T) {
	var m1, m2 physMem
	qemuMB1().build(t, &m1)
	m2.addBytes(0x10000, grubMB2(testCmdline, qemuE820).end().bytes())
	read1, read2 := m1.read, m2.read
	allocs := testing.AllocsPerRun(100, func() {
		if Parse(BootMagic1, 0x9500, read1, &allocInfo) != OK || Parse(BootMagic2, 0x10000, read2, &allocInfo) != OK {
			t.Fatal("parse failed")
		}
		_ = allocInfo.UsableBytes()
		_ = allocInfo.CommandLine()
		_ = allocInfo.ProtocolName()
	})
	if allocs != 0 {
		t.Errorf("%v allocations per run", allocs)
	}
}

func TestParse2EFISystemTable(t *testing.T) {
	for _, c := range []struct {
		name string
		tags func(*mb2Builder) *mb2Builder
		want uint64
	}{
		{"64-bit", func(w *mb2Builder) *mb2Builder {
			return w.tag(tagEFI64, []byte{0x18, 0xf0, 0x5e, 0x07, 0, 0, 0, 0}, 0)
		}, 0x75ef018},
		{"32-bit", func(w *mb2Builder) *mb2Builder {
			return w.tag(tagEFI32, []byte{0x18, 0xf0, 0x5e, 0x07}, 0)
		}, 0x75ef018},
		{"64-bit wins", func(w *mb2Builder) *mb2Builder {
			return w.tag(tagEFI32, []byte{1, 0, 0, 0}, 0).tag(tagEFI64, []byte{2, 0, 0, 0, 0, 0, 0, 0}, 0)
		}, 2},
	} {
		w := grubMB2(testCmdline, qemuE820)
		data := c.tags(w).end().bytes()
		var m physMem
		m.addBytes(0x10000, data)
		var in Info
		if err := Parse(BootMagic2, 0x10000, m.read, &in); err != OK {
			t.Fatalf("%s: Parse: %v", c.name, err)
		}
		if in.EFISystemTable != c.want {
			t.Errorf("%s: EFISystemTable = %#x, want %#x", c.name, in.EFISystemTable, c.want)
		}
	}
	var m physMem
	m.addBytes(0x10000, grubMB2(testCmdline, qemuE820).tag(tagEFI64, []byte{1, 2, 3}, 0).end().bytes())
	var in Info
	if err := Parse(BootMagic2, 0x10000, m.read, &in); err != ErrTagTooSmall {
		t.Errorf("short EFI tag: %v", err)
	}
}

// Claims: RAM of any kind claims a range, a reserved region or a hole
// does not; the ends are half-open.
func TestClaims(t *testing.T) {
	in := Info{NRegions: 4}
	in.Regions[0] = Region{0, 0x9F000, MemAvailable}
	in.Regions[1] = Region{0x100000, 0x7EE0000, MemAvailable}
	in.Regions[2] = Region{0x7FE0000, 0x20000, MemACPIReclaimable}
	in.Regions[3] = Region{0xB0000000, 0x10000000, MemReserved}
	for _, c := range []struct {
		start, end uint64
		want       bool
	}{
		{0x9F000, 0x100000, false},    // the hole below 1 MiB
		{0xFFFFF, 0x100001, true},     // straddles the start of RAM
		{0x7FDF000, 0x7FE0000, true},  // the last page of RAM
		{0x7FFF000, 0x8000000, true},  // ACPI tables
		{0x8000000, 0x8001000, false}, // just past them
		{0xB0000000, 0xC0000000, false},
		{0xFEBF0000, 0xFEBF4000, false},
	} {
		if got := in.Claims(c.start, c.end); got != c.want {
			t.Errorf("Claims(%#x, %#x) = %v, want %v", c.start, c.end, got, c.want)
		}
	}
}
