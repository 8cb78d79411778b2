package multiboot

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"
)

// checkInvariants checks what must hold after any Parse, successful or
// not: every count and length within its array, regions normalised,
// spans inside the fake memory, and the accessors in range.
func checkInvariants(t *testing.T, in *Info, m *physMem) {
	t.Helper()
	if in.NRegions < 0 || in.NRegions > MaxRegions {
		t.Fatalf("NRegions = %d", in.NRegions)
	}
	if in.RegionsTruncated && in.NRegions != MaxRegions {
		t.Fatalf("RegionsTruncated with %d regions", in.NRegions)
	}
	for i := 0; i < in.NRegions; i++ {
		r := in.Regions[i]
		if r.Length == 0 || r.Base+r.Length < r.Base || r.Type < MemAvailable || r.Type > MemBad {
			t.Fatalf("Regions[%d] = %+v", i, r)
		}
	}
	if u, ref := in.UsableBytes(), refUsable(in); u != ref {
		t.Fatalf("UsableBytes = %#x, reference %#x", u, ref)
	}
	if in.CmdlineLen < 0 || in.CmdlineLen > MaxCmdline || len(in.CommandLine()) != in.CmdlineLen {
		t.Fatalf("CmdlineLen = %d", in.CmdlineLen)
	}
	if in.HasCmdline {
		if in.CmdlineFullLen < in.CmdlineLen || in.CmdlineTooLong != (in.CmdlineFullLen > MaxCmdline) ||
			(!in.CmdlineTooLong && in.CmdlineFullLen != in.CmdlineLen) {
			t.Fatalf("cmdline len %d full %d toolong %v", in.CmdlineLen, in.CmdlineFullLen, in.CmdlineTooLong)
		}
		if bytes.IndexByte([]byte(in.CommandLine()), 0) >= 0 {
			t.Fatalf("NUL in command line %q", in.CommandLine())
		}
	}
	if in.LoaderNameLen < 0 || in.LoaderNameLen > MaxLoaderName || len(in.BootLoaderName()) != in.LoaderNameLen {
		t.Fatalf("LoaderNameLen = %d", in.LoaderNameLen)
	}
	if in.RSDPLen != 0 && in.RSDPLen != 20 && in.RSDPLen != 36 {
		t.Fatalf("RSDPLen = %d", in.RSDPLen)
	}
	if in.NSpans < 0 || in.NSpans > MaxSpans {
		t.Fatalf("NSpans = %d", in.NSpans)
	}
	for i := 0; i < in.NSpans; i++ {
		s := in.Spans[i]
		if s.End <= s.Start || m.read(s.Start, s.End-s.Start) == nil {
			t.Fatalf("Spans[%d] = %#x not inside mapped memory", i, s)
		}
	}
	if !in.HasFramebuffer && in.Framebuffer != (Framebuffer{}) {
		t.Fatalf("framebuffer fields without HasFramebuffer")
	}
	if in.Framebuffer.Type != FramebufferRGB && (in.Framebuffer.RedSize|in.Framebuffer.GreenSize|in.Framebuffer.BlueSize) != 0 {
		t.Fatalf("colour fields for framebuffer type %d", in.Framebuffer.Type)
	}
}

// parseBounded runs Parse and fails the test if it does not return within
// a generous deadline: malformed input must never make it loop.
func parseBounded(t *testing.T, magic uint32, addr uint64, m *physMem, in *Info) Error {
	t.Helper()
	done := make(chan Error, 1)
	go func() { done <- Parse(magic, addr, m.read, in) }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("Parse did not return within 10 s")
		return 0
	}
}

const (
	fuzzBase2 = 0x8000  // where FuzzParse2's input is mapped (8-aligned)
	fuzzBase1 = 0x10000 // where FuzzParse1's input is mapped
)

