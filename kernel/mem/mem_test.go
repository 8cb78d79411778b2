package mem

import (
	"testing"
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/linux"
	"gokernel/kernel/mem/vma"
)

// The page tables and the page-fault decisions on the host: a Go buffer
// stands in for physical memory (physView), so the same walk, Map,
// UnmapRange and Fault that run in ring 0 run here.

const fakeFrames = 512 // 2 MiB of "RAM"

var fakeRAM, fakeBitmap []byte

// fakeMachine gives the package fakeFrames of RAM (frame 0 kept back, as
// the first MiB is on a PC), a root table, and an empty user space.
func fakeMachine(t *testing.T) {
	t.Helper()
	fakeRAM = make([]byte, (fakeFrames+1)*PageSize)
	base := (uintptr(unsafe.Pointer(&fakeRAM[0])) + PageSize - 1) &^ (PageSize - 1)
	fakeBitmap = make([]byte, 8*((fakeFrames+63)/64))
	physView, hostTest = base, true
	nx = arch.PTE_NX
	Frames.Init(uintptr(unsafe.Pointer(&fakeBitmap[0])), fakeFrames)
	Frames.AddFree(PageSize, fakeFrames*PageSize)
	pa, ok := allocFrame()
	if !ok {
		t.Fatal("no frame for the root table")
	}
	root = pa
	if !InitUser(nil) {
		t.Fatal("no frame for the zero page")
	}
	t.Cleanup(func() { physView, hostTest, root, zeroPage, LowWater = 0, false, 0, 0, 0 })
}

func TestMapLookupUnmap(t *testing.T) {
	fakeMachine(t)
	free := Frames.FreeCount()
	const va = UserMin + 0x12345000
	pa, _ := Frames.Alloc()
	if !Map(va, pa, arch.PTE_U|arch.PTE_W) {
		t.Fatal("Map failed")
	}
	e := Lookup(va)
	if !e.Present() || e.Addr() != pa || e&arch.PTE_U == 0 || e&arch.PTE_W == 0 {
		t.Fatalf("Lookup = %#x, want frame %#x, present, user, writable", uint64(e), pa)
	}
	// The tables on the way are user-accessible below UserMax: the leaf
	// decides the access (SDM Vol. 3A §4.6.1).
	pml4 := tableAt(root)[index(va, 3)]
	if pml4&arch.PTE_U == 0 {
		t.Error("a table above a user page is supervisor-only")
	}
	if Lookup(va + PageSize).Present() {
		t.Error("the next page is mapped")
	}
	SetFlags(va, arch.PTE_U)
	if e := Lookup(va); e&arch.PTE_W != 0 || e.Addr() != pa {
		t.Errorf("SetFlags: %#x", uint64(e))
	}
	// Three page tables (PDPT, PD, PT) and the frame were taken; unmapping
	// frees the frame, and skips the empty terabyte around it quickly.
	if used := free - Frames.FreeCount(); used != 4 {
		t.Errorf("%d frames used for one page, want 4", used)
	}
	UnmapRange(UserMin, UserMin+1<<40)
	if Lookup(va).Present() || free-Frames.FreeCount() != 3 {
		t.Errorf("after UnmapRange: %#x, %d frames still used", uint64(Lookup(va)), free-Frames.FreeCount())
	}
}

