package multiboot

import (
	"encoding/binary"
	"sort"
	"testing"
)

// physMem is a fake physical memory made of disjoint segments. Its read
// method is the PhysMem the tests pass to Parse: it returns a slice whose
// capacity is exactly n, so a read past the view Parse asked for panics
// and fails the test, and it counts calls.
type physMem struct {
	segs  []seg
	calls int
}

type seg struct {
	base uint64
	buf  []byte
}

// add maps size zero bytes at base and returns them.
func (m *physMem) add(base uint64, size int) []byte {
	b := make([]byte, size)
	m.segs = append(m.segs, seg{base, b})
	return b
}

// addBytes maps a copy of data at base.
func (m *physMem) addBytes(base uint64, data []byte) []byte {
	b := m.add(base, len(data))
	copy(b, data)
	return b
}

func (m *physMem) read(addr, n uint64) []byte {
	m.calls++
	for _, s := range m.segs {
		size := uint64(len(s.buf))
		if addr >= s.base && addr-s.base <= size && n <= size-(addr-s.base) {
			off := addr - s.base
			return s.buf[off : off+n : off+n]
		}
	}
	return nil
}

// at returns the writable bytes at addr..addr+n, failing the test if they
// are not mapped.
func (m *physMem) at(t testing.TB, addr uint64, n int) []byte {
	t.Helper()
	for _, s := range m.segs {
		if addr >= s.base && addr+uint64(n) <= s.base+uint64(len(s.buf)) {
			return s.buf[addr-s.base : addr-s.base+uint64(n)]
		}
	}
	t.Fatalf("fake memory: %#x+%d not mapped", addr, n)
	return nil
}

func (m *physMem) w32(t testing.TB, addr uint64, v uint32) {
	binary.LittleEndian.PutUint32(m.at(t, addr, 4), v)
}

func (m *physMem) w64(t testing.TB, addr uint64, v uint64) {
	binary.LittleEndian.PutUint64(m.at(t, addr, 8), v)
}

func (m *physMem) wstr(t testing.TB, addr uint64, s string) {
	copy(m.at(t, addr, len(s)+1), s+"\x00")
}

// region is a memory-map entry in test tables.
type region struct {
	base, length uint64
	typ          uint32
}

// qemuE820 is the map SeaBIOS reports for a 128 MiB PC, which QEMU's
// multiboot option ROM copies: a hole at 640K-1M (VGA, option ROMs, BIOS),
// reserved top-of-RAM for ACPI and the BIOS flash below 4 GiB.
var qemuE820 = []region{
	{0x0, 0x9fc00, 1},
	{0x9fc00, 0x400, 2},
	{0xf0000, 0x10000, 2},
	{0x100000, 0x7ee0000, 1},
	{0x7fe0000, 0x20000, 2},
	{0xfffc0000, 0x40000, 2},
}

const qemuUsable = 0x9fc00 + 0x7ee0000

// mb1Layout describes a Multiboot 1 information structure to build.
type mb1Layout struct {
	infoAddr             uint64
	flags                uint32
	memLower, memUpper   uint32
	cmdlineAddr          uint64
	cmdline              string
	mmapAddr             uint64
	mmap                 []region
	entrySize            uint32 // the "size" field; 20 when zero
	mmapLength           uint32 // computed when zero
	loaderAddr           uint64
	loader               string
	fb                   Framebuffer
	infoSize             int // 88 (QEMU's MBI_SIZE) when zero
	skipStrings, skipMap bool
}

// build maps the structures of l into m.
func (l *mb1Layout) build(t testing.TB, m *physMem) {
	t.Helper()
	size := l.infoSize
	if size == 0 {
		size = 88
	}
	m.add(l.infoAddr, size)
	m.w32(t, l.infoAddr, l.flags)
	m.w32(t, l.infoAddr+4, l.memLower)
	m.w32(t, l.infoAddr+8, l.memUpper)
	m.w32(t, l.infoAddr+12, 0x8000ffff) // boot_device, as QEMU sets it
	if l.flags&flag1Cmdline != 0 {
		m.w32(t, l.infoAddr+16, uint32(l.cmdlineAddr))
		if !l.skipStrings {
			m.addBytes(l.cmdlineAddr, []byte(l.cmdline+"\x00"))
		}
	}
	if l.flags&flag1Mmap != 0 {
		es := l.entrySize
		if es == 0 {
			es = 20
		}
		var mm []byte
		for _, r := range l.mmap {
			e := make([]byte, 4+int(es))
			binary.LittleEndian.PutUint32(e, es)
			if len(e) >= 24 {
				binary.LittleEndian.PutUint64(e[4:], r.base)
				binary.LittleEndian.PutUint64(e[12:], r.length)
				binary.LittleEndian.PutUint32(e[20:], r.typ)
			}
			mm = append(mm, e...)
		}
		n := l.mmapLength
		if n == 0 {
			n = uint32(len(mm))
		}
		m.w32(t, l.infoAddr+44, n)
		m.w32(t, l.infoAddr+48, uint32(l.mmapAddr))
		if !l.skipMap && len(mm) > 0 {
			m.addBytes(l.mmapAddr, mm)
		}
	}
	if l.flags&flag1LoaderName != 0 {
		m.w32(t, l.infoAddr+64, uint32(l.loaderAddr))
		if !l.skipStrings {
			m.addBytes(l.loaderAddr, []byte(l.loader+"\x00"))
		}
	}
	if l.flags&flag1Framebuffer != 0 {
		b := m.at(t, l.infoAddr+88, 28)
		binary.LittleEndian.PutUint64(b, l.fb.Addr)
		binary.LittleEndian.PutUint32(b[8:], l.fb.Pitch)
		binary.LittleEndian.PutUint32(b[12:], l.fb.Width)
		binary.LittleEndian.PutUint32(b[16:], l.fb.Height)
		b[20], b[21] = l.fb.BPP, l.fb.Type
		b[22], b[23], b[24], b[25], b[26], b[27] = l.fb.RedPos, l.fb.RedSize,
			l.fb.GreenPos, l.fb.GreenSize, l.fb.BluePos, l.fb.BlueSize
	}
}

