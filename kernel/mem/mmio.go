package mem

import "gokernel/arch"

// Device registers (local APIC, I/O APIC, HPET, PCI BARs) are mapped in
// their own area, uncached: PCD and PWT select the PAT entry that is UC in
// the power-on PAT (SDM Vol. 3A §12.12.3, Table 12-11), so every access
// reaches the device in order. The direct map covers the same physical
// addresses cacheable; the MTRRs of PC firmware make those ranges UC,
// which wins over a write-back page (§12.5.2.2), and the kernel reaches
// devices only through this area.

var mmioNext uintptr // the next free address in the area, from MMIO

// MapMMIO maps size bytes of device registers at physical address pa and
// returns the virtual address of pa; the same range mapped again returns
// a new mapping. Ring 0, at boot or in a driver's setup: it may allocate
// page-table frames. It reports false when the area or memory runs out.
//
//go:nosplit
func MapMMIO(pa, size uint64) (uintptr, bool) {
	LockMM()
	va, ok := mapMMIO(pa, size)
	UnlockMM()
	return va, ok
}

//go:nosplit
func mapMMIO(pa, size uint64) (uintptr, bool) {
	if mmioNext == 0 {
		mmioNext = MMIO
	}
	start := PageRoundDown(pa)
	end := PageRoundUp(pa + size)
	if end < start || end-start > MMIOSize || mmioNext+uintptr(end-start) > MMIO+MMIOSize {
		return 0, false
	}
	va := mmioNext
	for p := start; p < end; p += PageSize {
		if !Map(va+uintptr(p-start), p, arch.PTE_W|arch.PTE_PCD|arch.PTE_PWT|nx) {
			return 0, false
		}
	}
	mmioNext += uintptr(end - start)
	noteKernelDevice(start, end)
	return va + uintptr(pa-start), true
}
