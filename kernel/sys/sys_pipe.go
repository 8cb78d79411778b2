package sys

import (
	"gokernel/arch"
	"gokernel/kernel/linux"
	"gokernel/kernel/mem"
	"gokernel/kernel/sched"
)

// Pipes (fs/pipe.c): pipe2 makes a read end and a write end that share a
// ring buffer. Go's testing package needs them: it runs an example with
// os.Stdout on a pipe that a goroutine drains. A connected loopback
// socket (sys_socket.go) is two of these rings, one each way.
//
// A pipe is not pollable (epoll_ctl refuses it with EPERM, as Linux
// refuses regular files), so os.newFile keeps it blocking and the
// runtime's thread waits in the call while sysmon hands its P on. A
// blocked call waits as epoll does (sched.WaitPoll) on a key of its end
// and restarts when the other end moves: a read when bytes arrive or the
// last writer closes, a write when room appears or the last reader
// closes. A socket's ring also posts epoll events to the descriptors at
// its ends (rfd, wfd).

// Table sizes are powers of two: an index masked with size-1 needs no
// bounds check, and ring 0 may not call runtime.panicBounds
// (tools/ring0check).
const (
	maxPipes = 32 // rings: a pipe takes one, a connection two
	// pipeSize is a ring's buffer: one frame, taken when the ring is made
	// and given back when its last end closes, so idle rings cost no
	// memory. (Linux's default is 16 pages; one is its minimum, and
	// POSIX's PIPE_BUF.)
	pipeSize = mem.PageSize
	// pipeKey is the first wait key (sched.WakePoll's obj) of the rings,
	// above every epoll descriptor: ring i's readers wait on
	// pipeKey+2i, its writers on pipeKey+2i+1.
	pipeKey = 1 << 16
)

type pipe struct {
	page             uint64 // the buffer's frame (physical); 0 when free
	head, n          uint64 // the oldest byte, and how many
	readers, writers int32  // open ends
	rfd, wfd         int32  // a socket's descriptors at the ends, for epoll events; -1 for none
}

var pipes [maxPipes]pipe

//go:nosplit
func sysPipe(f *arch.Frame) uint64 { return pipe2(arg1(f), 0) }

//go:nosplit
func sysPipe2(f *arch.Frame) uint64 { return pipe2(arg1(f), arg2(f)) }

// buf is the ring's buffer, through the direct map.
//
//go:nosplit
func (p *pipe) buf() *[pipeSize]byte { return (*[pipeSize]byte)(arch.Ptr(mem.Virt(p.page))) }

// newPipe takes a free ring with one reader and one writer and a frame
// for its buffer, or returns -1 (no ring, or free memory at the floor
// that system calls leave to page faults: mem.LowWater).
//
//go:nosplit
func newPipe() int32 {
	if mem.Frames.FreeCount()*mem.PageSize <= mem.LowWater {
		return -1
	}
	for i := range pipes {
		if p := &pipes[i]; p.page == 0 {
			pa, ok := mem.Frames.Alloc()
			if !ok {
				return -1
			}
			p.page, p.head, p.n, p.readers, p.writers, p.rfd, p.wfd = pa, 0, 0, 1, 1, -1, -1
			return int32(i)
		}
	}
	return -1
}

// freePipe gives ring i's frame back once it has no end left.
//
//go:nosplit
func freePipe(i int32) {
	p := &pipes[i&(maxPipes-1)]
	if p.readers <= 0 && p.writers <= 0 && p.page != 0 {
		mem.Frames.Free(p.page)
		p.page, p.readers, p.writers = 0, 0, 0
	}
}

// pipe2 makes a pipe and stores its two descriptors, read end first, at
// fds (fs/pipe.c do_pipe2: flags first, then the descriptors, then the
// copy out, undone if it faults).
//
//go:nosplit
func pipe2(fds, flags uint64) uint64 {
	if flags&^(linux.O_CLOEXEC|linux.O_NONBLOCK) != 0 {
		return linux.EINVAL.Ret()
	}
	rfd, r := newFD(fdPipe)
	if r == nil {
		return linux.EMFILE.Ret()
	}
	wfd, w := newFD(fdPipe)
	if w == nil {
		*r = file{}
		return linux.EMFILE.Ret()
	}
	b, ok := mem.UserBytes(fds, 8, true)
	if !ok || len(b) < 8 {
		*r = file{}
		*w = file{}
		return linux.EFAULT.Ret()
	}
	p := newPipe()
	if p < 0 {
		*r = file{}
		*w = file{}
		return linux.ENFILE.Ret() // Linux: ENFILE when pipe buffers run out
	}
	for _, e := range [2]*file{r, w} {
		e.node = p
		e.nonblock = flags&linux.O_NONBLOCK != 0
		e.cloexec = flags&linux.O_CLOEXEC != 0
	}
	r.rd, r.accmode = true, linux.O_RDONLY
	w.wr, w.accmode = true, linux.O_WRONLY
	putInt32(b[0:4], int32(rfd))
	putInt32(b[4:8], int32(wfd))
	return 0
}

