package sysfuzz

import (
	"math/rand/v2"
	"unsafe"
)

// Gen draws the arguments of one worker's calls: edge values, pointers
// into the fuzzer's own memory (Space) and results of earlier calls
// (descriptors, mappings, thread IDs), always within the rules that keep
// the Go program itself intact (see the Call table).
type Gen struct {
	R     *rand.Rand
	S     *Space
	Text  uintptr   // an address in the Go program's text: readable, not writable
	Dot   uintptr   // a byte holding '.', the only thing written to the console
	RTFds [2]int    // [lo, hi): the runtime's own descriptors, never named
	Fds   []int     // descriptors this worker made
	Maps  []Region  // mappings this worker made without MAP_FIXED
	TIDs  []uintptr // thread IDs seen
	ts    [8]int64  // timespecs the kernel reads (only this worker writes them)
	Last  uintptr   // the previous call's result
}

// NewGen returns a worker's generator.
func NewGen(seed uint64, worker int, s *Space, text, dot uintptr, rtFds [2]int) *Gen {
	return &Gen{R: rand.New(rand.NewPCG(seed, uint64(worker))), S: s, Text: text, Dot: dot, RTFds: rtFds}
}

// Addresses the kernel treats specially (kernel/mem/layout.go).
const (
	userMin      = 0x0000_0001_0000_0000
	userMax      = 0x0000_7fff_ffff_f000
	kernelHalf   = 0xffff_8000_0000_0000
	kernelStacks = 0xffff_ff80_0000_0000
	nonCanonical = 0x0000_8000_0000_0000
	imageStart   = 0x100000 // the kernel image: below it, nothing is mapped
)

// edges are the values every argument is sometimes drawn from.
var edges = []uintptr{0, 1, 2, 3, 7, 8, 12, 16, 63, 64, 255, 4095, 4096, 4097, 65536, 1 << 20,
	0x7fffffff, 0x80000000, 0xffffffff, 1 << 32, 1 << 40, 1 << 47, 1 << 62, 1 << 63,
	userMax, userMax - 1, userMax + 1, nonCanonical, kernelHalf, kernelStacks,
	^uintptr(0), ^uintptr(0) - 8, 0xdead0000, 0x10000}

// badPtrs are pointers no call may use: unmapped, kernel, non-canonical.
// (Not the user minimum: the kernel may honour a hint there.)
var badPtrs = []uintptr{0, 8, 0xfff, 0x10000, 0xdead0000, userMax, userMax + 0x1000,
	nonCanonical, kernelHalf, kernelHalf + 0x100000, kernelStacks, ^uintptr(0) - 7, 1 << 63}

func (g *Gen) pick(vs []uintptr) uintptr { return vs[g.R.IntN(len(vs))] }

func (g *Gen) chance(percent int) bool { return g.R.IntN(100) < percent }

// Any is any value: an edge, a random word, a small number, an earlier
// result, or a pointer.
func (g *Gen) Any() uintptr {
	switch g.R.IntN(8) {
	case 0, 1:
		return g.pick(edges)
	case 2:
		return uintptr(g.R.Uint64())
	case 3:
		return uintptr(g.R.IntN(256))
	case 4:
		return g.Last
	case 5:
		return g.In()
	case 6:
		return g.Out()
	}
	return uintptr(g.R.Uint64()) >> g.R.IntN(64)
}

// Len is a length: edges, small and page-sized numbers.
func (g *Gen) Len() uintptr {
	switch g.R.IntN(4) {
	case 0:
		return g.pick(edges)
	case 1:
		return uintptr(g.R.IntN(64))
	case 2:
		return uintptr(g.R.IntN(16)+1) * page
	}
	return uintptr(g.R.IntN(1 << 16))
}

// in the region r: a random byte offset, sometimes its last bytes.
func (g *Gen) in(r Region) uintptr {
	switch g.R.IntN(4) {
	case 0:
		return r.Start
	case 1:
		return r.End - 1 - uintptr(g.R.IntN(16))
	}
	return r.Start + uintptr(g.R.IntN(int(r.Len())))
}

