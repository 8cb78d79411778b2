package sys

import (
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/clock"
	"gokernel/kernel/console"
	"gokernel/kernel/linux"
	"gokernel/kernel/mem"
	"gokernel/kernel/sched"
	"gokernel/kernel/sys/args"
)

// epoll (fs/eventpoll.c): the instances the runtime's netpoller makes,
// their interest lists, and the wait.

//go:nosplit
func sysEpollCreate1(f *arch.Frame) uint64 {
	fd, file := newFD(fdEpoll)
	if file == nil {
		return linux.EMFILE.Ret()
	}
	file.cloexec = arg1(f)&linux.O_CLOEXEC != 0
	return uint64(fd)
}

//go:nosplit
func sysEpollCreate(f *arch.Frame) uint64 {
	if int64(arg1(f)) <= 0 {
		return linux.EINVAL.Ret()
	}
	fd, file := newFD(fdEpoll)
	if file == nil {
		return linux.EMFILE.Ret()
	}
	return uint64(fd)
}

//go:nosplit
func sysEpollCtl(f *arch.Frame) uint64 {
	epfd, op, fd, ev := arg1(f), arg2(f), arg3(f), arg4(f)
	ep := lookup(epfd)
	target := lookup(fd)
	if ep == nil || target == nil {
		return linux.EBADF.Ret()
	}
	if ep.kind != fdEpoll || epfd == fd {
		return linux.EINVAL.Ret()
	}
	if target.kind != fdEventfd && target.kind != fdSocket {
		// Files cannot be polled (Linux: EPERM for regular files and
		// directories); pipes block in the call instead (sys_pipe.go).
		return linux.EPERM.Ret()
	}
	idx := -1
	for j := 0; j < ep.nwatch && j < maxInterest; j++ {
		if ep.watch[j].fd == int32(fd) {
			idx = j
		}
	}
	var in interest
	if op != linux.EPOLL_CTL_DEL {
		b, ok := mem.UserBytes(ev, linux.EpollEventSize, false)
		if !ok || len(b) < linux.EpollEventSize {
			return linux.EFAULT.Ret()
		}
		in = interest{fd: int32(fd), events: *(*uint32)(unsafe.Pointer(&b[0])), data: *(*uint64)(unsafe.Pointer(&b[4]))}
		// Linux polls the descriptor when it is added or changed
		// (ep_insert, ep_modify): an edge-triggered interest reports
		// what is ready already.
		in.pending = ready(int32(fd)) & (in.events | linux.EPOLLERR | linux.EPOLLHUP)
	}
	switch op {
	case linux.EPOLL_CTL_ADD:
		if idx >= 0 {
			return linux.EEXIST.Ret()
		}
		if ep.nwatch >= maxInterest || ep.nwatch < 0 {
			return linux.ENOMEM.Ret()
		}
		ep.watch[ep.nwatch] = in
		ep.nwatch++
	case linux.EPOLL_CTL_MOD:
		if idx < 0 || idx >= maxInterest {
			return linux.ENOENT.Ret()
		}
		ep.watch[idx] = in
	case linux.EPOLL_CTL_DEL:
		if idx < 0 || idx >= maxInterest {
			return linux.ENOENT.Ret()
		}
		ep.nwatch--
		if k := ep.nwatch; k >= 0 && k < maxInterest {
			ep.watch[idx] = ep.watch[k]
		}
	default:
		if !epollOpReported {
			epollOpReported = true
			console.WriteString("sys: epoll_ctl op ")
			console.Dec(int64(op))
			console.Line(" not supported -> EINVAL")
		}
		return linux.EINVAL.Ret()
	}
	return 0
}

var epollOpReported bool

//go:nosplit
func sysEpollWait(f *arch.Frame) uint64 {
	return epollWait(arg1(f), arg2(f), int32(arg3(f)), int64(int32(arg4(f))), linux.SYS_EPOLL_WAIT)
}

//go:nosplit
func sysEpollPwait(f *arch.Frame) uint64 {
	return epollWait(arg1(f), arg2(f), int32(arg3(f)), int64(int32(arg4(f))), linux.SYS_EPOLL_PWAIT)
}

// epollWait reports ready descriptors, or blocks until one is ready or the
// timeout (in ms; negative: none) passes: a level-triggered interest when
// its descriptor is ready, an edge-triggered one (EPOLLET, as the
// runtime's netpoller registers sockets) when events were posted since
// its last report. A wake-up restarts the call. The
// checks come in the order of Linux's do_epoll_wait: the array
// (args.EpollWait), then the descriptor.
//
//go:nosplit
func epollWait(epfd, events uint64, maxevents int32, timeoutMs int64, nr uint64) uint64 {
	if e := args.EpollWait(events, maxevents); e != 0 {
		return e.Ret()
	}
	max := uint64(maxevents)
	ep := lookup(epfd)
	if ep == nil {
		return linux.EBADF.Ret()
	}
	if ep.kind != fdEpoll {
		return linux.EINVAL.Ret()
	}
	n := uint64(0)
	for j := 0; j < ep.nwatch && j < maxInterest && n < max; j++ {
		w := &ep.watch[j]
		ev := ready(w.fd) & (w.events | linux.EPOLLERR | linux.EPOLLHUP)
		if w.events&linux.EPOLLET != 0 {
			ev = w.pending
		}
		if ev == 0 {
			continue
		}
		b, ok := mem.UserBytes(events+n*linux.EpollEventSize, linux.EpollEventSize, true)
		if !ok || len(b) < linux.EpollEventSize {
			return linux.EFAULT.Ret()
		}
		*(*uint32)(unsafe.Pointer(&b[0])) = ev
		*(*uint64)(unsafe.Pointer(&b[4])) = w.data
		w.pending = 0
		n++
	}
	if n > 0 || timeoutMs == 0 {
		return n
	}
	var deadline int64
	if timeoutMs > 0 {
		deadline = clock.Nanotime() + timeoutMs*1_000_000
	}
	sched.Block(sched.WaitPoll, epfd, deadline)
	return 0
}
