package ring

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// benchCap is the capacity of the rings and channels in the benchmarks.
const benchCap = 64

// benchGoroutines is the number of goroutines of the contended benchmarks.
const benchGoroutines = 4

// BenchmarkRing measures one Push followed by one Pop (one op) of a uint64:
// on one goroutine ("uncontended"), and on 4 goroutines sharing the ring
// ("4goroutines", b.N pairs in total, split among them). Compare with
// BenchmarkChan, the same on a buffered channel of the same capacity.
func BenchmarkRing(b *testing.B) {
	b.Run("uncontended", func(b *testing.B) {
		r := mustNew[uint64](b, benchCap)
		b.ReportAllocs()
		var sum uint64
		for i := 0; b.Loop(); i++ {
			r.Push(uint64(i))
			v, _ := r.Pop()
			sum += v
		}
		sink = sum
	})
	b.Run("4goroutines", func(b *testing.B) {
		r := mustNew[uint64](b, benchCap)
		b.ReportAllocs()
		parallel(b, func(n int) {
			var sum uint64
			for i := range n {
				// Neither loop spins in practice: at most 4 values are
				// queued, and Pop only fails while another goroutine
				// is preempted between its claim and its publication.
				for !r.Push(uint64(i)) {
					runtime.Gosched()
				}
				for {
					v, ok := r.Pop()
					if ok {
						sum += v
						break
					}
					runtime.Gosched()
				}
			}
			sinkMu.Lock()
			sink += sum
			sinkMu.Unlock()
		})
	})
}

// BenchmarkSPSC measures the SPSC ring: one Push followed by one Pop of a
// uint64 on one goroutine ("uncontended"), and b.N values from a producer
// goroutine to a consumer goroutine ("1to1", the interrupt-to-task case:
// one op is one value moved). Compare with BenchmarkChan's cases of the
// same names, on a buffered channel of the same capacity.
func BenchmarkSPSC(b *testing.B) {
	b.Run("uncontended", func(b *testing.B) {
		r := mustSPSC[uint64](b, benchCap)
		b.ReportAllocs()
		var sum uint64
		for i := 0; b.Loop(); i++ {
			r.Push(uint64(i))
			v, _ := r.Pop()
			sum += v
		}
		sink = sum
	})
	b.Run("1to1", func(b *testing.B) {
		r := mustSPSC[uint64](b, benchCap)
		b.ReportAllocs()
		b.ResetTimer()
		go func() {
			for i := range b.N {
				for !r.Push(uint64(i)) {
					runtime.Gosched()
				}
			}
		}()
		var sum uint64
		for n := 0; n < b.N; {
			v, ok := r.Pop()
			if !ok {
				runtime.Gosched()
				continue
			}
			sum += v
			n++
		}
		sink = sum
	})
}

// BenchmarkRelease compares the two ways to publish an index: the SPSC's
// storeRelease (a MOV on amd64, without -race) and atomic.StoreUint64 (an
// XCHG on amd64). The ratio is what the SPSC saves per operation.
func BenchmarkRelease(b *testing.B) {
	var x uint64
	b.Run("storeRelease", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			storeRelease(&x, uint64(i))
		}
	})
	b.Run("atomicStore", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			atomic.StoreUint64(&x, uint64(i))
		}
	})
}

// BenchmarkChan is BenchmarkRing and BenchmarkSPSC with a buffered channel:
// a send followed by a receive, and one sender goroutine and one receiver.
func BenchmarkChan(b *testing.B) {
	b.Run("uncontended", func(b *testing.B) {
		ch := make(chan uint64, benchCap)
		b.ReportAllocs()
		var sum uint64
		for i := 0; b.Loop(); i++ {
			ch <- uint64(i)
			sum += <-ch
		}
		sink = sum
	})
	b.Run("1to1", func(b *testing.B) {
		ch := make(chan uint64, benchCap)
		b.ReportAllocs()
		b.ResetTimer()
		go func() {
			for i := range b.N {
				ch <- uint64(i)
			}
		}()
		var sum uint64
		for range b.N {
			sum += <-ch
		}
		sink = sum
	})
	b.Run("4goroutines", func(b *testing.B) {
		ch := make(chan uint64, benchCap)
		b.ReportAllocs()
		parallel(b, func(n int) {
			var sum uint64
			for i := range n {
				ch <- uint64(i)
				sum += <-ch
			}
			sinkMu.Lock()
			sink += sum
			sinkMu.Unlock()
		})
	})
}

var (
	sink   uint64
	sinkMu sync.Mutex
)

// parallel runs body on benchGoroutines goroutines, splitting b.N
// iterations among them, and times the whole.
func parallel(b *testing.B, body func(n int)) {
	var start, done sync.WaitGroup
	start.Add(1)
	for g := range benchGoroutines {
		n := b.N / benchGoroutines
		if g < b.N%benchGoroutines {
			n++
		}
		done.Go(func() {
			start.Wait()
			body(n)
		})
	}
	b.ResetTimer()
	start.Done()
	done.Wait()
}
