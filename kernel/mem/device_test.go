package mem

import (
	"testing"

	"gokernel/arch"
)

// MapDevice maps uncached user pages in the device area, each mapping
// after the last; sizes out of bounds are refused.
func TestMapDevice(t *testing.T) {
	fakeMachine(t)
	t.Cleanup(func() { deviceNext = 0 })
	deviceNext = 0
	va, ok := MapDevice(0xFEBF0123, 0x4000)
	if !ok || va != DeviceArea+0x123 {
		t.Fatalf("MapDevice = %#x, %v", va, ok)
	}
	for i := uintptr(0); i < 5; i++ { // 0x123 + 0x4000 spans five pages
		e := Lookup(DeviceArea + i*PageSize)
		want := arch.PTE_P | arch.PTE_U | arch.PTE_W | arch.PTE_PCD | arch.PTE_PWT | arch.PTE_NX
		if e.Addr() != 0xFEBF0000+uint64(i)*PageSize || e&want != want {
			t.Errorf("page %d: %#x", i, uint64(e))
		}
	}
	if Lookup(DeviceArea + 5*PageSize).Present() {
		t.Error("a sixth page is mapped")
	}
	va2, ok := MapDevice(0xB0000000, PageSize)
	if !ok || va2 != DeviceArea+5*PageSize {
		t.Errorf("second MapDevice = %#x, %v", va2, ok)
	}
	for _, size := range []uint64{0, MaxDeviceMap + 1} {
		if _, ok := MapDevice(0xC0000000, size); ok {
			t.Errorf("MapDevice of %#x bytes accepted", size)
		}
	}
	if _, ok := MapDevice(^uint64(0)-PageSize, 2*PageSize); ok {
		t.Error("a range that wraps was accepted")
	}
}

// AllocDMA gives zeroed, aligned runs, mapped write-back for the user;
// it leaves LowWater to the runtime.
func TestAllocDMA(t *testing.T) {
	fakeMachine(t)
	t.Cleanup(func() { deviceNext = 0 })
	deviceNext = 0
	// Dirty the frames first, so that zeroing shows.
	var dirty []uint64
	for Frames.FreeCount() > 400 {
		pa, _ := Frames.Alloc()
		(*tableAt(pa))[7] = 0xdead
		dirty = append(dirty, pa)
	}
	for _, pa := range dirty {
		Frames.Free(pa)
	}
	free := Frames.FreeCount()
	for _, n := range []uint64{1, 3, 16} {
		va, pa, ok := AllocDMA(n, true)
		if !ok {
			t.Fatalf("AllocDMA(%d) failed", n)
		}
		align := uint64(1)
		for align < n {
			align <<= 1
		}
		if pa%(align*PageSize) != 0 {
			t.Errorf("AllocDMA(%d) at %#x: not aligned to %d pages", n, pa, align)
		}
		for i := uint64(0); i < n; i++ {
			e := Lookup(va + uintptr(i*PageSize))
			if e.Addr() != pa+i*PageSize || e&arch.PTE_U == 0 || e&arch.PTE_W == 0 || e&arch.PTE_NX == 0 || e&arch.PTE_PCD != 0 {
				t.Errorf("AllocDMA(%d) page %d: %#x", n, i, uint64(e))
			}
			if *tableAt(pa + i*PageSize) != (table{}) {
				t.Errorf("AllocDMA(%d) page %d not zeroed", n, i)
			}
			if !Frames.InUse(pa + i*PageSize) {
				t.Errorf("AllocDMA(%d) page %d free", n, i)
			}
		}
	}
	// 20 pages of data, and the page tables of the device area: the
	// alignment's spare frames were given back.
	if used := free - Frames.FreeCount(); used < 20 || used > 23 {
		t.Errorf("%d frames used for 20 pages", used)
	}
	for _, n := range []uint64{0, MaxDMAPages + 1} {
		if _, _, ok := AllocDMA(n, false); ok {
			t.Errorf("AllocDMA(%d) accepted", n)
		}
	}
	LowWater = Frames.FreeCount() * PageSize
	if _, _, ok := AllocDMA(1, false); ok {
		t.Error("AllocDMA took frames below the low-water mark")
	}
}

// The kernel's own device ranges are recorded by MapMMIO.
func TestKernelDevice(t *testing.T) {
	fakeMachine(t)
	t.Cleanup(func() { mmioNext, nkernelDevices, tooManyDevices = 0, 0, false })
	if _, ok := MapMMIO(0xFEE00000, 0x1000); !ok {
		t.Fatal("MapMMIO failed")
	}
	if !KernelDevice(0xFEE00000, 0xFEE00004) || !KernelDevice(0xFEDFF000, 0xFEE00001) {
		t.Error("the mapped page is not the kernel's")
	}
	if KernelDevice(0xFEE01000, 0xFEE02000) || KernelDevice(0xFEDFF000, 0xFEE00000) {
		t.Error("a neighbour counts as the kernel's")
	}
}
