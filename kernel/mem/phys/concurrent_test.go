package phys

import (
	"runtime"
	"sync"
	"testing"
)

// TestConcurrent has 8 goroutines allocate and free frames at once, as
// CPUs do: no frame is handed to two of them, and the count is whole at
// the end. Run with -race (make test-host does), which also checks that
// every access to the bitmap is under the lock.
func TestConcurrent(t *testing.T) {
	const workers, rounds, hold = 8, 300, 16
	// A P for every worker: one preempted while it holds the lock must
	// not wait for the others, which spin unpreemptibly (spin.Leaf).
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(workers))
	a, bm := newAlloc(t, 4096)
	a.AddFree(0, pg(4096))
	owner := make([]int32, 4096)
	var mu sync.Mutex // guards owner, the test's own record
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []uint64
			for r := range rounds {
				for range hold {
					pa, ok := a.Alloc()
					if !ok {
						t.Errorf("worker %d: out of frames", w)
						return
					}
					mu.Lock()
					if o := owner[pa/PageSize]; o != 0 {
						t.Errorf("frame %#x handed to worker %d while worker %d holds it", pa, w, o-1)
					}
					owner[pa/PageSize] = int32(w + 1)
					mu.Unlock()
					mine = append(mine, pa)
				}
				if r%3 == 0 && a.FreeCount() > 4096 {
					t.Errorf("FreeCount %d", a.FreeCount())
				}
				for _, pa := range mine {
					mu.Lock()
					owner[pa/PageSize] = 0
					mu.Unlock()
					if err := a.Free(pa); err != nil {
						t.Errorf("worker %d: Free(%#x): %v", w, pa, err)
					}
				}
				mine = mine[:0]
			}
		}()
	}
	wg.Wait()
	if a.FreeCount() != 4096 {
		t.Errorf("FreeCount %d after every frame came back, want 4096", a.FreeCount())
	}
	check(t, a, bm)
}