func FuzzParse2(f *testing.F) {
	f.Add(grubMB2(testCmdline, qemuE820).end().bytes())
	f.Add(grubMB2(string(bytes.Repeat([]byte{'c'}, MaxCmdline+3)), qemuE820).tag(tagACPINew, make([]byte, 36), 0).end().bytes())
	f.Add(newMB2().end().bytes())
	f.Add(newMB2().mmap(32, qemuE820).end().bytes())
	f.Add(newMB2().mmap(24, qemuE820).bytes())
	f.Add(newMB2().tag(99, nil, 0).tag(99, nil, 0).bytes())
	f.Add(newMB2().tag(tagCmdline, []byte("abc"), 0).end().bytes())
	f.Add([]byte{})
	f.Add([]byte{16, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		var m physMem
		m.addBytes(fuzzBase2, data)
		in := new(Info)
		err := parseBounded(t, BootMagic2, fuzzBase2, &m, in)
		checkInvariants(t, in, &m)
		if in.Protocol != 2 {
			t.Fatalf("Protocol = %d", in.Protocol)
		}
		if err == OK {
			total := uint64(binary.LittleEndian.Uint32(data))
			if in.NSpans != 1 || in.Spans[0] != (Span{fuzzBase2, fuzzBase2 + total}) || total > uint64(len(data)) {
				t.Fatalf("spans %#x for total_size %d of %d bytes", in.Spans[:in.NSpans], total, len(data))
			}
		}
		// Work is bounded by the input: PhysMem is asked twice.
		if m.calls > 2+in.NSpans {
			t.Fatalf("%d PhysMem calls", m.calls)
		}
	})
}

// seed1 lays out a QEMU-style Multiboot 1 structure in one buffer mapped at
// fuzzBase1: the info structure (116 bytes, with a framebuffer), then the
// memory map, the command line and the loader name.
func seed1(flags uint32, cmdline string, mmap []region) []byte {
	b := make([]byte, 0x400)
	le := binary.LittleEndian
	le.PutUint32(b, flags)
	le.PutUint32(b[4:], 639)
	le.PutUint32(b[8:], 130944)
	const mmapOff, cmdOff = 0x80, 0x200
	for i, r := range mmap {
		e := b[mmapOff+24*i:]
		le.PutUint32(e, 20)
		le.PutUint64(e[4:], r.base)
		le.PutUint64(e[12:], r.length)
		le.PutUint32(e[20:], r.typ)
	}
	le.PutUint32(b[44:], uint32(24*len(mmap)))
	le.PutUint32(b[48:], fuzzBase1+mmapOff)
	le.PutUint32(b[16:], fuzzBase1+cmdOff)
	n := copy(b[cmdOff:], cmdline+"\x00")
	le.PutUint32(b[64:], uint32(fuzzBase1+cmdOff+n))
	copy(b[cmdOff+n:], "qemu\x00")
	le.PutUint64(b[88:], 0xfd000000)
	le.PutUint32(b[96:], 4096)
	le.PutUint32(b[100:], 1024)
	le.PutUint32(b[104:], 768)
	copy(b[108:], []byte{32, 1, 16, 8, 8, 8, 0, 8})
	return b
}

func FuzzParse1(f *testing.F) {
	f.Add(seed1(0x24f, testCmdline, qemuE820[:5]))
	f.Add(seed1(0x124f, "", qemuE820[:1]))
	f.Add(seed1(flag1Mmap, "", nil))
	f.Add(seed1(0x1fff, string(bytes.Repeat([]byte{'x'}, 0x1d0)), qemuE820[:5]))
	f.Add([]byte{})
	f.Add([]byte{0x40, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		var m physMem
		m.addBytes(fuzzBase1, data)
		in := new(Info)
		parseBounded(t, BootMagic1, fuzzBase1, &m, in)
		checkInvariants(t, in, &m)
		if in.Protocol != 1 {
			t.Fatalf("Protocol = %d", in.Protocol)
		}
		// Work is bounded: two views of the structure, one of the map,
		// and at most a few dozen per string (page chunks and halvings).
		if m.calls > 2+1+2*(MaxString1/pageSize1+1)*13 {
			t.Fatalf("%d PhysMem calls", m.calls)
		}
	})
}
