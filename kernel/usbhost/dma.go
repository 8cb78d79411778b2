package usbhost

import (
	"fmt"
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/dev/xhci"
	"gokernel/kernel/kcall"
)

// DMAPool is the xHCI driver's xhci.Memory: zeroed, physically contiguous
// pages from the kernel (kcall.AllocDMAPages), which never takes them
// back; so what the driver frees (a device's rings and contexts, when it
// is unplugged) is kept here, a page at a time, for the next Alloc.
// Below4G asks for pages below 4 GiB, for a controller without 64-bit
// addressing. One goroutine (the executor's).
type DMAPool struct {
	Below4G bool
	free    []xhci.DMA // pages given back
	taken   int        // pages ever had from the kernel
}

// Alloc returns size bytes (at most 16 pages), zeroed: one page from the
// pool when it fits, else new pages from the kernel, whose runs are
// aligned to their size and so never cross 64 KiB.
func (p *DMAPool) Alloc(size int) (xhci.DMA, error) {
	n := (size + xhci.PageSize - 1) / xhci.PageSize
	if size <= 0 || n > 16 {
		return xhci.DMA{}, fmt.Errorf("usb: DMA allocation of %d bytes", size)
	}
	if n == 1 {
		for i := len(p.free) - 1; i >= 0; i-- {
			d := p.free[i]
			if p.Below4G && d.Phys+xhci.PageSize > 1<<32 {
				continue
			}
			p.free = append(p.free[:i], p.free[i+1:]...)
			clear(d.Mem)
			return d, nil
		}
	}
	va, pa, err := kcall.AllocDMAPages(n, p.Below4G)
	if err != nil {
		return xhci.DMA{}, fmt.Errorf("%w: %v", xhci.ErrNoMemory, err)
	}
	p.taken += n
	return xhci.DMA{Mem: unsafe.Slice((*byte)(arch.Ptr(va)), n*xhci.PageSize), Phys: pa}, nil
}

// Free keeps d's pages for later.
func (p *DMAPool) Free(d xhci.DMA) {
	for off := 0; off+xhci.PageSize <= len(d.Mem); off += xhci.PageSize {
		p.free = append(p.free, xhci.DMA{Mem: d.Mem[off : off+xhci.PageSize : off+xhci.PageSize], Phys: d.Phys + uint64(off)})
	}
}

// Pages returns the pages had from the kernel and those free in the pool.
func (p *DMAPool) Pages() (taken, free int) { return p.taken, len(p.free) }