// mb2Builder assembles a Multiboot2 information structure.
type mb2Builder struct {
	b []byte
}

func newMB2() *mb2Builder { return &mb2Builder{b: make([]byte, 8)} }

// tag appends a tag with the given payload; size is len(payload)+8 unless
// size is non-zero. The next tag starts 8-aligned.
func (w *mb2Builder) tag(typ uint32, payload []byte, size uint32) *mb2Builder {
	if size == 0 {
		size = uint32(8 + len(payload))
	}
	h := make([]byte, 8)
	binary.LittleEndian.PutUint32(h, typ)
	binary.LittleEndian.PutUint32(h[4:], size)
	w.b = append(w.b, h...)
	w.b = append(w.b, payload...)
	for len(w.b)%8 != 0 {
		w.b = append(w.b, 0)
	}
	return w
}

func (w *mb2Builder) str(typ uint32, s string) *mb2Builder {
	return w.tag(typ, []byte(s+"\x00"), 0)
}

func (w *mb2Builder) u32s(typ uint32, vs ...uint32) *mb2Builder {
	p := make([]byte, 4*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint32(p[4*i:], v)
	}
	return w.tag(typ, p, 0)
}

// mmap appends a memory-map tag with entries of entrySize bytes.
func (w *mb2Builder) mmap(entrySize uint32, rs []region) *mb2Builder {
	p := make([]byte, 8)
	binary.LittleEndian.PutUint32(p, entrySize)
	for _, r := range rs {
		e := make([]byte, entrySize)
		if entrySize >= 20 {
			binary.LittleEndian.PutUint64(e, r.base)
			binary.LittleEndian.PutUint64(e[8:], r.length)
			binary.LittleEndian.PutUint32(e[16:], r.typ)
		}
		p = append(p, e...)
	}
	return w.tag(tagMmap, p, 0)
}

// framebuffer appends a framebuffer tag laid out as GRUB writes it.
func (w *mb2Builder) framebuffer(fb Framebuffer) *mb2Builder {
	p := make([]byte, 24, 30)
	binary.LittleEndian.PutUint64(p, fb.Addr)
	binary.LittleEndian.PutUint32(p[8:], fb.Pitch)
	binary.LittleEndian.PutUint32(p[12:], fb.Width)
	binary.LittleEndian.PutUint32(p[16:], fb.Height)
	p[20], p[21] = fb.BPP, fb.Type
	if fb.Type == FramebufferRGB {
		p = append(p, fb.RedPos, fb.RedSize, fb.GreenPos, fb.GreenSize, fb.BluePos, fb.BlueSize)
	}
	return w.tag(tagFramebuffer, p, 0)
}

func (w *mb2Builder) end() *mb2Builder { return w.tag(tagEnd, nil, 0) }

// bytes returns the structure with total_size set to its length.
func (w *mb2Builder) bytes() []byte {
	binary.LittleEndian.PutUint32(w.b, uint32(len(w.b)))
	return w.b
}

// refUsable is the obvious allocation-heavy union of available regions,
// against which UsableBytes is checked.
func refUsable(in *Info) uint64 {
	type iv struct{ s, e uint64 }
	var ivs []iv
	for i := 0; i < in.NRegions && i < MaxRegions; i++ {
		r := in.Regions[i]
		if r.Type != MemAvailable || r.Length == 0 {
			continue
		}
		e := r.Base + r.Length
		if e < r.Base {
			e = ^uint64(0)
		}
		ivs = append(ivs, iv{r.Base, e})
	}
	sort.Slice(ivs, func(i, j int) bool { return ivs[i].s < ivs[j].s })
	var total, curS, curE uint64
	open := false
	for _, v := range ivs {
		if open && v.s <= curE {
			if v.e > curE {
				curE = v.e
			}
			continue
		}
		if open {
			total += curE - curS
		}
		curS, curE, open = v.s, v.e, true
	}
	if open {
		total += curE - curS
	}
	return total
}