func TestFault(t *testing.T) {
	fakeMachine(t)
	const (
		rw  = UserMin + 0x100000
		ro  = UserMin + 0x200000
		rx  = UserMin + 0x300000
		gap = UserMin + 0x400000
	)
	for _, m := range []struct {
		at   uint64
		prot uint32
	}{{rw, linux.PROT_READ | linux.PROT_WRITE}, {ro, linux.PROT_READ}, {rx, linux.PROT_READ | linux.PROT_EXEC}} {
		if _, err := User.Map(m.at, 4*PageSize, m.prot, 0, vma.Fixed); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		what string
		addr uint64
		ec   uint64
		want FaultResult
		flag arch.PTE // a flag the new entry must have, or must lack if negative
	}{
		{"read of a read-write page", rw + 8, 0, FaultFixed, arch.PTE_U | arch.PTE_NX},
		{"write of a read-write page", rw + PageSize, arch.PF_W, FaultFixed, arch.PTE_W},
		{"write of the zero page in a read-write area", rw + 8, arch.PF_P | arch.PF_W, FaultFixed, arch.PTE_W},
		{"read of a read-only page", ro, 0, FaultFixed, arch.PTE_U},
		{"write of a read-only page", ro + PageSize, arch.PF_W, FaultAccess, 0},
		{"fetch from a non-executable page", rw + 2*PageSize, arch.PF_I, FaultAccess, 0},
		{"fetch from an executable page", rx, arch.PF_I, FaultFixed, arch.PTE_U},
		// A protection fault where the entry allows the access came
		// through a stale translation another CPU left (kernel/tlb): it
		// is retried, not a SIGSEGV.
		{"a fault through a stale translation", rw + PageSize, arch.PF_P | arch.PF_W, FaultFixed, arch.PTE_W},
		{"write of the zero page in a read-only area", ro, arch.PF_P | arch.PF_W, FaultAccess, 0},
		{"no area", gap, 0, FaultNoArea, 0},
		{"below the user area", 0x1000, 0, FaultNoArea, 0},
	} {
		if got := Fault(c.addr, c.ec); got != c.want {
			t.Errorf("%s: %d, want %d", c.what, got, c.want)
			continue
		}
		if c.want == FaultFixed {
			e := Lookup(uintptr(PageRoundDown(c.addr)))
			if !e.Present() || e&c.flag != c.flag {
				t.Errorf("%s: entry %#x lacks %#x", c.what, uint64(e), uint64(c.flag))
			}
			if c.addr == rx && e&arch.PTE_NX != 0 {
				t.Errorf("%s: executable page mapped NX", c.what)
			}
			if c.addr == ro && e&arch.PTE_W != 0 {
				t.Errorf("%s: read-only page mapped writable", c.what)
			}
		}
	}
	// Two CPUs fault on the same page: the second's not-present fault is
	// handled after the first mapped it, and must keep that frame (and
	// what the first wrote there) rather than map another.
	before, free := Lookup(rw+PageSize), Frames.FreeCount()
	if got := Fault(rw+PageSize+16, arch.PF_W); got != FaultFixed || Lookup(rw+PageSize) != before || Frames.FreeCount() != free {
		t.Errorf("a not-present fault on a page another CPU mapped: %d, entry %#x -> %#x, %d -> %d free frames",
			got, uint64(before), uint64(Lookup(rw+PageSize)), free, Frames.FreeCount())
	}
	// A page zeroed on first touch, even if the frame held data before.
	pa := Lookup(rw).Addr()
	if b := (*[PageSize]byte)(arch.Ptr(frame(pa))); b[8] != 0 {
		t.Error("a faulted-in page is not zero")
	}
	// Out of frames: FaultNoMem, and nothing half-mapped.
	for {
		if _, ok := Frames.Alloc(); !ok {
			break
		}
	}
	if got := Fault(rw+3*PageSize, arch.PF_W); got != FaultNoMem {
		t.Errorf("fault with no free frame: %d, want FaultNoMem", got)
	}
	if Lookup(rw + 3*PageSize).Present() {
		t.Error("a page was mapped without a frame")
	}
}

func TestMapMMIO(t *testing.T) {
	fakeMachine(t)
	mmioNext = 0
	va, ok := MapMMIO(0xFEE00000, 0x400)
	if !ok || va != MMIO {
		t.Fatalf("MapMMIO = %#x, %v", va, ok)
	}
	e := Lookup(va)
	if e.Addr() != 0xFEE00000 || e&(arch.PTE_PCD|arch.PTE_PWT) != arch.PTE_PCD|arch.PTE_PWT || e&arch.PTE_U != 0 {
		t.Errorf("entry %#x: want the frame, uncached, supervisor only", uint64(e))
	}
	// An unaligned range keeps its offset and takes whole pages.
	va2, ok := MapMMIO(0xFED00010, PageSize)
	if !ok || va2 != MMIO+PageSize+0x10 || Lookup(va2+PageSize-0x10).Addr() != 0xFED01000 {
		t.Errorf("unaligned: %#x, %v", va2, ok)
	}
	if _, ok := MapMMIO(0, MMIOSize+PageSize); ok {
		t.Error("a range larger than the area was mapped")
	}
}

