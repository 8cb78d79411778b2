// Package sysfuzz is a system-call fuzzer for the kernel's Linux
// personality, run inside the kernel's own Go program (test=sysfuzz). Many
// goroutines make random calls from the personality's table
// (kernel/sys.Table) and numbers it does not serve, with arguments drawn
// from edge values (0, -1, page boundaries, the user minimum and maximum,
// kernel and non-canonical addresses, huge lengths, unaligned pointers),
// pointers into the fuzzer's own memory and results of earlier calls
// (descriptors, mappings, thread IDs). A seed printed at the start makes
// each worker's sequence of calls replayable.
//
// A call may fail any way it likes, but the kernel must not hang, stop or
// fault, and the program must go on: every second the fuzzer checks that
// a goroutine still sleeps and wakes and a channel still carries a value,
// that buffers it never passes to the kernel are intact (checksums), and
// that no worker is stuck in one call. It also checks what Linux
// guarantees: unknown numbers fail with ENOSYS, calls with arguments Linux
// rejects (an unaligned address, a wrapping length, no such advice) fail.
//
// The calls that would end the program by design, on Linux as here, are
// skipped or run in a child thread, and the ones that could damage the
// program itself (its handlers, its TLS, its memory, its netpoller's
// descriptors) are constrained: Skipped and Constrained list them, and
// Run prints both.
//
// Ring 3: ordinary Go code.
package sysfuzz

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"gokernel/kernel/linux"
	"gokernel/kernel/sys"
)

// Config says how to run.
type Config struct {
	Seed     uint64
	Duration time.Duration
	Workers  int
	Out      io.Writer
}

// Report is what a run did.
type Report struct {
	Calls, Failed, Unknown, Clones uint64
	Checks                         int
	Bugs                           []string
}

// maxBugs bounds the bugs a run collects before it stops.
const maxBugs = 20

type runner struct {
	cfg      Config
	space    Space
	calls    []Call
	unknown  []uintptr
	arenaMu  sync.Mutex
	rtFds    [2]int
	text     uintptr
	calls64  atomic.Uint64
	failed   atomic.Uint64
	unknownN atomic.Uint64
	clones   atomic.Uint64
	stop     atomic.Bool
	bugMu    sync.Mutex
	bugs     []string
	busy     []busy // per worker: the call in progress
}

// busy is a worker's call in progress, for the stuck-call check.
type busy struct {
	since atomic.Int64 // UnixNano when the call began; 0 between calls
	plan  atomic.Pointer[Plan]
}

var dot = [1]byte{'.'}

// Run fuzzes for cfg.Duration and returns what it found. A non-nil error
// means the fuzzer could not start.
func Run(cfg Config) (Report, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = 8
	}
	r := &runner{cfg: cfg, busy: make([]busy, cfg.Workers)}
	if err := r.setup(); err != nil {
		return Report{}, err
	}
	fmt.Fprintf(cfg.Out, "sysfuzz: seed %d, %v, %d goroutines, %d calls of the table and %d numbers it lacks\n",
		cfg.Seed, cfg.Duration, cfg.Workers, len(r.calls), len(r.unknown))
	integrity, err := newIntegrity()
	if err != nil {
		return Report{}, err
	}
	var wg sync.WaitGroup
	for i := 0; i < cfg.Workers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r.work(i)
		}(i)
	}
	checks := 0
	start := time.Now()
	for time.Since(start) < cfg.Duration && !r.tooManyBugs() {
		rawSleep(time.Second)
		r.check(integrity)
		checks++
		if s := time.Since(start); checks%5 == 0 {
			fmt.Fprintf(cfg.Out, "\nsysfuzz: %v: %d calls\n", s.Round(time.Second), r.calls64.Load())
		}
	}
	r.stop.Store(true)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		r.stuck(10 * time.Second)
		r.bug("workers did not finish within 10 s of the end")
	}
	r.check(integrity)
	checks++
	return Report{Calls: r.calls64.Load(), Failed: r.failed.Load(), Unknown: r.unknownN.Load(),
		Clones: r.clones.Load(), Checks: checks, Bugs: r.bugs}, nil
}

// spaceHint is where setup asks for the fuzzer's memory: 16 TiB, far
// below where the kernel places mappings that name no address.
const spaceHint = 0x1000_0000_0000

