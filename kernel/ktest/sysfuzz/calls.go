package sysfuzz

import "gokernel/kernel/linux"

// Plan is one call to make.
type Plan struct {
	Nr     uintptr
	A      [6]uintptr
	Block  bool   // may wait a little (a sleep, a futex, an epoll): syscall.Syscall6
	Arena  bool   // changes the arena: made under the arena lock
	Refill Region // after the call, map this range PROT_NONE again: an munmap's hole
	Clone  bool   // made through CloneExit (clone and exit)
	Forget int    // index+1 of the worker's mapping the call removes, 0 for none
	// MustFail: Linux fails the call with these arguments (an unaligned
	// address, a wrapping length, nothing mapped there); its success is
	// a bug.
	MustFail bool
}

// Call is how the fuzzer makes one system call of the personality.
type Call struct {
	Nr   uintptr
	Name string
	Gen  func(g *Gen) Plan
}

// Skipped are the table's calls the fuzzer never makes, with why: each
// would end the program by design, on Linux as here.
var Skipped = []struct{ Name, Why string }{
	{"exit_group", "ends the program"},
	{"rt_sigreturn", "with no signal frame to return to, a garbage context: SIGSEGV, the end of the program"},
	{"#4096 (the private call)", "halts, resets or faults the kernel on purpose"},
}

// Constrained are the calls whose arguments are limited, with the rule;
// everything else takes any argument.
var Constrained = []struct{ Name, Rule string }{
	{"exit, clone", "in a child thread of their own (CloneExit), which exits at once"},
	{"munmap, mprotect, madvise, mmap(MAP_FIXED)", "in the fuzzer's arena or one of its mappings, or where they must fail (unaligned, below the image, kernel or non-canonical, wrapping)"},
	{"read, getrandom and every call that writes memory", "through pointers into the fuzzer's reservation, the text, or bad ones"},
	{"write to 0-2", "one '.', or a bad pointer"},
	{"close, fcntl, epoll_*, read, pread64", "the fuzzer's descriptors, 0-2 or bad ones, never the runtime's netpoller"},
	{"rt_sigaction, rt_sigprocmask, sigaltstack", "no new action, mask or stack the kernel can read"},
	{"arch_prctl(ARCH_SET_FS)", "non-canonical bases only"},
	{"kill, tkill, tgkill", "signal 0, SIGURG or an invalid one"},
	{"nanosleep, clock_nanosleep, futex(WAIT), epoll_wait", "at most 2 ms (absolute times: at most 1 s after boot)"},
}

const (
	cloneThread = linux.CLONE_VM | linux.CLONE_FS | linux.CLONE_FILES | linux.CLONE_SIGHAND |
		linux.CLONE_SYSVSEM | linux.CLONE_THREAD | linux.CLONE_SETTLS
	mapFixedBits = linux.MAP_FIXED | linux.MAP_FIXED_NOREPLACE
)

func plan(nr uintptr, a ...uintptr) Plan {
	p := Plan{Nr: nr}
	copy(p.A[:], a)
	return p
}