// Reads of untouched pages share the zero page: no frame each, never
// writable, never freed; a write gets a page of its own and leaves the
// zero page zero.
func TestZeroPage(t *testing.T) {
	fakeMachine(t)
	const ro, rw = UserMin + 0x100000, UserMin + 0x200000
	for _, m := range []struct {
		at   uint64
		prot uint32
	}{{ro, linux.PROT_READ}, {rw, linux.PROT_READ | linux.PROT_WRITE}} {
		if _, err := User.Map(m.at, 64*PageSize, m.prot, 0, vma.Fixed); err != nil {
			t.Fatal(err)
		}
	}
	if Fault(ro, 0) != FaultFixed || Fault(rw, 0) != FaultFixed {
		t.Fatal("read faults not served")
	}
	free := Frames.FreeCount()
	for i := uint64(1); i < 64; i++ {
		if Fault(ro+i*PageSize, 0) != FaultFixed {
			t.Fatal("read fault not served")
		}
	}
	// A system call reading untouched memory maps the zero page too.
	if _, ok := UserBytes(ro, 64*PageSize, false); !ok {
		t.Fatal("UserBytes of a read-only area failed")
	}
	if used := free - Frames.FreeCount(); used != 0 {
		t.Errorf("63 read faults took %d frames, want 0", used)
	}
	for _, va := range []uintptr{ro, ro + 5*PageSize, rw} {
		if e := Lookup(va); e.Addr() != zeroPage || e&arch.PTE_W != 0 {
			t.Errorf("%#x: entry %#x, want the zero page read-only", va, uint64(e))
		}
	}
	// mprotect to writable keeps the zero page read-only.
	ProtectRange(ro, ro+64*PageSize, PageFlags(linux.PROT_READ|linux.PROT_WRITE))
	if e := Lookup(ro); e&arch.PTE_W != 0 {
		t.Errorf("ProtectRange made the zero page writable: %#x", uint64(e))
	}
	// A system call writing gets its own page, which is zero.
	if _, ok := UserBytes(rw, 8, true); !ok {
		t.Fatal("UserBytes for writing failed")
	}
	e := Lookup(rw)
	if e.Addr() == zeroPage || e&arch.PTE_W == 0 {
		t.Fatalf("after a write: entry %#x", uint64(e))
	}
	(*[PageSize]byte)(arch.Ptr(frame(e.Addr())))[0] = 0xff
	if z := (*[PageSize]byte)(arch.Ptr(frame(zeroPage))); z[0] != 0 {
		t.Fatal("the zero page was written")
	}
	// Unmapping never frees the zero page.
	before := Frames.FreeCount()
	UnmapRange(ro, ro+64*PageSize)
	if Frames.FreeCount() != before {
		t.Errorf("unmapping 64 zero-page mappings freed %d frames", Frames.FreeCount()-before)
	}
}

// A system call does not take the last frames: below LowWater, faulting
// in a page for it fails (EFAULT), while a kernel need (a signal frame)
// still gets one.
func TestLowWater(t *testing.T) {
	fakeMachine(t)
	const rw = UserMin + 0x200000
	if _, err := User.Map(rw, 16*PageSize, linux.PROT_READ|linux.PROT_WRITE, 0, vma.Fixed); err != nil {
		t.Fatal(err)
	}
	LowWater = (Frames.FreeCount() + 1) * PageSize
	if _, ok := UserBytes(rw, 8, true); ok {
		t.Error("UserBytes took a frame below LowWater")
	}
	if _, ok := UserBytes(rw, 8, false); ok {
		t.Error("UserBytes took a page table below LowWater")
	}
	if _, ok := KernelUserBytes(rw, 8, true); !ok {
		t.Error("KernelUserBytes failed with frames free")
	}
	if _, ok := UserBytes(rw, 8, true); !ok {
		t.Error("UserBytes failed on a present page")
	}
}

// ProtectRange and UnmapRange skip missing tables at every level: over
// the whole user space they visit the few pages that exist.
func TestRangeWalks(t *testing.T) {
	fakeMachine(t)
	vas := []uintptr{UserMin, UserMin + 1<<30 + 5*PageSize, 0x5000_0000_0000, UserMax - PageSize}
	for _, va := range vas {
		pa, _ := Frames.Alloc()
		if !Map(va, pa, arch.PTE_U|arch.PTE_W) {
			t.Fatal("Map failed")
		}
	}
	steps := 0
	for va := uintptr(UserMin); ; va += PageSize {
		var e *arch.PTE
		if e, va = nextLeaf(va, UserMax); e == nil {
			break
		}
		if steps >= len(vas) || va != vas[steps] {
			t.Fatalf("step %d found %#x", steps, va)
		}
		steps++
	}
	if steps != len(vas) {
		t.Fatalf("found %d pages, want %d", steps, len(vas))
	}
	ProtectRange(UserMin, UserMax, arch.PTE_U)
	for _, va := range vas {
		if e := Lookup(va); !e.Present() || e&arch.PTE_W != 0 {
			t.Errorf("%#x after ProtectRange: %#x", va, uint64(e))
		}
	}
	free := Frames.FreeCount()
	UnmapRange(UserMin, UserMax)
	if got := Frames.FreeCount() - free; got != uint64(len(vas)) {
		t.Errorf("UnmapRange freed %d frames, want %d", got, len(vas))
	}
}
