package sysfuzz

import (
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"runtime"
	"syscall"
	"time"
)

// The checks: what the fuzzer verifies every second and at the end, and
// how it reports a bug.

// bug records a bug (the first maxBugs) and prints it at once.
func (r *runner) bug(s string) {
	r.bugMu.Lock()
	defer r.bugMu.Unlock()
	if len(r.bugs) < maxBugs {
		r.bugs = append(r.bugs, s)
		fmt.Fprintf(r.cfg.Out, "\nsysfuzz: BUG: %s\n", s)
	}
}

// tooManyBugs reports whether the run has found enough to stop.
func (r *runner) tooManyBugs() bool {
	r.bugMu.Lock()
	defer r.bugMu.Unlock()
	return len(r.bugs) >= maxBugs
}

// check is the periodic check: liveness, integrity, no stuck worker; and
// it gives memory back.
func (r *runner) check(in *integrity) {
	// The wait for the sleeping goroutine is made of the kernel's own
	// sleeps, not Go timers: if the runtime's timers stop, that is
	// reported, not waited for.
	ch := make(chan int, 1)
	go func() {
		time.Sleep(time.Millisecond)
		ch <- 42
	}()
	woke := false
	for i := 0; i < 1000 && !woke; i++ {
		select {
		case v := <-ch:
			woke = true
			if v != 42 {
				r.bug(fmt.Sprintf("a channel carried %d, want 42", v))
			}
		default:
			rawSleep(10 * time.Millisecond)
		}
	}
	if !woke {
		r.bug("a goroutine that sleeps 1 ms did not wake within 10 s; the goroutines:")
		// runtime.Stack(all) prints what pprof's goroutine profile
		// does at debug=2, without linking runtime/pprof (and gzip) in.
		buf := make([]byte, 1<<20)
		r.cfg.Out.Write(buf[:runtime.Stack(buf, true)])
	}
	if err := in.verify(); err != nil {
		r.bug(err.Error())
	}
	r.stuck(5 * time.Second)
	r.resetArena()
}

// rawSleep sleeps d with nanosleep, without the runtime's timers.
func rawSleep(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	syscall.Nanosleep(&ts, nil)
}

// stuck reports workers in one call for longer than d. The calls the
// fuzzer makes wait 5 ms at most.
func (r *runner) stuck(d time.Duration) {
	now := time.Now().UnixNano()
	for i := range r.busy {
		b := &r.busy[i]
		if t := b.since.Load(); t != 0 && now-t > int64(d) {
			if p := b.plan.Load(); p != nil {
				r.bug(fmt.Sprintf("worker %d stuck for %v in %s", i, time.Duration(now-t).Round(time.Millisecond), r.describe(p)))
			}
		}
	}
}

// integrity is memory the fuzzer never passes to the kernel, in the Go
// heap and in a mapping of its own outside Space, with their checksums.
type integrity struct {
	heap, mapped []byte
	sums         [2]uint32
}

func newIntegrity() (*integrity, error) {
	m, err := syscall.Mmap(-1, 0, 64<<10, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return nil, err
	}
	in := &integrity{heap: make([]byte, 64<<10), mapped: m}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range in.heap {
		in.heap[i], in.mapped[i] = byte(rng.Uint32()), byte(rng.Uint32())
	}
	in.sums = [2]uint32{crc32.ChecksumIEEE(in.heap), crc32.ChecksumIEEE(in.mapped)}
	return in, nil
}

func (in *integrity) verify() error {
	if crc32.ChecksumIEEE(in.heap) != in.sums[0] {
		return fmt.Errorf("a heap buffer the kernel was never given changed")
	}
	if crc32.ChecksumIEEE(in.mapped) != in.sums[1] {
		return fmt.Errorf("a mapped buffer the kernel was never given changed")
	}
	return nil
}