// Out is a pointer the kernel may write through: into the fuzzer's own
// reservation (writable, read-only or PROT_NONE pages, aligned or not),
// the Go program's text (not writable), or a bad pointer. Never Go memory.
func (g *Gen) Out() uintptr {
	switch g.R.IntN(8) {
	case 0, 1, 2:
		return g.in(g.S.Scratch)
	case 3:
		return g.in(g.S.RO)
	case 4:
		return g.in(g.S.None)
	case 5:
		return g.in(g.S.Arena)
	case 6:
		return g.Text
	}
	return g.pick(badPtrs)
}

// Unreadable is a pointer the kernel cannot read from.
func (g *Gen) Unreadable() uintptr {
	if g.chance(30) {
		return g.in(g.S.None)
	}
	return g.pick(badPtrs)
}

// In is a pointer the kernel reads from: anything Out gives, the
// worker's own mappings, and its timespecs.
func (g *Gen) In() uintptr {
	switch g.R.IntN(6) {
	case 0:
		if len(g.Maps) > 0 {
			return g.Maps[g.R.IntN(len(g.Maps))].Start
		}
	case 1:
		return uintptr(unsafe.Pointer(&g.ts[g.R.IntN(len(g.ts)-1)]))
	}
	return g.Out()
}

// Fd is a descriptor: one of the worker's, standard input/output, or a
// bad one; never one of the runtime's (its netpoller's epoll and eventfd:
// a read or close of those would stop its timers).
func (g *Gen) Fd(stdio bool) uintptr {
	switch g.R.IntN(4) {
	case 0, 1:
		if len(g.Fds) > 0 {
			return uintptr(g.Fds[g.R.IntN(len(g.Fds))])
		}
	case 2:
		if stdio {
			return uintptr(g.R.IntN(3))
		}
	}
	return g.pick([]uintptr{^uintptr(0), 63, 64, 1000, 1 << 31, 1 << 32})
}

// OwnFd reports whether fd is one of the worker's.
func (g *Gen) OwnFd(fd uintptr) bool {
	for _, f := range g.Fds {
		if uintptr(f) == fd {
			return true
		}
	}
	return false
}

// Signal is a signal a call may send: 0 (existence check), SIGURG (the
// runtime's preemption signal, harmless) or an invalid number. Any other
// signal may end the program by design, as on Linux.
func (g *Gen) Signal() uintptr { return g.pick([]uintptr{0, 23, 23, 65, 1000, ^uintptr(0)}) }

// TID is a thread ID: one seen before, 0, 1, or one that does not exist.
func (g *Gen) TID() uintptr {
	if len(g.TIDs) > 0 && g.chance(60) {
		return g.TIDs[g.R.IntN(len(g.TIDs))]
	}
	return g.pick([]uintptr{0, 1, 2, 3, 100000, ^uintptr(0), 1 << 31})
}

// Timespec returns a pointer to a timespec the kernel reads for a sleep
// or a timeout: short (at most 2 ms), invalid (nanoseconds out of range,
// negative), or unreadable; never one that sleeps long. abs asks for an
// absolute time, which is then in the past or within a second of boot.
func (g *Gen) Timespec(abs bool) uintptr {
	i := g.R.IntN(len(g.ts) - 1)
	var sec, nsec int64
	switch g.R.IntN(6) {
	case 0:
		if p := g.Unreadable(); p != 0 { // NULL is no timeout at all
			return p
		}
		return 8
	case 1:
		sec, nsec = 0, 1_000_000_000
	case 2:
		sec, nsec = -1, 0
	case 3:
		sec, nsec = 0, -1
	default:
		nsec = g.R.Int64N(2_000_000)
		if abs {
			sec, nsec = g.R.Int64N(2), g.R.Int64N(1_000_000_000)
		}
	}
	g.ts[i] = sec
	g.ts[i+1] = nsec
	return uintptr(unsafe.Pointer(&g.ts[i]))
}
