package ring

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// stallLimit is how long TestStress waits without any value moving before
// it declares the ring jammed.
const stallLimit = 10 * time.Second

// TestStress moves stressTotal values (10,000,000 normally; see
// race_test.go for the -race count) from 4 producers to 4 consumers through
// a ring of capacity 64, and a tenth as many through rings of capacity 3
// and 1. -short divides the counts by 10.
func TestStress(t *testing.T) {
	total := stressTotal
	if testing.Short() {
		total /= 10
	}
	t.Run("cap64", func(t *testing.T) { stress(t, 64, total) })
	t.Run("cap3", func(t *testing.T) { stress(t, 3, total/10) })
	t.Run("cap1", func(t *testing.T) { stress(t, 1, total/10) })
}

// stress moves total values from 4 producers to 4 consumers. Each value is
// producer<<32 | sequence. Every consumer checks that it sees each
// producer's sequence numbers in increasing order and records what it got
// in a bitmap; at the end the bitmaps must be disjoint and together cover
// every value: each value delivered exactly once, in per-producer order. A
// fifth goroutine checks meanwhile that Len stays within [0, Cap].
func stress(t *testing.T, capacity, total int) {
	const (
		producers = 4
		consumers = 4
	)
	perProducer := total / producers
	total = perProducer * producers
	r := mustNew[uint64](t, capacity)

	var consuming, producing sync.WaitGroup
	var produced atomic.Bool // all producers have returned
	var consumed atomic.Bool // all consumers have returned
	var jammed atomic.Bool   // no value moved for stallLimit
	for p := range producers {
		producing.Go(func() {
			for i := range perProducer {
				v := uint64(p)<<32 | uint64(i)
				for !r.Push(v) {
					if consumed.Load() || jammed.Load() {
						return
					}
					runtime.Gosched()
				}
			}
		})
	}

	go func() {
		producing.Wait()
		produced.Store(true)
	}()

	// Consumers stop when every value has arrived or, should values be
	// lost, when the producers are done and the ring is empty. Producers
	// stop early if the consumers stopped (should values be duplicated).
	var remaining atomic.Int64
	remaining.Store(int64(total))
	var badLen atomic.Int64
	badLen.Store(-1)
	lenDone := make(chan struct{})
	go func() {
		defer close(lenDone)
		for remaining.Load() > 0 && !produced.Load() {
			if n := r.Len(); n < 0 || n > capacity {
				badLen.Store(int64(n))
			}
			runtime.Gosched()
		}
	}()
	seen := make([][]uint64, consumers) // bitmaps indexed by value position
	failures := make([]string, consumers)
	for c := range consumers {
		bits := make([]uint64, (total+63)/64)
		seen[c] = bits
		consuming.Go(func() {
			var last [producers]int64
			for i := range last {
				last[i] = -1
			}
			for remaining.Load() > 0 {
				v, ok := r.Pop()
				if !ok {
					if produced.Load() && r.Len() == 0 || jammed.Load() {
						return
					}
					runtime.Gosched()
					continue
				}
				remaining.Add(-1)
				p, seq := v>>32, int64(v&0xffffffff)
				if p >= producers || seq >= int64(perProducer) {
					failures[c] = "bad value"
					return
				}
				if seq <= last[p] {
					failures[c] = "per-producer order violated"
					return
				}
				last[p] = seq
				k := int(p)*perProducer + int(seq)
				if bits[k/64]&(1<<(k%64)) != 0 {
					failures[c] = "value delivered twice to one consumer"
					return
				}
				bits[k/64] |= 1 << (k % 64)
			}
		})
	}
	// A watchdog ends the run if the ring jams (no value moves for
	// stallLimit), so that a broken ring fails the test instead of hanging.
	watchdogDone := make(chan struct{})
	stopWatchdog := make(chan struct{})
	go func() {
		defer close(watchdogDone)
		last, since := remaining.Load(), time.Now()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stopWatchdog:
				return
			case <-tick.C:
			}
			if n := remaining.Load(); n != last {
				last, since = n, time.Now()
			} else if time.Since(since) > stallLimit {
				jammed.Store(true)
				return
			}
		}
	}()

	consuming.Wait()
	close(stopWatchdog)
	<-watchdogDone
	consumed.Store(true)
	producing.Wait()
	<-lenDone
	if n := badLen.Load(); n != -1 {
		t.Errorf("Len = %d during the run", n)
	}
	if jammed.Load() {
		t.Fatalf("no value moved for %v with %d values to go: the ring jammed", stallLimit, remaining.Load())
	}
	for c, f := range failures {
		if f != "" {
			t.Fatalf("consumer %d: %s", c, f)
		}
	}
	if v, ok := r.Pop(); ok {
		t.Fatalf("ring not empty at the end: popped %#x", v)
	}
	if r.Len() != 0 {
		t.Fatalf("Len = %d at the end", r.Len())
	}
	missing, dup := 0, 0
	for w := range seen[0] {
		var union, twice uint64
		for c := range consumers {
			twice |= union & seen[c][w]
			union |= seen[c][w]
		}
		full := ^uint64(0)
		if w == len(seen[0])-1 && total%64 != 0 {
			full = 1<<(total%64) - 1
		}
		for b := union ^ full; b != 0; b &= b - 1 {
			missing++
		}
		for b := twice; b != 0; b &= b - 1 {
			dup++
		}
	}
	if missing != 0 || dup != 0 {
		t.Fatalf("%d values missing, %d delivered more than once", missing, dup)
	}
	t.Logf("%d values through a ring of %d, %d producers, %d consumers", total, capacity, producers, consumers)
}
