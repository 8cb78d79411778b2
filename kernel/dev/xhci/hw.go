package xhci

import (
	"errors"
	"fmt"
	"sync/atomic"
	"unsafe"
)

// MMIO is the controller's registers: BAR 0, mapped uncached. Offsets are
// bytes from the start of BAR 0, 4-byte aligned. Write64 writes a 64-bit
// register (CRCR, DCBAAP, ERSTBA, ERDP): in one 8-byte access, or as two
// 4-byte writes, low dword first (§5.1, "64-bit register access").
type MMIO interface {
	Read32(off uintptr) uint32
	Write32(off uintptr, v uint32)
	Write64(off uintptr, v uint64)
}

// Memory allocates memory the controller reads and writes (DMA). The
// kernel gives physically contiguous, zeroed memory that the CPU sees
// through Mem (x86 DMA is cache-coherent, so ordinary write-back memory
// will do) at physical address Phys. Alloc must return at least size
// bytes aligned to PageSize and not crossing a 64 KiB boundary: that
// meets every alignment of Table 6-1 for everything this driver
// allocates (no structure is larger than a page, except the scratchpad
// array of a controller that wants more than 512 buffers). For a
// controller without 64-bit addressing (Caps.AC64 false) the memory must
// lie below 4 GiB; the driver checks. Free returns it.
type Memory interface {
	Alloc(size int) (DMA, error)
	Free(DMA)
}

// PageSize is the granule Memory hands out; the controller's own
// PAGESIZE register must allow it (every PC controller: 4 KiB).
const PageSize = 4096

// DMA is memory shared with the controller: the CPU's view and the
// physical address of its first byte.
type DMA struct {
	Mem  []byte
	Phys uint64
}

// ErrNoMemory is returned when Memory.Alloc fails or returns too little.
var ErrNoMemory = errors.New("xhci: DMA memory allocation failed")

// checkDMA checks what Memory.Alloc returned for n bytes.
func checkDMA(d DMA, n int, ac64 bool) error {
	switch {
	case len(d.Mem) < n || d.Phys%PageSize != 0:
		return ErrNoMemory
	case !ac64 && d.Phys+uint64(len(d.Mem)) > 1<<32:
		return fmt.Errorf("xhci: DMA memory at %#x above 4 GiB for a 32-bit controller", d.Phys)
	}
	return nil
}

// sub returns the part of d from off, n bytes long.
func (d DMA) sub(off, n int) DMA { return DMA{d.Mem[off : off+n : off+n], d.Phys + uint64(off)} }

// contains reports whether physical address p lies in d.
func (d DMA) contains(p uint64) bool { return p >= d.Phys && p-d.Phys < uint64(len(d.Mem)) }

// The controller writes DMA memory while the CPU reads it: the word that
// says whether a TRB is valid (the cycle bit) is loaded and stored with
// sync/atomic, which orders it with the plain accesses to the rest of the
// TRB (Go's memory model: atomics are sequentially consistent and the
// compiler does not move memory accesses across them).

func (d DMA) word(off int) *uint32 {
	_ = d.Mem[off+3]
	return (*uint32)(unsafe.Pointer(&d.Mem[off]))
}

func (d DMA) load32(off int) uint32 { return atomic.LoadUint32(d.word(off)) }

func (d DMA) store32(off int, v uint32) { atomic.StoreUint32(d.word(off), v) }

func (d DMA) get32(off int) uint32 {
	b := d.Mem[off : off+4]
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

func (d DMA) put32(off int, v uint32) {
	b := d.Mem[off : off+4]
	b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}

func (d DMA) get64(off int) uint64 { return uint64(d.get32(off)) | uint64(d.get32(off+4))<<32 }

func (d DMA) put64(off int, v uint64) {
	d.put32(off, uint32(v))
	d.put32(off+4, uint32(v>>32))
}
