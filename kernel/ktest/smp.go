package ktest

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"gokernel/kernel/boot"
	"gokernel/kernel/kcall"
)

// SMP tests: the runtime's threads on every CPU, a CPU-bound workload's
// speedup, a soak of goroutines waking each other across CPUs, and TLB
// shootdown seen from a reader on another CPU. Run them with -smp N.

func init() {
	later(func() {
		register("smp",
			Test{Name: "smp", Run: testSMP, Note: "a spinning goroutine per CPU reports its CPU (getcpu): every CPU is seen"},
			Test{Name: "parallel", Run: testParallel, Note: "SHA-256 of 64 MiB in GOMAXPROCS parts: same sums, the speedup over GOMAXPROCS=1"},
			Test{Name: "smpstress", Run: testSMPStress, Note: "10,000 goroutines ping-pong across CPUs with timers and selects for 20 s (SMPSTRESS=SECONDS): no lost wake-up"},
			Test{Name: "shootdown", Run: testShootdown, Note: "a page read on one CPU and unmapped on another: the reader faults, never reads the old page"},
			Test{Name: "pagefaults", Run: testPageFaults, Note: "a goroutine per CPU touches fresh pages: the faults are served at once, without the big kernel lock"},
			Test{Name: "apfault", Run: testAPFault, Note: "the first AP faults in its bring-up (injected): it is reported and left out, the others run"},
		)
	})
}

// spinOn keeps n goroutines, each locked to a thread of its own, spinning
// at once for d, and returns the CPUs each saw itself on.
func spinOn(n int, d time.Duration) [][]bool {
	seen := make([][]bool, n)
	var ready atomic.Int32
	var wg sync.WaitGroup
	for g := range n {
		seen[g] = make([]bool, runtime.NumCPU())
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			ready.Add(1)
			for ready.Load() < int32(n) {
			}
			for end := time.Now().Add(d); time.Now().Before(end); {
				if c := kcall.GetCPU(); c >= 0 && c < len(seen[g]) {
					seen[g][c] = true
				}
			}
		}()
	}
	wg.Wait()
	return seen
}

func testSMP() error {
	n := runtime.NumCPU()
	if runtime.GOMAXPROCS(0) != n {
		return fmt.Errorf("GOMAXPROCS %d, NumCPU %d: the runtime does not use every CPU", runtime.GOMAXPROCS(0), n)
	}
	seen := spinOn(n, 300*time.Millisecond)
	all := make([]bool, n)
	for g, s := range seen {
		var cpus []int
		for c, ok := range s {
			if ok {
				cpus = append(cpus, c)
				all[c] = true
			}
		}
		fmt.Printf("smp: goroutine %d ran on CPUs %v\n", g, cpus)
	}
	count := 0
	for _, ok := range all {
		if ok {
			count++
		}
	}
	fmt.Printf("smp: %d of %d CPUs seen\n", count, n)
	if count != n {
		return fmt.Errorf("%d spinning goroutines ran on %d of %d CPUs", n, count, n)
	}
	return nil
}

