//go:build ringstall

package ring

import "testing"

// TestStalls is TestStress and TestSPSCStress with stalls: built with
// -tags ringstall, every operation yields the processor at one call in
// four between its claim (or its slot access) and its publication, so
// producers and consumers are parked in mid-operation all the time while
// the others run. Every value must still arrive exactly once, in
// per-producer order. TestStalledOperations runs it.
func TestStalls(t *testing.T) {
	before := stalls.Load()
	total := stressTotal / 20
	t.Run("Ring/cap64", func(t *testing.T) { stress(t, 64, total) })
	t.Run("Ring/cap3", func(t *testing.T) { stress(t, 3, total/4) })
	t.Run("Ring/cap1", func(t *testing.T) { stress(t, 1, total/4) })
	t.Run("SPSC", func(t *testing.T) {
		for _, c := range []int{1, 3, 64} {
			spscStress(t, mustSPSC[uint64](t, c), total/4)
		}
	})
	n := stalls.Load() - before
	if n < 1000 {
		t.Errorf("only %d stalls: the hook is not in the windows", n)
	}
	t.Logf("%d stalls", n)
}
