package mem

import "gokernel/arch"

// The device area: where the kernel maps, for its Go program's drivers
// (ring 3), device registers and DMA memory. It lies in the lower half
// below UserMin, so its pages are user pages that no mmap hands out, and
// system calls refuse pointers into it (they are in no area of User and
// not in the image). Mappings there are made once and kept for good: a
// driver keeps its registers, and keeps the DMA pages it no longer needs
// in a pool of its own rather than giving them back, so the area only
// grows to a driver's peak use; DeviceAreaSize bounds it.
const (
	DeviceArea     = 0x0000_0000_8000_0000 // 2 GiB
	DeviceAreaSize = 1 << 30

	// MaxDeviceMap bounds one MapDevice: a PCI Express configuration
	// window of 256 buses.
	MaxDeviceMap = 256 << 20
	// MaxDMAPages bounds one AllocDMA: 16 pages, 64 KiB, the boundary an
	// xHCI structure may not cross (xHCI 1.2 §6, Table 6-1).
	MaxDMAPages = 16
)

var deviceNext uintptr // the next free address in the device area, from DeviceArea

// deviceVA reserves n bytes (a multiple of PageSize) of the device area.
//
//go:nosplit
func deviceVA(n uint64) (uintptr, bool) {
	if deviceNext == 0 {
		deviceNext = DeviceArea
	}
	if n == 0 || n > DeviceAreaSize || uint64(deviceNext-DeviceArea)+n > DeviceAreaSize {
		return 0, false
	}
	va := deviceNext
	deviceNext += uintptr(n)
	return va, true
}

// MapDevice maps size bytes of device registers at physical address pa
// into the device area for ring 3: user, writable, not executable, and
// uncached (PCD|PWT, as MapMMIO; SDM Vol. 3A §12.12.3). It returns the
// virtual address of pa. The caller checks that the range is device
// space (not RAM: multiboot.Info.Claims; not a device the kernel keeps:
// KernelDevice). Ring 0. It reports false when the area or memory for
// page tables runs out or size is 0 or above MaxDeviceMap.
//
//go:nosplit
func MapDevice(pa, size uint64) (uintptr, bool) {
	start := PageRoundDown(pa)
	end := PageRoundUp(pa + size)
	if size == 0 || size > MaxDeviceMap || end < start || end-start > MaxDeviceMap {
		return 0, false
	}
	va, ok := deviceVA(end - start)
	if !ok {
		return 0, false
	}
	for p := start; p < end; p += PageSize {
		if !Map(va+uintptr(p-start), p, arch.PTE_U|arch.PTE_W|arch.PTE_PCD|arch.PTE_PWT|nx) {
			return 0, false
		}
	}
	return va + uintptr(pa-start), true
}

// AllocDMA allocates n (1 to MaxDMAPages) physically contiguous, zeroed
// frames for a device to read and write, and maps them into the device
// area for ring 3 (user, writable, not executable, write-back: x86 DMA
// is cache-coherent). The run is aligned to n rounded up to a power of
// two, so it never crosses a boundary of that size (64 KiB for 16
// pages). With below4G the frames lie below 4 GiB, for a device that
// cannot address more. It returns the virtual and the physical address.
// Like a page fault, it leaves LowWater bytes to the runtime. Ring 0.
//
//go:nosplit
func AllocDMA(n uint64, below4G bool) (uintptr, uint64, bool) {
	if n == 0 || n > MaxDMAPages {
		return 0, 0, false
	}
	align := uint64(1)
	for align < n {
		align <<= 1
	}
	take := n + align - 1 // an aligned run of n lies in any run this long
	if Frames.FreeCount() < LowWater/PageSize+take {
		return 0, 0, false
	}
	s, ok := Frames.AllocContig(take)
	if !ok {
		return 0, 0, false
	}
	a := (s + align*PageSize - 1) &^ (align*PageSize - 1)
	end := a + n*PageSize
	if below4G && end > 4<<30 {
		Frames.FreeContig(s, take) // the lowest run is above: none lies below
		return 0, 0, false
	}
	if a > s {
		Frames.FreeContig(s, (a-s)/PageSize)
	}
	if tail := s + take*PageSize - end; tail > 0 {
		Frames.FreeContig(end, tail/PageSize)
	}
	va, ok := deviceVA(n * PageSize)
	if !ok {
		Frames.FreeContig(a, n)
		return 0, 0, false
	}
	for i := uint64(0); i < n; i++ {
		pa := a + i*PageSize
		*tableAt(pa) = table{} // a page of zeros
		if !Map(va+uintptr(i*PageSize), pa, arch.PTE_U|arch.PTE_W|nx) {
			return 0, 0, false // the frames stay taken: the area is not reused either
		}
	}
	return va, a, true
}

// The device ranges the kernel itself maps with MapMMIO (the APICs, the
// HPET): MapDevice must not give them to ring 3. Should more be mapped
// than the table holds, every range counts as the kernel's.
var (
	kernelDevices  [32][2]uint64
	nkernelDevices int
	tooManyDevices bool
)

// noteKernelDevice records [start, end) as a device the kernel keeps.
//
//go:nosplit
func noteKernelDevice(start, end uint64) {
	i := uint(nkernelDevices)
	if i >= uint(len(kernelDevices)) {
		tooManyDevices = true
		return
	}
	kernelDevices[i] = [2]uint64{start, end}
	nkernelDevices++
}

// KernelDevice reports whether [start, end) overlaps device registers
// the kernel has mapped for itself.
//
//go:nosplit
func KernelDevice(start, end uint64) bool {
	if tooManyDevices {
		return true
	}
	for i := 0; i < nkernelDevices && i < len(kernelDevices); i++ {
		r := &kernelDevices[i]
		if start < r[1] && r[0] < end {
			return true
		}
	}
	return false
}