// setup reserves the fuzzer's memory, finds the runtime's descriptors and
// sorts the personality's calls into those it makes and those it skips.
func (r *runner) setup() error {
	// Low in the address space, at a hint: mappings without one are
	// placed top-down, so the runtime's own (made on other CPUs while a
	// worker has unmapped part of the arena and not yet refilled it)
	// never land in the arena's holes.
	base, _, e := syscall.RawSyscall6(syscall.SYS_MMAP, spaceHint, SpaceSize, syscall.PROT_NONE,
		syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE, ^uintptr(0), 0)
	if e != 0 {
		return fmt.Errorf("reserving %d bytes: %v", SpaceSize, e)
	}
	r.space = Layout(base)
	for _, m := range []struct {
		r    Region
		prot uintptr
	}{{r.space.Scratch, syscall.PROT_READ | syscall.PROT_WRITE}, {r.space.RO, syscall.PROT_READ}} {
		if _, _, e := syscall.RawSyscall(syscall.SYS_MPROTECT, m.r.Start, m.r.Len(), m.prot); e != 0 {
			return fmt.Errorf("mprotect: %v", e)
		}
	}
	// The lowest free descriptor: those below it, but for 0-2, are the
	// runtime's (its netpoller's epoll instance and eventfd).
	fd, _, e := syscall.RawSyscall(syscall.SYS_EVENTFD2, 0, 0, 0)
	if e != 0 {
		return fmt.Errorf("eventfd2: %v", e)
	}
	syscall.Close(int(fd))
	r.rtFds = [2]int{3, int(fd)}
	f := Run
	r.text = **(**uintptr)(unsafe.Pointer(&f))

	known := Calls()
	var names []string
	for _, row := range sys.Table() {
		if !row.Implemented {
			continue
		}
		if c, ok := known[uintptr(row.Nr)]; ok {
			r.calls = append(r.calls, c)
			continue
		}
		if !isSkipped(row.Name) {
			names = append(names, row.Name)
		}
	}
	sort.Slice(r.calls, func(i, j int) bool { return r.calls[i].Nr < r.calls[j].Nr })
	if len(names) > 0 {
		fmt.Fprintf(r.cfg.Out, "sysfuzz: no generator for %s: not fuzzed\n", strings.Join(names, ", "))
	}
	for nr := 0; nr < 1024; nr++ {
		if !sys.Listed(nr) {
			r.unknown = append(r.unknown, uintptr(nr))
		}
	}
	r.unknown = append(r.unknown, 4097, 100000, 1<<31, 1<<32+1, ^uintptr(0))
	return nil
}

func isSkipped(name string) bool {
	for _, s := range Skipped {
		if s.Name == name {
			return true
		}
	}
	return false
}

// work is one worker: calls until the run stops.
func (r *runner) work(i int) {
	g := NewGen(r.cfg.Seed, i, &r.space, r.text, uintptr(unsafe.Pointer(&dot[0])), r.rtFds)
	for n := 0; !r.stop.Load(); n++ {
		var p Plan
		if g.chance(85) {
			p = r.calls[g.R.IntN(len(r.calls))].Gen(g)
		} else {
			p = Plan{Nr: r.unknown[g.R.IntN(len(r.unknown))]}
			for j := range p.A {
				p.A[j] = g.Any()
			}
		}
		res, e := r.do(i, &p)
		r.after(g, &p, res, e)
		if n%4096 == 4095 {
			r.cleanup(g)
		}
	}
	r.cleanup(g)
}

// do makes the call p on behalf of worker i.
func (r *runner) do(i int, p *Plan) (uintptr, syscall.Errno) {
	if p.Arena {
		r.arenaMu.Lock()
		defer r.arenaMu.Unlock()
	}
	b := &r.busy[i]
	b.plan.Store(p)
	b.since.Store(time.Now().UnixNano())
	var res uintptr
	var e syscall.Errno
	switch {
	case p.Clone:
		res = CloneExit(p.A[0], p.A[1], p.A[2], p.A[3])
		if res > ^uintptr(4095) {
			res, e = ^uintptr(0), syscall.Errno(-res)
		}
	case p.Block:
		res, _, e = syscall.Syscall6(p.Nr, p.A[0], p.A[1], p.A[2], p.A[3], p.A[4], p.A[5])
	default:
		res, _, e = syscall.RawSyscall6(p.Nr, p.A[0], p.A[1], p.A[2], p.A[3], p.A[4], p.A[5])
	}
	b.since.Store(0)
	r.calls64.Add(1)
	if e != 0 {
		r.failed.Add(1)
	}
	if e == 0 && p.Refill.Len() != 0 {
		// Fill the munmap's hole again before the runtime can map there.
		if _, _, e := syscall.RawSyscall6(syscall.SYS_MMAP, p.Refill.Start, p.Refill.Len(), syscall.PROT_NONE,
			syscall.MAP_PRIVATE|syscall.MAP_ANON|linux.MAP_FIXED_NOREPLACE, ^uintptr(0), 0); e != 0 {
			r.bug(fmt.Sprintf("refilling the arena hole [%#x, %#x) after %s: %v", p.Refill.Start, p.Refill.End, r.describe(p), e))
		}
	}
	return res, e
}

