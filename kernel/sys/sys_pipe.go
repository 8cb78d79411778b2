package sys

import (
	"gokernel/arch"
	"gokernel/kernel/linux"
	"gokernel/kernel/mem"
	"gokernel/kernel/sched"
)

// Pipes (fs/pipe.c): pipe2 makes a read end and a write end that share a
// ring buffer. Go's testing package needs them: it runs an example with
// os.Stdout on a pipe that a goroutine drains.
//
// Reads and writes block (a pipe here is never in epoll: epoll_ctl
// refuses it with EPERM, as Linux refuses regular files, and os.newFile
// then keeps the descriptor blocking, so the runtime's thread waits in the
// call and sysmon hands its P on). A blocked call waits as epoll does
// (sched.WaitPoll) on a key of its end and restarts when the other end
// moves: a read when bytes arrive or the last writer closes, a write when
// room appears or the last reader closes.

const (
	maxPipes = 8
	pipeSize = 16 << 10 // Linux's default is 16 pages; a page is enough for POSIX's PIPE_BUF
	// pipeKey is the first wait key (sched.WakePoll's obj) of the pipes,
	// above every epoll descriptor: pipe i's readers wait on
	// pipeKey+2i, its writers on pipeKey+2i+1.
	pipeKey = 1 << 16
)

type pipe struct {
	buf              [pipeSize]byte
	head, n          uint64 // the oldest byte, and how many
	readers, writers int32  // open ends
}

var pipes [maxPipes]pipe

//go:nosplit
func sysPipe(f *arch.Frame) uint64 { return pipe2(arg1(f), 0) }

//go:nosplit
func sysPipe2(f *arch.Frame) uint64 { return pipe2(arg1(f), arg2(f)) }

// pipe2 makes a pipe and stores its two descriptors, read end first, at
// fds (fs/pipe.c do_pipe2: flags first, then the descriptors, then the
// copy out, undone if it faults).
//
//go:nosplit
func pipe2(fds, flags uint64) uint64 {
	if flags&^(linux.O_CLOEXEC|linux.O_NONBLOCK) != 0 {
		return linux.EINVAL.Ret()
	}
	p := -1
	for i := range pipes {
		if pipes[i].readers == 0 && pipes[i].writers == 0 {
			p = i
			break
		}
	}
	if p < 0 {
		return linux.ENFILE.Ret()
	}
	rfd, r := newFD(fdPipe)
	if r == nil {
		return linux.EMFILE.Ret()
	}
	wfd, w := newFD(fdPipe)
	if w == nil {
		*r = file0
		return linux.EMFILE.Ret()
	}
	for _, e := range [2]*file{r, w} {
		e.node = int32(p)
		e.nonblock = flags&linux.O_NONBLOCK != 0
		e.cloexec = flags&linux.O_CLOEXEC != 0
	}
	r.rd, r.accmode = true, linux.O_RDONLY
	w.wr, w.accmode = true, linux.O_WRONLY
	b, ok := mem.UserBytes(fds, 8, true)
	if !ok || len(b) < 8 {
		*r, *w = file0, file0
		return linux.EFAULT.Ret()
	}
	q := &pipes[p]
	q.head, q.n, q.readers, q.writers = 0, 0, 1, 1
	putInt32(b[0:4], int32(rfd))
	putInt32(b[4:8], int32(wfd))
	return 0
}

//go:nosplit
func putInt32(b []byte, v int32) {
	for i := 0; i < 4 && i < len(b); i++ {
		b[i] = byte(v >> (8 * i))
	}
}

//go:nosplit
func pipeOf(file *file) *pipe {
	if uint32(file.node) >= maxPipes {
		return nil
	}
	return &pipes[file.node]
}

// pipeRead copies up to n buffered bytes to buf; with none it returns 0
// when no writer is left (end of file), EAGAIN when non-blocking, or
// blocks.
//
//go:nosplit
func pipeRead(file *file, buf, n uint64) uint64 {
	p := pipeOf(file)
	if p == nil || !file.rd {
		return linux.EBADF.Ret()
	}
	if n == 0 {
		return 0
	}
	if p.n == 0 {
		switch {
		case p.writers == 0:
			return 0
		case file.nonblock:
			return linux.EAGAIN.Ret()
		}
		sched.Block(sched.WaitPoll, pipeKey+2*uint64(file.node), 0)
		return 0 // not seen: the wake-up restarts the call
	}
	done := uint64(0)
	for done < n && p.n > 0 {
		chunk := min(n-done, p.n, pipeSize-p.head)
		b, ok := mem.UserBytes(buf+done, chunk, true)
		if !ok {
			break
		}
		copy(b, p.buf[p.head:p.head+uint64(len(b))])
		done += uint64(len(b))
		p.head = (p.head + uint64(len(b))) % pipeSize
		p.n -= uint64(len(b))
	}
	if done == 0 {
		return linux.EFAULT.Ret()
	}
	sched.WakePoll(pipeKey+2*uint64(file.node)+1, linux.SYS_WRITE)
	return done
}

// pipeWrite copies up to n bytes from buf into the free room; with no
// room it returns EAGAIN when non-blocking, or blocks. With no reader
// left it is EPIPE (Linux also raises SIGPIPE, which Go ignores for
// descriptors other than 1 and 2).
//
//go:nosplit
func pipeWrite(file *file, buf, n uint64) uint64 {
	p := pipeOf(file)
	if p == nil || !file.wr {
		return linux.EBADF.Ret()
	}
	if p.readers == 0 {
		return linux.EPIPE.Ret()
	}
	if n == 0 {
		return 0
	}
	if p.n == pipeSize {
		if file.nonblock {
			return linux.EAGAIN.Ret()
		}
		sched.Block(sched.WaitPoll, pipeKey+2*uint64(file.node)+1, 0)
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
		copy(p.buf[tail:tail+uint64(len(b))], b)
		done += uint64(len(b))
		p.n += uint64(len(b))
	}
	if done == 0 {
		return linux.EFAULT.Ret()
	}
	sched.WakePoll(pipeKey+2*uint64(file.node), linux.SYS_READ)
	return done
}

// pipeClose drops one end and wakes the other end's waiters, who then
// see end of file or EPIPE.
//
//go:nosplit
func pipeClose(file *file) {
	p := pipeOf(file)
	if p == nil {
		return
	}
	if file.rd {
		p.readers--
		sched.WakePoll(pipeKey+2*uint64(file.node)+1, linux.SYS_WRITE)
	}
	if file.wr {
		p.writers--
		sched.WakePoll(pipeKey+2*uint64(file.node), linux.SYS_READ)
	}
}
