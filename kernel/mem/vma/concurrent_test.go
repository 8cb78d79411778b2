package vma

import (
	"runtime"
	"sync"
	"testing"
)

// TestConcurrent has goroutines map, protect, look up and unmap areas at
// once: some in ranges of their own (Fixed), some wherever the space has
// room (Hint). Each checks that what it mapped is there with its own
// protection, so no two got overlapping areas; at the end the space is
// empty. Run with -race (make test-host does).
func TestConcurrent(t *testing.T) {
	const lo, hi = 0x10000, 0x10000 + 1<<32
	s := newSpace(t, lo, hi)
	const workers, rounds = 8, 400
	// A P for every worker: one preempted while it holds the lock must
	// not wait for the others, which spin unpreemptibly (spin.Leaf).
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(workers))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := uint64(lo) + uint64(w)<<24 // 16 MiB each, below the hinted ones
			prot := uint32(w%3 + 1)
			for r := range rounds {
				addr, how := own+uint64(r%8)*PageSize*4, Fixed
				if w%2 == 1 {
					addr, how = uint64(lo)+1<<31, Hint
				}
				got, err := s.Map(addr, 2*PageSize, prot, uint32(w), how)
				if err != nil {
					t.Errorf("worker %d: Map: %v", w, err)
					return
				}
				for _, p := range []uint64{got, got + PageSize} {
					if a, ok := s.Lookup(p); !ok || a.Prot != prot || a.Flags != uint32(w) {
						t.Errorf("worker %d: the page at %#x it mapped is %+v (%v)", w, p, a, ok)
						return
					}
				}
				if err := s.Protect(got, PageSize, prot|4); err != nil {
					t.Errorf("worker %d: Protect: %v", w, err)
				}
				if !s.Covered(got, PageSize, prot|4) {
					t.Errorf("worker %d: %#x not covered after Protect", w, got)
				}
				if err := s.Unmap(got, 2*PageSize); err != nil {
					t.Errorf("worker %d: Unmap: %v", w, err)
				}
			}
		}()
	}
	wg.Wait()
	if s.Len() != 0 || s.MappedBytes() != 0 {
		t.Errorf("%d areas, %d bytes left after every worker unmapped its own", s.Len(), s.MappedBytes())
	}
}
