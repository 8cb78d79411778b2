package sys

import (
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/clock"
	"gokernel/kernel/console"
	"gokernel/kernel/fs"
	"gokernel/kernel/linux"
	"gokernel/kernel/mem"
	"gokernel/kernel/sched"
	"gokernel/kernel/sys/args"
)

// Files: the console, eventfds and epoll; read, write and close pass
// files of the file system to sys_fileio.go, pipes to sys_pipe.go.

// maxConsoleWrite bounds one write to the console (see sysWrite): the
// serial port takes an OUT per byte, about 4.7 us each under QEMU's TCG
// (64 KiB took 306 ms with interrupts off), so a page costs about 19 ms.
// A longer write is a short write, which Go's os.File.Write completes
// with more calls; the runtime's own prints (runtime/print.go, gwrite)
// ignore the count, so a single runtime print longer than this (a panic
// value of over 4 KiB) is cut.
const maxConsoleWrite = 4 << 10

//go:nosplit
func sysWrite(f *arch.Frame) uint64 {
	fd, buf, n := arg1(f), arg2(f), arg3(f)
	file := lookup(fd)
	if file == nil {
		return linux.EBADF.Ret()
	}
	switch file.kind {
	case fdFile:
		return fileWrite(file, buf, n, 0, false)
	case fdPipe:
		return pipeWrite(file, buf, n)
	case fdConsole:
		// Linux's vfs_write first checks that the whole buffer lies in
		// user space (access_ok), then writes. One call writes at most
		// maxConsoleWrite bytes, a short write as a terminal may make, so
		// that a huge one cannot keep interrupts off for long: callers
		// loop (Go's os.File.Write does).
		if !mem.UserRange(buf, n) {
			return linux.EFAULT.Ret()
		}
		n = min(n, maxConsoleWrite)
		b, ok := mem.UserBytes(buf, n, false)
		if !ok {
			return linux.EFAULT.Ret()
		}
		console.Write(b)
		return n
	case fdEventfd:
		if n < 8 {
			return linux.EINVAL.Ret()
		}
		b, ok := mem.UserBytes(buf, 8, false)
		if !ok || len(b) < 8 {
			return linux.EFAULT.Ret()
		}
		v := *(*uint64)(unsafe.Pointer(&b[0]))
		if v == ^uint64(0) || file.counter+v < file.counter {
			return linux.EINVAL.Ret()
		}
		file.counter += v
		notify(int32(fd), linux.SYS_EPOLL_PWAIT)
		return 8
	}
	return linux.EINVAL.Ret()
}

//go:nosplit
func sysRead(f *arch.Frame) uint64 {
	fd, buf, n := arg1(f), arg2(f), arg3(f)
	file := lookup(fd)
	if file == nil {
		return linux.EBADF.Ret()
	}
	switch file.kind {
	case fdFile:
		return fileRead(file, buf, n, 0, false)
	case fdPipe:
		return pipeRead(file, buf, n)
	case fdConsole:
		return 0
	case fdEventfd:
		if n < 8 {
			return linux.EINVAL.Ret()
		}
		if file.counter == 0 {
			return linux.EAGAIN.Ret()
		}
		if !mem.PutUser64(buf, file.counter) {
			return linux.EFAULT.Ret()
		}
		file.counter = 0
		return 8
	}
	return linux.EINVAL.Ret()
}

//go:nosplit
func sysClose(f *arch.Frame) uint64 {
	fd := arg1(f)
	file := lookup(fd)
	if file == nil {
		return linux.EBADF.Ret()
	}
	switch file.kind {
	case fdFile:
		fs.Drop(file.node)
	case fdPipe:
		pipeClose(file)
	}
	if file.kind != fdConsole {
		*file = file0
		// Drop the descriptor from every epoll interest list, as Linux
		// does when the last reference closes.
		for i := range files {
			e := &files[i]
			for j := 0; j < e.nwatch && j < maxInterest; j++ {
				if e.watch[j].fd == int32(fd) {
					e.nwatch--
					if k := e.nwatch; k >= 0 && k < maxInterest {
						e.watch[j] = e.watch[k]
					}
					break
				}
			}
		}
	}
	return 0
}

var file0 file

//go:nosplit
func sysFcntl(f *arch.Frame) uint64 {
	fd, cmd, arg := arg1(f), arg2(f), arg3(f)
	file := lookup(fd)
	if file == nil {
		return linux.EBADF.Ret()
	}
	switch cmd {
	case linux.F_GETFD:
		if file.cloexec {
			return 1
		}
		return 0
	case linux.F_SETFD:
		file.cloexec = arg&1 != 0
		return 0
	case linux.F_GETFL:
		fl := uint64(linux.O_RDWR)
		if file.kind == fdFile || file.kind == fdPipe {
			fl = uint64(file.accmode)
		}
		if file.nonblock {
			fl |= linux.O_NONBLOCK
		}
		if file.app {
			fl |= linux.O_APPEND
		}
		return fl
	case linux.F_SETFL:
		file.nonblock = arg&linux.O_NONBLOCK != 0
		file.app = file.kind == fdFile && arg&linux.O_APPEND != 0
		return 0
	}
	return linux.EINVAL.Ret()
}

//go:nosplit
func sysEventfd2(f *arch.Frame) uint64 {
	initval, flags := arg1(f), arg2(f)
	fd, file := newFD(fdEventfd)
	if file == nil {
		return linux.EMFILE.Ret()
	}
	file.counter = uint64(uint32(initval))
	file.nonblock = flags&linux.EFD_NONBLOCK != 0
	file.cloexec = flags&linux.EFD_CLOEXEC != 0
	return uint64(fd)
}

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
	if target.kind == fdFile || target.kind == fdPipe {
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
// timeout (in ms; negative: none) passes. A wake-up restarts the call. The
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
		if w.events&linux.EPOLLIN == 0 || !readable(w.fd) {
			continue
		}
		b, ok := mem.UserBytes(events+n*linux.EpollEventSize, linux.EpollEventSize, true)
		if !ok || len(b) < linux.EpollEventSize {
			return linux.EFAULT.Ret()
		}
		*(*uint32)(unsafe.Pointer(&b[0])) = linux.EPOLLIN
		*(*uint64)(unsafe.Pointer(&b[4])) = w.data
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
