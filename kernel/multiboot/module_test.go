package multiboot

import (
	"encoding/binary"
	"strings"
	"testing"
)

// mods1Layout adds QEMU-style module structures (-initrd "prog.elf a b,fs.cpio")
// to a Multiboot 1 layout: the array at 0x9600, the strings at 0x9700.
func mods1Layout(t *testing.T, m *physMem, l *mb1Layout, mods []Module, lines []string) {
	t.Helper()
	l.flags |= flag1Mods
	l.build(t, m)
	m.w32(t, l.infoAddr+20, uint32(len(mods)))
	m.w32(t, l.infoAddr+24, 0x9600)
	arr := m.add(0x9600, 16*len(mods))
	str := uint64(0x9700)
	for i, md := range mods {
		binary.LittleEndian.PutUint32(arr[16*i:], uint32(md.Start))
		binary.LittleEndian.PutUint32(arr[16*i+4:], uint32(md.End))
		if lines[i] != "" {
			binary.LittleEndian.PutUint32(arr[16*i+8:], uint32(str))
			m.addBytes(str, []byte(lines[i]+"\x00"))
			str += uint64(len(lines[i]) + 1)
		}
	}
}

func wantModules(t *testing.T, in *Info, mods []Module, lines []string) {
	t.Helper()
	if in.NModules != len(mods) {
		t.Fatalf("NModules = %d, want %d", in.NModules, len(mods))
	}
	for i, w := range mods {
		g := &in.Modules[i]
		if g.Start != w.Start || g.End != w.End || g.CommandLine() != lines[i] || g.LineFullLen != len(lines[i]) {
			t.Errorf("module %d = [%#x, %#x) %q (full %d), want [%#x, %#x) %q", i, g.Start, g.End, g.CommandLine(), g.LineFullLen, w.Start, w.End, lines[i])
		}
	}
}

func TestModules1(t *testing.T) {
	var m physMem
	mods := []Module{{Start: 0x55b000, End: 0x8a0123}, {Start: 0x8a1000, End: 0x8a1200}}
	lines := []string{"prog.elf -test.v arg", ""}
	mods1Layout(t, &m, qemuMB1(), mods, lines)
	var in Info
	if err := Parse(BootMagic1, 0x9500, m.read, &in); err != OK {
		t.Fatalf("Parse: %v", err)
	}
	wantModules(t, &in, mods, lines)
	if in.CommandLine() != "test=boot" {
		t.Errorf("the kernel's line became %q", in.CommandLine())
	}
	if in.Modules[0].Size() != 0x8a0123-0x55b000 {
		t.Errorf("Size = %#x", in.Modules[0].Size())
	}
}

func module2Tag(start, end uint32, line string) []byte {
	p := make([]byte, 8, 8+len(line)+1)
	binary.LittleEndian.PutUint32(p, start)
	binary.LittleEndian.PutUint32(p[4:], end)
	return append(append(p, line...), 0)
}

func TestModules2(t *testing.T) {
	lines := []string{"prog.elf a b", "fs.cpio"}
	mods := []Module{{Start: 0x600000, End: 0x700000}, {Start: 0x701000, End: 0x701400}}
	w := grubMB2(testCmdline, qemuE820)
	for i, md := range mods {
		w.tag(tagModule, module2Tag(uint32(md.Start), uint32(md.End), lines[i]), 0)
	}
	data := w.end().bytes()
	var m physMem
	m.addBytes(0x10000, data)
	var in Info
	if err := Parse(BootMagic2, 0x10000, m.read, &in); err != OK {
		t.Fatalf("Parse: %v", err)
	}
	wantModules(t, &in, mods, lines)
}

func TestModulesLimits(t *testing.T) {
	// More modules than Info keeps: the first MaxModules, flagged.
	w := newMB2()
	for i := 0; i < MaxModules+2; i++ {
		w.tag(tagModule, module2Tag(uint32(i)<<20, uint32(i)<<20+10, "m"), 0)
	}
	var m physMem
	m.addBytes(0x10000, w.end().bytes())
	var in Info
	if err := Parse(BootMagic2, 0x10000, m.read, &in); err != OK || in.NModules != MaxModules || !in.ModulesTruncated {
		t.Errorf("Parse = %v, NModules %d, truncated %v", err, in.NModules, in.ModulesTruncated)
	}

	// A line longer than MaxModuleLine is cut and its length kept; an end
	// below the start makes an empty module.
	long := strings.Repeat("x", MaxModuleLine+10)
	m = physMem{}
	m.addBytes(0x10000, newMB2().tag(tagModule, module2Tag(0x5000, 0x4000, long), 0).end().bytes())
	if err := Parse(BootMagic2, 0x10000, m.read, &in); err != OK {
		t.Fatal(err)
	}
	if md := &in.Modules[0]; md.LineLen != MaxModuleLine || md.LineFullLen != len(long) || md.Size() != 0 {
		t.Errorf("long line: kept %d, full %d, size %d", md.LineLen, md.LineFullLen, md.Size())
	}

	// Multiboot 1: a long line through the page-chunked string reader.
	m = physMem{}
	mods1Layout(t, &m, qemuMB1(), []Module{{Start: 0x600000, End: 0x600010}}, []string{long})
	if err := Parse(BootMagic1, 0x9500, m.read, &in); err != OK {
		t.Fatal(err)
	}
	if md := &in.Modules[0]; md.LineLen != MaxModuleLine || md.LineFullLen != len(long) {
		t.Errorf("mb1 long line: kept %d, full %d", md.LineLen, md.LineFullLen)
	}
}

func TestModulesMalformed(t *testing.T) {
	cases := []struct {
		name string
		tag  []byte
		want Error
	}{
		{"tag too small", make([]byte, 7), ErrTagTooSmall},
		{"unterminated", []byte{0, 0, 1, 0, 0, 0, 2, 0, 'a', 'b'}, ErrUnterminated},
	}
	for _, c := range cases {
		var m physMem
		m.addBytes(0x10000, newMB2().tag(tagModule, c.tag, 0).end().bytes())
		var in Info
		if err := Parse(BootMagic2, 0x10000, m.read, &in); err != c.want {
			t.Errorf("%s: Parse = %v, want %v", c.name, err, c.want)
		}
	}

	// Multiboot 1: a huge count, an unmapped array, an unmapped string.
	l := qemuMB1()
	l.flags |= flag1Mods
	var m physMem
	l.build(t, &m)
	m.w32(t, l.infoAddr+20, 1<<30)
	m.w32(t, l.infoAddr+24, 0x9600)
	var in Info
	if err := Parse(BootMagic1, 0x9500, m.read, &in); err != ErrAddressRange {
		t.Errorf("huge mods_count: %v", err)
	}
	m.w32(t, l.infoAddr+20, 2)
	if err := Parse(BootMagic1, 0x9500, m.read, &in); err != ErrInaccessible {
		t.Errorf("unmapped module array: %v", err)
	}
	arr := m.add(0x9600, 32)
	binary.LittleEndian.PutUint32(arr[8:], 0x7777000)
	if err := Parse(BootMagic1, 0x9500, m.read, &in); err != ErrInaccessible {
		t.Errorf("unmapped module string: %v", err)
	}
}