// Calls returns how to make each call of the personality the fuzzer
// knows, by number.
func Calls() map[uintptr]Call {
	c := map[uintptr]Call{}
	add := func(nr uintptr, name string, gen func(g *Gen) Plan) { c[nr] = Call{nr, name, gen} }
	simple := func(nr uintptr, name string, args ...func(g *Gen) uintptr) {
		add(nr, name, func(g *Gen) Plan {
			p := Plan{Nr: nr}
			for i, f := range args {
				p.A[i] = f(g)
			}
			return p
		})
	}
	any := (*Gen).Any
	out := (*Gen).Out
	in := (*Gen).In
	ln := (*Gen).Len
	fd := func(g *Gen) uintptr { return g.Fd(true) }

	simple(linux.SYS_READ, "read", fd, out, ln)
	add(linux.SYS_WRITE, "write", genWrite)
	simple(linux.SYS_OPEN, "open", in, any, any)
	add(linux.SYS_CLOSE, "close", func(g *Gen) Plan { return plan(linux.SYS_CLOSE, g.Fd(false)) })
	add(linux.SYS_MMAP, "mmap", genMmap)
	add(linux.SYS_MPROTECT, "mprotect", func(g *Gen) Plan {
		p := g.region(linux.SYS_MPROTECT, false)
		p.A[2] = g.pick([]uintptr{0, 1, 2, 3, 4, 5, 7, 8, 0x10, ^uintptr(0)})
		return p
	})
	add(linux.SYS_MUNMAP, "munmap", func(g *Gen) Plan { return g.region(linux.SYS_MUNMAP, true) })
	add(linux.SYS_MADVISE, "madvise", func(g *Gen) Plan {
		p := g.region(linux.SYS_MADVISE, false)
		p.A[2] = g.pick([]uintptr{0, 1, 2, 3, 4, 4, 8, 8, 9, 10, 14, 99, ^uintptr(0)})
		if p.A[2] == 99 || p.A[2] == ^uintptr(0) {
			p.MustFail = true // no such advice: EINVAL (mm/madvise.c, madvise_behavior_valid)
		}
		return p
	})
	add(linux.SYS_RT_SIGACTION, "rt_sigaction", func(g *Gen) Plan {
		size := g.pick([]uintptr{8, 8, 0, 4, 16, ^uintptr(0)})
		act := uintptr(0)
		if g.chance(50) {
			act = g.Unreadable()
			if size != 8 {
				act = g.In() // EINVAL comes first
			}
		}
		return plan(linux.SYS_RT_SIGACTION, g.pick([]uintptr{0, 1, 9, 11, 19, 23, 64, 65, 1000}), act, g.Out(), size)
	})
	add(linux.SYS_RT_SIGPROCMASK, "rt_sigprocmask", func(g *Gen) Plan {
		set := g.pick([]uintptr{0, g.Unreadable(), g.in(g.S.RO)}) // the read-only pages hold zeros
		return plan(linux.SYS_RT_SIGPROCMASK, g.pick([]uintptr{0, 1, 2, 3, ^uintptr(0)}), set, g.Out(), g.pick([]uintptr{8, 8, 0, 16}))
	})
	simple(linux.SYS_PREAD64, "pread64", fd, out, ln, any)
	add(linux.SYS_SCHED_YIELD, "sched_yield", func(g *Gen) Plan { p := plan(linux.SYS_SCHED_YIELD); p.Block = true; return p })
	add(linux.SYS_NANOSLEEP, "nanosleep", func(g *Gen) Plan {
		p := plan(linux.SYS_NANOSLEEP, g.Timespec(false), g.Out())
		p.Block = true
		return p
	})
	simple(linux.SYS_GETPID, "getpid")
	add(linux.SYS_CLONE, "clone", func(g *Gen) Plan {
		flags := uintptr(cloneThread)
		if g.chance(30) {
			flags = g.Any()
		} else if g.chance(30) {
			flags &^= linux.CLONE_SETTLS
		}
		p := plan(linux.SYS_CLONE, flags, g.Any(), g.Any(), 0)
		p.Clone = true
		return p
	})
	add(linux.SYS_EXIT, "exit", func(g *Gen) Plan {
		p := plan(linux.SYS_CLONE, cloneThread&^linux.CLONE_SETTLS, 0, 0, g.Any())
		p.Clone = true
		return p
	})
	simple(linux.SYS_KILL, "kill", func(g *Gen) uintptr { return g.pick([]uintptr{0, 1, ^uintptr(0), 2, 12345}) }, (*Gen).Signal)
	simple(linux.SYS_UNAME, "uname", out)
	simple(linux.SYS_FCNTL, "fcntl", fd, func(g *Gen) uintptr { return uintptr(g.R.IntN(6)) }, any)
	simple(linux.SYS_GETPPID, "getppid")
	add(linux.SYS_SIGALTSTACK, "sigaltstack", func(g *Gen) Plan {
		ss := uintptr(0)
		if g.chance(50) {
			ss = g.Unreadable()
		}
		return plan(linux.SYS_SIGALTSTACK, ss, g.Out())
	})
	simple(linux.SYS_PRCTL, "prctl", any, any, any, any, any)
	add(linux.SYS_ARCH_PRCTL, "arch_prctl", func(g *Gen) Plan {
		switch g.R.IntN(4) {
		case 0: // a base no thread may have: EPERM
			return plan(linux.SYS_ARCH_PRCTL, linux.ARCH_SET_FS, g.pick([]uintptr{userMax, nonCanonical, kernelHalf, ^uintptr(0)}))
		case 1:
			return plan(linux.SYS_ARCH_PRCTL, linux.ARCH_GET_FS, g.Out())
		}
		code := g.pick([]uintptr{linux.ARCH_SET_GS, linux.ARCH_GET_GS, 0, 0x1005, 0x3001, ^uintptr(0)})
		return plan(linux.SYS_ARCH_PRCTL, code, g.Any())
	})
	simple(linux.SYS_GETTID, "gettid")
	simple(linux.SYS_TKILL, "tkill", (*Gen).TID, (*Gen).Signal)
	add(linux.SYS_FUTEX, "futex", genFutex)
	simple(linux.SYS_SCHED_GETAFFINITY, "sched_getaffinity", any, ln, out)
	simple(linux.SYS_GETCPU, "getcpu", out, out, any)
	simple(linux.SYS_EPOLL_CREATE, "epoll_create", any)
	clk := func(g *Gen) uintptr { return g.pick([]uintptr{0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 1000, ^uintptr(0)}) }
	simple(linux.SYS_CLOCK_GETTIME, "clock_gettime", clk, out)
	simple(linux.SYS_CLOCK_GETRES, "clock_getres", clk, out)
	add(linux.SYS_CLOCK_NANOSLEEP, "clock_nanosleep", func(g *Gen) Plan {
		flags := g.pick([]uintptr{0, 1, 2, 3})
		p := plan(linux.SYS_CLOCK_NANOSLEEP, g.pick([]uintptr{0, 1, 7, 2, 1000}), flags, g.Timespec(flags&1 != 0), g.Out())
		p.Block = true
		return p
	})
	add(linux.SYS_EPOLL_WAIT, "epoll_wait", func(g *Gen) Plan { return genEpollWait(g, linux.SYS_EPOLL_WAIT) })
	add(linux.SYS_EPOLL_PWAIT, "epoll_pwait", func(g *Gen) Plan { return genEpollWait(g, linux.SYS_EPOLL_PWAIT) })
	simple(linux.SYS_EPOLL_CTL, "epoll_ctl", func(g *Gen) uintptr { return g.Fd(false) },
		func(g *Gen) uintptr { return uintptr(g.R.IntN(5)) },
		func(g *Gen) uintptr { return g.Fd(true) }, in)
	simple(linux.SYS_TGKILL, "tgkill", func(g *Gen) uintptr { return g.pick([]uintptr{1, 1, 0, 2, ^uintptr(0)}) }, (*Gen).TID, (*Gen).Signal)
	simple(linux.SYS_OPENAT, "openat", any, in, any, any)
	simple(linux.SYS_EVENTFD2, "eventfd2", any, any)
	simple(linux.SYS_EPOLL_CREATE1, "epoll_create1", any)
	simple(linux.SYS_PRLIMIT64, "prlimit64", func(g *Gen) uintptr { return g.pick([]uintptr{0, 0, 1, 2, 12345, ^uintptr(0)}) },
		func(g *Gen) uintptr { return uintptr(g.R.IntN(20)) }, in, out)
	simple(linux.SYS_GETRANDOM, "getrandom", out, ln, func(g *Gen) uintptr { return g.pick([]uintptr{0, 1, 2, 3, 4, 6, 8, ^uintptr(0)}) })
	fileCalls(add, simple)
	return c
}