// after checks a call's result against what Linux guarantees and keeps
// what later calls may use.
func (r *runner) after(g *Gen, p *Plan, res uintptr, e syscall.Errno) {
	g.Last = res
	if p.Clone {
		// A child's ID is never a signal's target: a raw thread has no
		// stack for the runtime's handler, and the signal would end the
		// program, on Linux as here.
		r.clones.Add(1)
		return
	}
	if !sys.Listed(int(min(p.Nr, 1<<20))) {
		r.unknownN.Add(1)
		if e != syscall.ENOSYS {
			r.bug(fmt.Sprintf("%s = %#x, errno %d: want ENOSYS", r.describe(p), res, int(e)))
		}
		return
	}
	if p.MustFail && e == 0 {
		r.bug(fmt.Sprintf("%s succeeded (= %#x); Linux fails it", r.describe(p), res))
	}
	if e != 0 {
		return
	}
	switch p.Nr {
	case linux.SYS_GETPID:
		if res != 1 {
			r.bug(fmt.Sprintf("getpid() = %d, want 1", res))
		}
	case linux.SYS_GETTID:
		g.TIDs = appendCapped(g.TIDs, res, 16)
	case linux.SYS_EVENTFD2, linux.SYS_EPOLL_CREATE, linux.SYS_EPOLL_CREATE1, linux.SYS_OPEN, linux.SYS_OPENAT:
		// A descriptor of the worker's: kept (six at most) and closed,
		// never leaked, or the table would fill and a later epoll
		// instance land on a number the generator takes for a bad one.
		if int(res) < r.rtFds[1] && int(res) >= r.rtFds[0] {
			r.bug(fmt.Sprintf("%s = %d: the runtime's descriptor", r.describe(p), res))
		}
		g.Fds = append(g.Fds, int(res))
		if len(g.Fds) > 6 {
			syscall.Close(g.Fds[0])
			g.Fds = g.Fds[1:]
		}
	case linux.SYS_CLOSE:
		for j, f := range g.Fds {
			if uintptr(f) == p.A[0] {
				g.Fds = append(g.Fds[:j], g.Fds[j+1:]...)
				break
			}
		}
	case linux.SYS_MMAP:
		if p.A[3]&mapFixedBits == 0 {
			g.Maps = append(g.Maps, Region{res, res + (p.A[1]+page-1)&^(page-1)})
			if len(g.Maps) > 4 {
				syscall.RawSyscall(syscall.SYS_MUNMAP, g.Maps[0].Start, g.Maps[0].Len(), 0)
				g.Maps = g.Maps[1:]
			}
		}
	case linux.SYS_MUNMAP:
		if p.Forget > 0 && p.Forget <= len(g.Maps) {
			g.Maps = append(g.Maps[:p.Forget-1], g.Maps[p.Forget:]...)
		}
	}
}

func appendCapped(s []uintptr, v uintptr, n int) []uintptr {
	if len(s) >= n {
		s = s[1:]
	}
	return append(s, v)
}

// cleanup gives memory back: the worker's mappings; and (worker 0) the
// arena's and the scratch pages' frames.
func (r *runner) cleanup(g *Gen) {
	for _, m := range g.Maps {
		syscall.RawSyscall(syscall.SYS_MUNMAP, m.Start, m.Len(), 0)
	}
	g.Maps = g.Maps[:0]
}

// resetArena maps the whole arena PROT_NONE again, freeing its frames,
// and drops the scratch pages' frames.
func (r *runner) resetArena() {
	r.arenaMu.Lock()
	defer r.arenaMu.Unlock()
	a := r.space.Arena
	if _, _, e := syscall.RawSyscall6(syscall.SYS_MMAP, a.Start, a.Len(), syscall.PROT_NONE,
		syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_FIXED, ^uintptr(0), 0); e != 0 {
		r.bug(fmt.Sprintf("resetting the arena: %v", e))
	}
	syscall.RawSyscall(syscall.SYS_MADVISE, r.space.Scratch.Start, r.space.Scratch.Len(), linux.MADV_DONTNEED)
}

// describe names a call and its arguments, for a bug report.
func (r *runner) describe(p *Plan) string {
	name := linux.SyscallName(uint64(p.Nr))
	if name == "" {
		name = fmt.Sprintf("#%d", p.Nr)
	}
	if p.Clone {
		name = "clone(child exits)"
	}
	return fmt.Sprintf("%s(%#x, %#x, %#x, %#x, %#x, %#x)", name, p.A[0], p.A[1], p.A[2], p.A[3], p.A[4], p.A[5])
}