// testParallel hashes 64 MiB in GOMAXPROCS parts, first with GOMAXPROCS=1
// and then with every CPU, best of three each, and prints the speedup.
// It checks that the sums agree and that with more than one CPU the
// parts ran on more than one; the speedup itself depends on the host
// (TCG runs each guest CPU on a host thread), so the floor is loose: a
// kernel that ran one CPU at a time would be near 1.
func testParallel() error {
	n := runtime.NumCPU()
	// 64 MiB of data; in a machine under 192 MiB, a third of its RAM in
	// whole MiB per part, hashed over as many passes: about the same work.
	// (A pass rewrites only each MiB's first 32 bytes, from the chain, so
	// every run computes the same sums.)
	size := 64 << 20
	if small := int(boot.Info().UsableBytes() / 3); small < size {
		size = max(1, small/n>>20) << 20 * n
	}
	passes := max(1, (64<<20)/size)
	data := make([]byte, size)
	if d := sha256Sum([]byte("abc")); d[0] != 0xba || d[1] != 0x78 || d[31] != 0xad {
		return fmt.Errorf("SHA-256(\"abc\") = %x, want ba7816bf...f20015ad (FIPS 180-4 example)", d)
	}
	hash := func(procs int) ([][32]byte, time.Duration, int) {
		old := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(old)
		sums := make([][32]byte, n)
		cpus := make([]atomic.Bool, n)
		var wg sync.WaitGroup
		t0 := time.Now()
		for p := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				part := data[p*len(data)/n : (p+1)*len(data)/n]
				for i := 0; i < passes*len(part); i += 1 << 20 {
					off := i % len(part) // parts are whole MiB
					if c := kcall.GetCPU(); c >= 0 && c < n {
						cpus[c].Store(true)
					}
					// Each MiB's digest starts the next's input: a chain
					// no CPU can take a shortcut through.
					chunk := part[off:min(off+1<<20, len(part))]
					copy(chunk[:32], sums[p][:])
					sums[p] = sha256Sum(chunk)
				}
			}()
		}
		wg.Wait()
		used := 0
		for c := range cpus {
			if cpus[c].Load() {
				used++
			}
		}
		return sums, time.Since(t0), used
	}
	best := func(procs int) ([][32]byte, time.Duration, int) {
		var sums [][32]byte
		var d time.Duration
		used := 0
		for range 3 {
			s, t, u := hash(procs)
			if d == 0 || t < d {
				sums, d, used = s, t, u
			}
		}
		return sums, d, used
	}
	one, t1, _ := best(1)
	all, tn, used := best(n)
	for p := range one {
		if one[p] != all[p] {
			return fmt.Errorf("part %d: the sums with 1 and %d CPUs differ", p, n)
		}
	}
	speedup := float64(t1) / float64(tn)
	fmt.Printf("parallel: SHA-256 of %d MiB in %d parts: %v with GOMAXPROCS=1, %v with %d (on %d CPUs): speedup %.2fx\n",
		passes*len(data)>>20, n, t1.Round(time.Millisecond), tn.Round(time.Millisecond), n, used, speedup)
	if n > 1 && used < 2 {
		return fmt.Errorf("with GOMAXPROCS=%d every part ran on one CPU", n)
	}
	if n > 1 && speedup < 1.3 {
		return fmt.Errorf("speedup %.2fx on %d CPUs: they do not run at once", speedup, n)
	}
	return nil
}

// testSMPStress runs 5,000 pairs of goroutines passing a counter back and
// forth through channels, each side in a select with a timer, for 20 s
// (SMPSTRESS=SECONDS). A watchdog fails the test if some pair stops
// moving for 5 s (a lost wake-up); at the end every pair must have moved,
// and the counts both sides kept must agree.
func testSMPStress() error {
	pairs := fitRAM(5000)
	dur := 20 * time.Second
	if v, err := strconv.Atoi(os.Getenv("SMPSTRESS")); err == nil && v > 0 {
		dur = time.Duration(v) * time.Second
	}
	type pair struct {
		ping, pong chan int
		sent, got  atomic.Int64
		last       atomic.Int64 // unix ns of the last exchange
	}
	ps := make([]*pair, pairs)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	timeouts := atomic.Int64{}
	begin := make(chan struct{})
	side := func(p *pair, in, out chan int, first bool) {
		defer wg.Done()
		// A short timer in every wait: it fires whenever the other side
		// is slow, racing with its send, often on another CPU.
		t := time.NewTimer(2 * time.Millisecond)
		defer t.Stop()
		<-begin
		if first {
			out <- 0
			p.sent.Add(1)
		}
		for {
			t.Reset(2 * time.Millisecond)
			select {
			case v := <-in:
				p.got.Add(1)
				p.last.Store(time.Now().UnixNano())
				select {
				case out <- v + 1:
					p.sent.Add(1)
				case <-stop:
					return
				}
				// To the back of the line: a pair handing the CPU back
				// and forth would otherwise keep it for its whole time
				// slice (the runtime's runnext), and 5,000 pairs take
				// turns of 10 ms.
				runtime.Gosched()
			case <-t.C:
				timeouts.Add(1)
			case <-stop:
				return
			}
		}
	}
	now := time.Now().UnixNano()
	for i := range ps {
		p := &pair{ping: make(chan int), pong: make(chan int)}
		p.last.Store(now)
		ps[i] = p
		wg.Add(2)
		go side(p, p.pong, p.ping, true)
		go side(p, p.ping, p.pong, false)
	}
	close(begin)
	var err error
	start := time.Now()
	for tick := time.NewTicker(time.Second); time.Since(start) < dur; <-tick.C {
		cut := time.Now().Add(-5 * time.Second).UnixNano()
		for i, p := range ps {
			if p.last.Load() < cut {
				err = fmt.Errorf("pair %d made no exchange for 5 s (after %d): a lost wake-up", i, p.got.Load())
				break
			}
		}
		if err != nil {
			break
		}
	}
	close(stop)
	wg.Wait()
	var sent, got int64
	for i, p := range ps {
		s, g := p.sent.Load(), p.got.Load()
		if err == nil && (g == 0 || s < g || s > g+1) {
			err = fmt.Errorf("pair %d: %d sent, %d received", i, s, g)
		}
		sent += s
		got += g
	}
	fmt.Printf("smpstress: %d goroutines on %d CPUs for %v: %d exchanges (%d sent), %d timer wake-ups\n",
		2*pairs, runtime.NumCPU(), time.Since(start).Round(time.Second), got, sent, timeouts.Load())
	return err
}