// genWrite writes to the fuzzer's descriptors anything, and to the
// console only one '.' or nothing (a bad pointer, or length 0).
func genWrite(g *Gen) Plan {
	f := g.Fd(true)
	if f <= 2 {
		switch g.R.IntN(3) {
		case 0:
			return plan(linux.SYS_WRITE, f, g.Dot, 1)
		case 1:
			return plan(linux.SYS_WRITE, f, g.Unreadable(), g.Len())
		}
		return plan(linux.SYS_WRITE, f, g.In(), 0)
	}
	return plan(linux.SYS_WRITE, f, g.In(), g.Len())
}

// genMmap maps anonymous memory anywhere the kernel likes (a hint is only
// a hint), or at a fixed address in the arena, or where MAP_FIXED must
// fail.
func genMmap(g *Gen) Plan {
	prot := uintptr(g.R.IntN(8))
	if g.chance(5) {
		prot = g.Any()
	}
	flags := uintptr(linux.MAP_PRIVATE | linux.MAP_ANONYMOUS)
	if g.chance(20) {
		flags |= g.pick([]uintptr{linux.MAP_NORESERVE, linux.MAP_SHARED, 0x100, 0x8000, 0x40000, 0x20000})
	}
	if g.chance(5) {
		flags = g.Any() // with MAP_FIXED bits cleared below
	}
	fd := ^uintptr(0)
	if g.chance(10) {
		fd = g.Fd(true)
	}
	if !g.chance(30) {
		flags &^= mapFixedBits
		return plan(linux.SYS_MMAP, g.Any(), g.Len(), prot, flags, fd, g.Any())
	}
	p := g.region(linux.SYS_MMAP, false)
	flags = flags&^mapFixedBits | g.pick([]uintptr{linux.MAP_FIXED, linux.MAP_FIXED_NOREPLACE})
	p.A[2], p.A[3], p.A[4], p.A[5] = prot, flags, fd, 0
	if p.A[0] < userMin { // Linux maps low addresses (above mmap_min_addr)
		p.MustFail = false
	}
	return p
}

