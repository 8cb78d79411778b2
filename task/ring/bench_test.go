package ring

import (
	"runtime"
	"sync"
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

// BenchmarkChan is BenchmarkRing with a buffered channel: a send followed
// by a receive.
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
