package sysfuzz

import (
	"testing"
	"unsafe"

	"gokernel/kernel/linux"
)

// The rules that keep the fuzzer's program intact, checked on the host
// over many generated calls: the kernel must get no chance to damage the
// runtime's memory, handlers, TLS, descriptors or threads, and no call
// may sleep long.

func TestLayout(t *testing.T) {
	const base = 0x7000_0000_0000
	s := Layout(base)
	rs := []Region{s.Scratch, s.RO, s.None, s.Arena}
	prev := uintptr(base)
	for i, r := range rs {
		if r.Start < prev+page || r.Start%page != 0 || r.End <= r.Start {
			t.Errorf("region %d %#x-%#x has no guard page after %#x", i, r.Start, r.End, prev)
		}
		prev = r.End
	}
	if s.Base+s.Size < prev+page || s.Size != SpaceSize {
		t.Errorf("size %#x leaves no guard after the arena (ends %#x)", s.Size, prev)
	}
}

func testGen(seed uint64) (*Gen, *Space) {
	s := Layout(0x7000_0000_0000)
	g := NewGen(seed, 0, &s, 0x200000, 0x300000, [2]int{3, 5})
	g.Fds = []int{7, 9}
	g.Maps = []Region{{0x6000_0000_0000, 0x6000_0010_0000}}
	g.TIDs = []uintptr{1, 4}
	return g, &s
}

// safeOut reports whether the kernel may write through p: the fuzzer's
// reservation, the text, or a pointer that cannot be written.
func safeOut(g *Gen, s *Space, p uintptr) bool {
	if s.Contains(p, 1) || p == g.Text {
		return true
	}
	for _, b := range badPtrs {
		if p == b {
			return true
		}
	}
	return false
}

func unreadable(s *Space, p uintptr) bool {
	if p >= s.None.Start && p < s.None.End {
		return true
	}
	for _, b := range badPtrs {
		if p == b {
			return true
		}
	}
	return false
}

// memoryOK reports whether [a, a+n) is a range a memory-changing call may
// name: in the arena, in a mapping of the worker's, or where the call
// fails or finds nothing of the program's.
func memoryOK(g *Gen, s *Space, a, n uintptr) bool {
	switch {
	case a%page != 0, a+n < a, a >= userMax, n == 0:
		return true
	case a >= s.Arena.Start && n <= s.Arena.End-a:
		return true
	case a+n <= imageStart:
		return true
	}
	for _, m := range g.Maps {
		if a >= m.Start && n <= m.End-a {
			return true
		}
	}
	return false
}

// outArgs are, by call, the arguments the kernel writes through.
var outArgs = map[uintptr][]int{
	linux.SYS_READ: {1}, linux.SYS_RT_SIGACTION: {2}, linux.SYS_RT_SIGPROCMASK: {2},
	linux.SYS_PREAD64: {1}, linux.SYS_NANOSLEEP: {1}, linux.SYS_UNAME: {0}, linux.SYS_SIGALTSTACK: {1},
	linux.SYS_SCHED_GETAFFINITY: {2}, linux.SYS_CLOCK_GETTIME: {1}, linux.SYS_CLOCK_GETRES: {1},
	linux.SYS_CLOCK_NANOSLEEP: {3}, linux.SYS_EPOLL_WAIT: {1}, linux.SYS_EPOLL_PWAIT: {1},
	linux.SYS_PRLIMIT64: {3}, linux.SYS_GETRANDOM: {0}, linux.SYS_GETCPU: {0, 1},
	linux.SYS_STAT: {1}, linux.SYS_LSTAT: {1}, linux.SYS_FSTAT: {1}, linux.SYS_NEWFSTATAT: {2},
	linux.SYS_GETDENTS64: {1}, linux.SYS_READLINK: {1}, linux.SYS_READLINKAT: {2}, linux.SYS_GETCWD: {0},
	linux.SYS_ACCEPT: {1, 2}, linux.SYS_ACCEPT4: {1, 2}, linux.SYS_GETSOCKNAME: {1, 2}, linux.SYS_GETPEERNAME: {1, 2},
	linux.SYS_GETSOCKOPT: {3, 4},
}

// shortSleep reports whether the timespec at p cannot make a long sleep.
func shortSleep(g *Gen, s *Space, p uintptr, abs bool) bool {
	if p == 0 {
		return false // no timeout at all
	}
	if unreadable(s, p) || p == 8 {
		return true
	}
	lo := uintptr(unsafe.Pointer(&g.ts[0]))
	if p < lo || p >= lo+uintptr(len(g.ts)-1)*8 {
		return false
	}
	ts := g.ts[(p-lo)/8:]
	if ts[0] < 0 || ts[1] < 0 || ts[1] >= 1_000_000_000 {
		return true // EINVAL
	}
	if abs {
		return ts[0] <= 1
	}
	return ts[0] == 0 && ts[1] <= 2_000_000
}