// region picks the range of a call that changes memory: in the arena
// (serialised; an munmap's hole is under 64 KiB and refilled), in one of
// the worker's own mappings, or where the call must fail.
func (g *Gen) region(nr uintptr, unmap bool) Plan {
	a := g.S.Arena
	switch g.R.IntN(8) {
	case 0, 1, 2, 3: // the arena
		addr := a.Start + uintptr(g.R.IntN(arenaPages))*page
		max := a.End - addr
		if unmap && max > maxHole {
			max = maxHole
		}
		n := uintptr(g.R.IntN(int(max/page)))*page + page
		if !unmap && g.chance(20) {
			n -= uintptr(g.R.IntN(page)) // an unaligned length, rounded up by the kernel
		}
		p := plan(nr, addr, n)
		p.Arena = true
		if unmap {
			p.Refill = Region{addr, addr + n}
		}
		return p
	case 4: // a mapping of the worker's
		if len(g.Maps) == 0 {
			break
		}
		i := g.R.IntN(len(g.Maps))
		m := g.Maps[i]
		if unmap {
			p := plan(nr, m.Start, m.Len())
			p.Forget = i + 1
			return p
		}
		off := uintptr(g.R.IntN(int(m.Len()/page))) * page
		return plan(nr, m.Start+off, uintptr(g.R.IntN(int((m.Len()-off)/page))+1)*page)
	case 5: // unaligned: EINVAL
		p := plan(nr, a.Start+uintptr(g.R.IntN(page-1))+1, g.Len())
		p.MustFail = true
		return p
	case 6: // a length that wraps around: EINVAL or ENOMEM
		p := plan(nr, a.Start, ^uintptr(0)-uintptr(g.R.IntN(2*page)))
		p.MustFail = true
		return p
	}
	// Nothing of the program's there: below the image, the kernel half,
	// non-canonical addresses.
	addr := g.pick([]uintptr{0, page, 0x10000, 0xf0000, userMax, nonCanonical, kernelHalf, kernelStacks, ^uintptr(0) &^ (page - 1)})
	n := g.Len()
	if addr < imageStart && n > imageStart-addr {
		n = imageStart - addr
	}
	p := plan(nr, addr, n)
	// Nothing is mapped there: mprotect and madvise fail with ENOMEM, as
	// do munmap and MAP_FIXED above the user space (EINVAL), unless the
	// length is 0 (mprotect, madvise: nothing to do).
	p.MustFail = n != 0 && (addr >= userMax || nr == linux.SYS_MPROTECT || nr == linux.SYS_MADVISE)
	return p
}

// genFutex waits (briefly, or on a value that differs), wakes, or asks
// for an operation the kernel lacks.
func genFutex(g *Gen) Plan {
	op := g.pick([]uintptr{0, 1, 0x80, 0x81, 0x100, 0x180, 9, 10, 77, ^uintptr(0)})
	val := g.pick([]uintptr{0, 1, 2, ^uintptr(0), 0x7fffffff, uintptr(g.R.Uint32())})
	var timeout uintptr
	if op&^0x180 == 0 { // FUTEX_WAIT: never without a timeout
		timeout = g.Timespec(false)
	} else {
		timeout = g.Any()
	}
	p := plan(linux.SYS_FUTEX, g.In(), op, val, timeout, g.Any(), g.Any())
	p.Block = true
	return p
}

// genEpollWait waits at most 5 ms on an epoll instance of the worker's; a
// timeout of -1 only with a descriptor that is not one.
func genEpollWait(g *Gen, nr uintptr) Plan {
	epfd := g.Fd(false)
	timeout := g.pick([]uintptr{0, 0, 1, 5})
	if !g.OwnFd(epfd) && g.chance(30) {
		timeout = ^uintptr(0)
	}
	p := plan(nr, epfd, g.Out(), g.pick([]uintptr{0, 1, 2, 8, 64, 0x7fffffff / 12, 0x7fffffff/12 + 1, ^uintptr(0)}), timeout, g.Any(), g.pick([]uintptr{0, 8}))
	p.Block = true
	return p
}
