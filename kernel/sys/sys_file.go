package sys

import (
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/console"
	"gokernel/kernel/fs"
	"gokernel/kernel/linux"
	"gokernel/kernel/mem"
)

// Files: the console and eventfds (epoll is in sys_epoll.go); read, write
// and close pass files of the file system to sys_fileio.go, pipes to
// sys_pipe.go.

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
	case fdSocket:
		return sockWrite(file, buf, n)
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
		post(int32(fd), linux.EPOLLIN)
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
	case fdSocket:
		return sockRead(file, buf, n)
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
	case fdSocket:
		sockClose(file)
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
		if file.kind == fdFile || file.kind == fdPipe || file.kind == fdSocket {
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