// testShootdown maps a page and keeps a goroutine reading it on one CPU
// while another unmaps it, hands its frame to a decoy page (the frame
// allocator gives out the frame freed last) and maps a new page at the
// same address. After munmap returns, the reader must fault (a SIGSEGV,
// a panic here with SetPanicOnFault) or read the new page's value: any
// other value came through the old translation, which its CPU kept.
func testShootdown() error {
	const rounds = 300
	if runtime.NumCPU() < 2 {
		return errors.New("needs two CPUs or more (-smp 2)")
	}
	page := syscall.Getpagesize()
	var cross, faults, fresh int
	for r := 0; r < rounds; r++ {
		b, err := syscall.Mmap(-1, 0, page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
		if err != nil {
			return err
		}
		decoy, err := syscall.Mmap(-1, 0, page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
		if err != nil {
			return err
		}
		// p outlives the mapping: memory the runtime does not manage,
		// which the collector ignores.
		p := (*uint64)(unsafe.Pointer(&b[0]))
		addr := uintptr(unsafe.Pointer(p))
		*p = 1
		var unmapped, running atomic.Bool
		var readerCPU atomic.Int32
		type result struct {
			stale, faulted, fresh bool
			value                 uint64
		}
		done := make(chan result, 1)
		go func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
			var res result
			defer func() {
				if recover() != nil {
					res.faulted = true
				}
				done <- res
			}()
			readerCPU.Store(int32(kcall.GetCPU()))
			running.Store(true)
			for {
				after := unmapped.Load()
				v := atomic.LoadUint64(p)
				if after {
					res.stale, res.fresh = v != 2, v == 2
					res.value = v
					return
				}
			}
		}()
		for !running.Load() {
			runtime.Gosched()
		}
		writer := kcall.GetCPU()
		if err := syscall.Munmap(b); err != nil {
			return err
		}
		decoy[0] = 3
		// The same address again, with another value, as often as the
		// kernel gives it back.
		nb, _, e := syscall.Syscall6(syscall.SYS_MMAP, addr, uintptr(page), syscall.PROT_READ|syscall.PROT_WRITE,
			syscall.MAP_ANON|syscall.MAP_PRIVATE|syscall.MAP_FIXED, ^uintptr(0), 0)
		if e != 0 || nb != addr {
			return fmt.Errorf("mmap at %#x again: %v", addr, e)
		}
		*p = 2
		unmapped.Store(true)
		res := <-done
		if int(readerCPU.Load()) != writer {
			cross++
		}
		if res.stale {
			return fmt.Errorf("round %d: the reader on CPU %d read %d through the old translation after munmap on CPU %d returned", r, readerCPU.Load(), res.value, writer)
		}
		if res.faulted {
			faults++
		}
		if res.fresh {
			fresh++
		}
		syscall.Syscall(syscall.SYS_MUNMAP, addr, uintptr(page), 0)
		syscall.Munmap(decoy)
	}
	st, err := kcall.ReadStats()
	if err != nil {
		return err
	}
	fmt.Printf("shootdown: %d rounds, %d with reader and writer on different CPUs: %d read the new page, %d faulted, none the old; %d shootdowns, %d IPIs so far\n",
		rounds, cross, fresh, faults, st.Shootdowns, st.ShootdownIPIs)
	if cross < rounds/4 {
		return fmt.Errorf("only %d of %d rounds had reader and writer on different CPUs", cross, rounds)
	}
	if st.ShootdownIPIs == 0 {
		return errors.New("no shootdown IPI was sent")
	}
	return nil
}

// testPageFaults has a goroutine per CPU, each on a thread of its own,
// fault in every page of a mapping of its own, 5 rounds (writes, then
// MADV_DONTNEED gives the frames back); first one worker does every
// mapping, then all work at once, and the speedup is printed. It checks
// that every page kept what was written and that the faults were served
// without the big kernel lock (Stats.FastFaults), which is what lets them
// run at once.
func testPageFaults() error {
	const size, rounds = 4 << 20, 5
	n := runtime.NumCPU()
	page := syscall.Getpagesize()
	maps := make([][]byte, n)
	for i := range maps {
		b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
		if err != nil {
			return err
		}
		defer syscall.Munmap(b)
		maps[i] = b
	}
	// work faults in every page of bs, rounds times, and reports a page
	// that did not keep its value.
	work := func(bs [][]byte) error {
		for r := range rounds {
			tag := byte(r + 1)
			for _, b := range bs {
				for off := 0; off < len(b); off += page {
					b[off] = tag
				}
				for off := 0; off < len(b); off += page {
					if b[off] != tag {
						return fmt.Errorf("page %d: %d, want %d", off/page, b[off], tag)
					}
				}
				if err := syscall.Madvise(b, syscall.MADV_DONTNEED); err != nil {
					return err
				}
			}
		}
		return nil
	}
	runtime.LockOSThread()
	t0 := time.Now()
	err := work(maps)
	one := time.Since(t0)
	runtime.UnlockOSThread()
	if err != nil {
		return err
	}
	before, err := kcall.ReadStats()
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	begin := make(chan struct{})
	errs := make([]error, n)
	for i, b := range maps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			<-begin
			errs[i] = work([][]byte{b})
		}()
	}
	t0 = time.Now()
	close(begin)
	wg.Wait()
	all := time.Since(t0)
	after, err := kcall.ReadStats()
	if err != nil {
		return err
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	pages := uint64(n * rounds * size / page)
	fast := after.FastFaults - before.FastFaults
	fmt.Printf("pagefaults: %d page faults on %d CPUs: %v on one, %v on all at once: speedup %.2fx; %d served without the big kernel lock\n",
		pages, n, one.Round(time.Millisecond), all.Round(time.Millisecond), float64(one)/float64(all), fast)
	if fast < pages {
		return fmt.Errorf("%d of %d first-touch faults were served without the big kernel lock", fast, pages)
	}
	return nil
}

// testAPFault is booted with test=apfault, which makes the first AP
// execute UD2 in its bring-up (kernel/smp). The boot reports it (the host
// test checks the line) and starts the rest; here every CPU but that one
// must run.
func testAPFault() error {
	st, err := kcall.ReadStats()
	if err != nil {
		return err
	}
	if st.CPUsListed < 3 {
		return fmt.Errorf("the firmware lists %d CPUs; the test needs 3 or more (-smp 3)", st.CPUsListed)
	}
	if st.CPUs != st.CPUsListed-1 {
		return fmt.Errorf("%d CPUs online of %d listed, want all but the faulted one", st.CPUs, st.CPUsListed)
	}
	seen := spinOn(int(st.CPUs), 200*time.Millisecond)
	count := 0
	for c := range seen[0] {
		for g := range seen {
			if seen[g][c] {
				count++
				break
			}
		}
	}
	fmt.Printf("apfault: %d of %d listed CPUs run; %d seen running goroutines\n", st.CPUs, st.CPUsListed, count)
	if count != int(st.CPUs) {
		return fmt.Errorf("goroutines ran on %d of the %d online CPUs", count, st.CPUs)
	}
	return nil
}
