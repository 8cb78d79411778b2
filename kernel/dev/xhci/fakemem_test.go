package xhci

import (
	"fmt"
	"testing"
)

// fakeMem is DMA memory for the fake controller: pages of Go memory at
// made-up physical addresses, which the fake resolves when it reads and
// writes "physical" memory.
type fakeMem struct {
	t      testing.TB
	pages  map[uint64][]byte // physical page -> its bytes
	next   uint64
	live   int
	failAt int // the Alloc that fails (1 = the first), 0 never
	allocs int
}

func newFakeMem(t testing.TB) *fakeMem {
	return &fakeMem{t: t, pages: map[uint64][]byte{}, next: 0x10_0000}
}

func (m *fakeMem) Alloc(size int) (DMA, error) {
	m.allocs++
	if m.failAt == m.allocs {
		return DMA{}, fmt.Errorf("fake: out of memory")
	}
	n := (size + PageSize - 1) / PageSize
	b := make([]byte, n*PageSize)
	phys := m.next
	m.next += uint64(n+1) * PageSize // a hole after each, to catch overruns
	for i := range n {
		m.pages[phys+uint64(i*PageSize)] = b[i*PageSize : (i+1)*PageSize]
	}
	m.live += n
	return DMA{Mem: b, Phys: phys}, nil
}

func (m *fakeMem) Free(d DMA) {
	n := (len(d.Mem) + PageSize - 1) / PageSize
	for i := range n {
		p := d.Phys + uint64(i*PageSize)
		if _, ok := m.pages[p]; !ok {
			m.t.Errorf("fake: free of unallocated page %#x", p)
		}
		delete(m.pages, p)
	}
	m.live -= n
}

// at returns the n bytes at physical address p, which must lie in one
// allocated page (no structure here crosses a page).
func (m *fakeMem) at(p uint64, n int) []byte {
	page, ok := m.pages[p&^(PageSize-1)]
	off := int(p & (PageSize - 1))
	if !ok || off+n > PageSize {
		m.t.Fatalf("fake controller: DMA to unmapped memory %#x (+%d)", p, n)
	}
	return page[off : off+n]
}

func (m *fakeMem) dma(p uint64, n int) DMA { return DMA{Mem: m.at(p, n), Phys: p} }

func (m *fakeMem) trb(p uint64) TRB {
	d := m.dma(p, TRBSize)
	return TRB{Param: d.get64(0), Status: d.get32(8), Control: d.load32(12)}
}
