// Package mem manages the kernel's single address space: the layout of
// virtual memory, the 4-level page tables (SDM Vol. 3A §4.5), the direct
// map of physical memory, demand paging of the areas that the Go runtime
// maps with mmap, and checked access to user memory from system calls.
//
// Layout (48-bit canonical addresses):
//
//	0x0000_0000_0000_0000  page 0: never mapped, so nil dereferences fault
//	0x0000_0000_0040_0000  a program from a boot module, at its link
//	                       address (Go's default text is 0x401000)
//	0x0000_0000_8000_0000  DeviceArea: device registers and DMA memory
//	                       mapped for ring 3's drivers (device.go)
//	0x0000_0001_0000_0000  UserMin: start of the mmap area
//	0x0000_7fff_ffff_f000  UserMax: end of the mmap area; the main thread's
//	                       stack sits just below it
//	0xffff_8000_0000_0000  DirectMap: all physical memory, supervisor only
//	0xffff_fe00_0000_0000  MMIO: device registers, mapped uncached (MapMMIO)
//	0xffff_ff80_0000_0000  KernelStacks: per-CPU stacks with guard pages
//	0xffff_ffff_8010_0000  KernelBase + 1 MiB: the kernel image (boot stub,
//	                       then the Go image at its link address), loaded
//	                       at physical 1 MiB
//
// The lower half is the Linux process the running program sees: the areas
// it maps, and a program from a boot module at its link address. The
// kernel image sits in the top 2 GiB, as Linux's does, so that it is out of
// the way of any program. When the kernel's own Go program runs, the Go
// image's segments there are user pages too (its runtime runs in ring 3
// from them); when another program runs they are supervisor-only, like
// the rest of the upper half.
package mem

const (
	PageSize  = 4096
	PageShift = 12

	UserMin   = 0x0000_0001_0000_0000
	UserMax   = 0x0000_7fff_ffff_f000
	DirectMap = 0xffff_8000_0000_0000

	MMIO         = 0xffff_fe00_0000_0000
	MMIOSize     = 1 << 39 // one PML4 entry
	KernelStacks = 0xffff_ff80_0000_0000

	// KernelBase is where physical address 0 appears in the kernel
	// image's window, the top 2 GiB (the Makefile's GO_VBASE - GO_BASE;
	// tools/mkimage checks it). The boot stub maps the first GiB there.
	KernelBase = 0xffff_ffff_8000_0000
)

// ImagePhys returns the physical address of va in the kernel image.
//
//go:nosplit
func ImagePhys(va uint64) uint64 { return va - KernelBase }

// Virt returns the direct-map address of physical address pa.
//
//go:nosplit
func Virt(pa uint64) uintptr { return uintptr(pa + DirectMap) }

// PageRoundUp rounds n up to a multiple of PageSize.
//
//go:nosplit
func PageRoundUp(n uint64) uint64 { return (n + PageSize - 1) &^ (PageSize - 1) }

// PageRoundDown rounds n down to a multiple of PageSize.
//
//go:nosplit
func PageRoundDown(n uint64) uint64 { return n &^ (PageSize - 1) }