// sysSplice moves nothing: no descriptor here supports splicing, which
// Linux reports as EINVAL (fs/splice.c). Go's io.Copy between sockets and
// pipes tries splice first and copies through memory after EINVAL, while
// any other error (ENOSYS) would end the copy.
//
//go:nosplit
func sysSplice(f *arch.Frame) uint64 {
	if lookup(arg1(f)) == nil || lookup(arg3(f)) == nil {
		return linux.EBADF.Ret()
	}
	return linux.EINVAL.Ret()
}

//go:nosplit
func putInt32(b []byte, v int32) {
	for i := 0; i < 4 && i < len(b); i++ {
		b[i] = byte(v >> (8 * i))
	}
}

//go:nosplit
func pipeRead(file *file, buf, n uint64) uint64 {
	if !file.rd {
		return linux.EBADF.Ret()
	}
	return ringRead(file.node, buf, n, file.nonblock)
}

//go:nosplit
func pipeWrite(file *file, buf, n uint64) uint64 {
	if !file.wr {
		return linux.EBADF.Ret()
	}
	return ringWrite(file.node, buf, n, file.nonblock)
}

// pipeClose drops one end.
//
//go:nosplit
func pipeClose(file *file) {
	if file.rd {
		dropReader(file.node)
	}
	if file.wr {
		dropWriter(file.node)
	}
}

// ringRead copies up to n buffered bytes of ring i to buf; with none it
// returns 0 when no writer is left (end of file), EAGAIN when
// non-blocking, or blocks.
//
//go:nosplit
func ringRead(i int32, buf, n uint64, nonblock bool) uint64 {
	if uint32(i) >= maxPipes {
		return linux.EBADF.Ret()
	}
	p := &pipes[i]
	if n == 0 {
		return 0
	}
	if p.n == 0 {
		switch {
		case p.writers == 0:
			return 0
		case nonblock:
			return linux.EAGAIN.Ret()
		}
		sched.Block(sched.WaitPoll, pipeKey+2*uint64(i), 0)
		return 0 // not seen: the wake-up restarts the call
	}
	done := uint64(0)
	for done < n && p.n > 0 {
		chunk := min(n-done, p.n, pipeSize-p.head)
		b, ok := mem.UserBytes(buf+done, chunk, true)
		if !ok {
			break
		}
		copy(b, p.buf()[p.head&(pipeSize-1):]) // chunk <= pipeSize-head: no wrap
		done += uint64(len(b))
		p.head = (p.head + uint64(len(b))) % pipeSize
		p.n -= uint64(len(b))
	}
	if done == 0 {
		return linux.EFAULT.Ret()
	}
	sched.WakePoll(pipeKey+2*uint64(i)+1, linux.SYS_WRITE)
	post(p.wfd, linux.EPOLLOUT)
	return done
}

// ringWrite copies up to n bytes from buf into the free room of ring i;
// with no room it returns EAGAIN when non-blocking, or blocks. With no
// reader left it is EPIPE (Linux also raises SIGPIPE, which Go ignores for
// descriptors other than 1 and 2).
//
//go:nosplit
func ringWrite(i int32, buf, n uint64, nonblock bool) uint64 {
	if uint32(i) >= maxPipes {
		return linux.EBADF.Ret()
	}
	p := &pipes[i]
	if p.readers == 0 {
		return linux.EPIPE.Ret()
	}
	if n == 0 {
		return 0
	}
	if p.n == pipeSize {
		if nonblock {
			return linux.EAGAIN.Ret()
		}
		sched.Block(sched.WaitPoll, pipeKey+2*uint64(i)+1, 0)
		return 0 // not seen: the wake-up restarts the call
	}
	done := uint64(0)
	for done < n && p.n < pipeSize {
		tail := (p.head + p.n) % pipeSize
		chunk := min(n-done, pipeSize-p.n, pipeSize-tail)
		b, ok := mem.UserBytes(buf+done, chunk, false)
		if !ok {
			break
		}
		copy(p.buf()[tail&(pipeSize-1):], b) // chunk <= pipeSize-tail
		done += uint64(len(b))
		p.n += uint64(len(b))
	}
	if done == 0 {
		return linux.EFAULT.Ret()
	}
	sched.WakePoll(pipeKey+2*uint64(i), linux.SYS_READ)
	post(p.rfd, linux.EPOLLIN)
	return done
}

// dropReader and dropWriter close an end of ring i and wake the other
// end's waiters, who then see EPIPE or end of file.
//
//go:nosplit
func dropReader(i int32) {
	if uint32(i) >= maxPipes || pipes[i].readers <= 0 {
		return
	}
	p := &pipes[i]
	p.readers--
	p.rfd = -1
	sched.WakePoll(pipeKey+2*uint64(i)+1, linux.SYS_WRITE)
	post(p.wfd, linux.EPOLLOUT|linux.EPOLLERR)
	freePipe(i)
}

//go:nosplit
func dropWriter(i int32) {
	if uint32(i) >= maxPipes || pipes[i].writers <= 0 {
		return
	}
	p := &pipes[i]
	p.writers--
	p.wfd = -1
	sched.WakePoll(pipeKey+2*uint64(i), linux.SYS_READ)
	post(p.rfd, linux.EPOLLIN|linux.EPOLLRDHUP)
	freePipe(i)
}
