//go:build ringstall

package ring

import (
	"math/rand/v2"
	"runtime"
	"sync/atomic"
)

// With -tags ringstall (TestStalledOperations builds the tests so),
// stallPoint yields the processor at one call in four, in the middle of
// an operation: after a Ring's claim and before its publication, or
// between an SPSC's access to its slot and the index store. The
// goroutine is then parked there while the others run, the stall that an
// interrupt or a preemption causes, made frequent. stalls counts them, so
// that the test can check that it stalled at all.
var stalls atomic.Uint64

func stallPoint() {
	if rand.Uint32()%4 == 0 {
		stalls.Add(1)
		runtime.Gosched()
	}
}