func TestRules(t *testing.T) {
	calls := Calls()
	for seed := uint64(0); seed < 20; seed++ {
		g, s := testGen(seed)
		for _, c := range calls {
			for i := 0; i < 300; i++ {
				p := c.Gen(g)
				a := p.A
				bad := func(why string) {
					t.Helper()
					t.Errorf("seed %d: %s%#x: %s", seed, c.Name, a, why)
				}
				for _, j := range outArgs[c.Nr] {
					if a[j] != 0 && !safeOut(g, s, a[j]) {
						bad("writes through a pointer outside the fuzzer's memory")
					}
				}
				switch c.Nr {
				case linux.SYS_MUNMAP, linux.SYS_MPROTECT, linux.SYS_MADVISE:
					if !memoryOK(g, s, a[0], a[1]) {
						bad("changes memory that is not the fuzzer's")
					}
					if c.Nr == linux.SYS_MUNMAP && p.Arena && a[1] > maxHole {
						bad("leaves a hole the runtime could map")
					}
				case linux.SYS_MMAP:
					if a[3]&mapFixedBits != 0 && !memoryOK(g, s, a[0], a[1]) {
						bad("MAP_FIXED over memory that is not the fuzzer's")
					}
				case linux.SYS_CLOSE, linux.SYS_FCNTL, linux.SYS_READ, linux.SYS_WRITE, linux.SYS_PREAD64, linux.SYS_EPOLL_WAIT, linux.SYS_EPOLL_PWAIT:
					if int(a[0]) >= g.RTFds[0] && int(a[0]) < g.RTFds[1] {
						bad("names the runtime's descriptor")
					}
					if c.Nr == linux.SYS_CLOSE && a[0] <= 2 {
						bad("closes standard input or output")
					}
					if c.Nr == linux.SYS_WRITE && a[0] <= 2 && a[2] != 0 && a[1] != g.Dot && !unreadable(s, a[1]) {
						bad("writes anything but a dot to the console")
					}
					if (c.Nr == linux.SYS_EPOLL_WAIT || c.Nr == linux.SYS_EPOLL_PWAIT) && a[3] == ^uintptr(0) && g.OwnFd(a[0]) {
						bad("waits for ever on an epoll instance of the fuzzer's")
					}
				case linux.SYS_RT_SIGACTION:
					if a[1] != 0 && a[3] == 8 && !unreadable(s, a[1]) {
						bad("could install a signal action")
					}
				case linux.SYS_RT_SIGPROCMASK:
					if a[1] != 0 && !unreadable(s, a[1]) && !(a[1] >= s.RO.Start && a[1] < s.RO.End) {
						bad("could block a signal the runtime needs")
					}
				case linux.SYS_SIGALTSTACK:
					if a[0] != 0 && !unreadable(s, a[0]) {
						bad("could replace the runtime's signal stack")
					}
				case linux.SYS_ARCH_PRCTL:
					if a[0] == linux.ARCH_SET_FS && a[1] < userMax {
						bad("could move the thread's TLS")
					}
				case linux.SYS_KILL, linux.SYS_TKILL, linux.SYS_TGKILL:
					sig := a[1]
					if c.Nr == linux.SYS_TGKILL {
						sig = a[2]
					}
					if sig != 0 && sig != 23 && sig <= 64 {
						bad("sends a signal that may end the program")
					}
				case linux.SYS_NANOSLEEP:
					if !shortSleep(g, s, a[0], false) {
						bad("may sleep long")
					}
				case linux.SYS_CLOCK_NANOSLEEP:
					if !shortSleep(g, s, a[2], a[1]&1 != 0) {
						bad("may sleep long")
					}
				case linux.SYS_FUTEX:
					if a[1]&^0x180 == 0 && !shortSleep(g, s, a[3], false) {
						bad("may wait long")
					}
				case linux.SYS_EXIT_GROUP, linux.SYS_RT_SIGRETURN:
					bad("is made")
				}
				if p.Clone && p.Nr != linux.SYS_CLONE {
					bad("clones with another call")
				}
			}
		}
	}
}

// Every call the fuzzer makes has a generator, and none is skipped and
// made at once.
func TestTable(t *testing.T) {
	for nr, c := range Calls() {
		if c.Nr != nr || c.Name == "" || c.Gen == nil {
			t.Errorf("entry %d: %+v", nr, c)
		}
		if isSkipped(c.Name) {
			t.Errorf("%s is skipped and made", c.Name)
		}
	}
}
