package args

import (
	"testing"

	"gokernel/kernel/linux"
)

// Reference copies of Linux's argument checks, written from its C code
// (6.1) as directly as Go allows, so that FuzzArgs can compare the
// kernel's checks (args.go) with them on any input.

const taskSize = 0x7ffffffff000 // TASK_SIZE_MAX on x86-64 with 4-level paging

func pageAlign(x uint64) uint64 { return (x + 4095) &^ 4095 }

// mm/mmap.c, do_vmi_munmap.
func linuxMunmap(start, len uint64) linux.Errno {
	if start&4095 != 0 || start > taskSize || len > taskSize-start {
		return linux.EINVAL
	}
	end := start + pageAlign(len)
	if end == start {
		return linux.EINVAL
	}
	return 0
}

// mm/mprotect.c, do_mprotect_pkey (prot without PROT_GROWSDOWN/UP).
func linuxMprotect(start, len uint64, prot uint32) (done bool, e linux.Errno) {
	if start&4095 != 0 {
		return false, linux.EINVAL
	}
	if len == 0 {
		return true, 0
	}
	len = pageAlign(len)
	end := start + len
	if end <= start {
		return false, linux.ENOMEM
	}
	if prot&^7 != 0 { // arch_validate_prot
		return false, linux.EINVAL
	}
	return false, 0
}

// mm/madvise.c, madvise_behavior_valid and do_madvise; HWPOISON and
// SOFT_OFFLINE need CAP_SYS_ADMIN (madvise_inject_error).
func linuxMadvise(start, lenIn, behavior uint64) (done bool, e linux.Errno) {
	valid := false
	switch behavior {
	case 11, 10, 0, 2, 1, 9, 3, 4, 24, 8, 20, 21, 22, 23, 12, 13, 14, 15, 25, 16, 17, 18, 19, 100, 101:
		valid = true
	}
	if !valid {
		return false, linux.EINVAL
	}
	if behavior == 100 || behavior == 101 {
		return false, linux.EPERM
	}
	if start&4095 != 0 {
		return false, linux.EINVAL
	}
	len := pageAlign(lenIn)
	if lenIn != 0 && len == 0 {
		return false, linux.EINVAL
	}
	end := start + len
	if end < start {
		return false, linux.EINVAL
	}
	if end == start {
		return true, 0
	}
	return false, 0
}

// fs/eventpoll.c, do_epoll_wait (access_ok against TASK_SIZE_MAX).
func linuxEpollWait(events uint64, maxevents int32) linux.Errno {
	if maxevents <= 0 || maxevents > 0x7fffffff/12 {
		return linux.EINVAL
	}
	size := uint64(maxevents) * 12
	if size > taskSize || events > taskSize-size {
		return linux.EFAULT
	}
	return 0
}

// drivers/char/random.c, getrandom.
func linuxGetrandom(flags uint32) linux.Errno {
	if flags&^(1|2|4) != 0 {
		return linux.EINVAL
	}
	if flags&(2|4) == 2|4 {
		return linux.EINVAL
	}
	return 0
}

// kernel/signal.c, do_sigaltstack (SS_AUTODISARM refused here, see
// AltStack).
func linuxSigaltstack(s linux.StackT, onStack bool) (linux.StackT, linux.Errno) {
	if onStack {
		return linux.StackT{}, linux.EPERM
	}
	mode := s.Flags
	if mode != linux.SS_DISABLE && mode != linux.SS_ONSTACK && mode != 0 {
		return linux.StackT{}, linux.EINVAL
	}
	if mode == linux.SS_DISABLE {
		return linux.StackT{}, 0
	}
	if s.Size < 2048 {
		return linux.StackT{}, linux.ENOMEM
	}
	return linux.StackT{SP: s.SP, Size: s.Size}, 0
}

// include/linux/time64.h, timespec64_valid, and timespec64_to_ktime's
// saturation (here at FarFuture).
func linuxTimespec(ts linux.Timespec) (int64, linux.Errno) {
	if ts.Sec < 0 || uint64(ts.Nsec) >= 1_000_000_000 {
		return 0, linux.EINVAL
	}
	if ts.Sec >= FarFuture/1_000_000_000 {
		return FarFuture, 0
	}
	return ts.Sec*1_000_000_000 + ts.Nsec, 0
}

func FuzzArgs(f *testing.F) {
	f.Add(uint64(0x10000), uint64(4096), uint64(4), int32(1), uint32(0), int64(1), int64(0))
	f.Add(uint64(0x7fffb8000000), ^uint64(0)-100, uint64(99), int32(-1), uint32(6), int64(-1), int64(1e9))
	f.Add(uint64(taskSize), uint64(1), uint64(100), int32(0x7fffffff/12+1), uint32(0x80000000), int64(1<<62), int64(-1))
	f.Fuzz(func(t *testing.T, addr, length, advice uint64, maxevents int32, flags uint32, sec, nsec int64) {
		if got, want := func() linux.Errno { _, e := Munmap(addr, length); return e }(), linuxMunmap(addr, length); got != want {
			t.Errorf("munmap(%#x, %#x): errno %d, Linux %d", addr, length, got, want)
		}
		prot := uint32(advice)
		if _, done, e := Mprotect(addr, length, prot); true {
			if wd, we := linuxMprotect(addr, length, prot); done != wd || e != we {
				t.Errorf("mprotect(%#x, %#x, %#x): done %v errno %d, Linux %v %d", addr, length, prot, done, e, wd, we)
			}
		}
		if _, done, e := Madvise(addr, length, advice); true {
			if wd, we := linuxMadvise(addr, length, advice); done != wd || e != we {
				t.Errorf("madvise(%#x, %#x, %d): done %v errno %d, Linux %v %d", addr, length, advice, done, e, wd, we)
			}
		}
		if got, want := EpollWait(addr, maxevents), linuxEpollWait(addr, maxevents); got != want {
			t.Errorf("epoll_wait(events %#x, maxevents %d): errno %d, Linux %d", addr, maxevents, got, want)
		}
		if got, want := GetrandomFlags(flags), linuxGetrandom(flags); got != want {
			t.Errorf("getrandom flags %#x: errno %d, Linux %d", flags, got, want)
		}
		ss := linux.StackT{SP: addr, Flags: int32(flags), Size: length}
		for _, on := range []bool{false, true} {
			got, ge := AltStack(ss, on)
			want, we := linuxSigaltstack(ss, on)
			if ss.Flags == linux.SS_AUTODISARM|linux.SS_ONSTACK || ss.Flags == linux.SS_AUTODISARM || ss.Flags == linux.SS_AUTODISARM|linux.SS_DISABLE {
				continue // Linux takes it; the kernel refuses it on purpose
			}
			if got != want || ge != we {
				t.Errorf("sigaltstack(%+v, on stack %v) = %+v errno %d, Linux %+v %d", ss, on, got, ge, want, we)
			}
		}
		ts := linux.Timespec{Sec: sec, Nsec: nsec}
		if got, ge := Timespec(ts); true {
			if want, we := linuxTimespec(ts); got != want || ge != we {
				t.Errorf("timespec %+v: %d errno %d, Linux %d %d", ts, got, ge, want, we)
			}
		}
		if CloneFlags(advice) && advice&(linux.CLONE_VM|linux.CLONE_THREAD|linux.CLONE_SIGHAND) != linux.CLONE_VM|linux.CLONE_THREAD|linux.CLONE_SIGHAND {
			t.Errorf("clone flags %#x accepted without VM|THREAD|SIGHAND", advice)
		}
	})
}
