package sys

import (
	"gokernel/arch"
	"gokernel/kernel/linux"
	"gokernel/kernel/sched"
)

// Connections on the loopback (sys_socket.go): connect makes the two
// rings at once and queues the server's end on the listener, which
// accept hands out as a new descriptor. So a connect to a listening port
// succeeds at once (0, not EINPROGRESS), and one to a port nobody listens
// on is ECONNREFUSED, as Linux's loopback answers with a reset.

//go:nosplit
func sysConnect(f *arch.Frame) uint64 {
	fd := arg1(f)
	_, s, e := sockOf(fd)
	if e != 0 {
		return e.Ret()
	}
	port, loopback, e := readAddr(arg2(f), arg3(f))
	switch {
	case e != 0:
		return e.Ret()
	case s.state == sockConnected:
		return linux.EISCONN.Ret()
	case s.state == sockListening:
		return linux.EINVAL.Ret()
	case !loopback:
		return linux.ENETUNREACH.Ret()
	}
	l := listener(port)
	if l < 0 {
		return linux.ECONNREFUSED.Ret()
	}
	ls := &sockets[l&(maxSockets-1)]
	if ls.nqueue >= ls.backlog || ls.nqueue >= maxBacklog || ls.nqueue < 0 {
		return linux.ECONNREFUSED.Ret()
	}
	if s.state == sockNew {
		if e := ephemeral(s); e != 0 {
			return e.Ret()
		}
	}
	up := newPipe() // client to server
	if up < 0 {
		return linux.EAGAIN.Ret()
	}
	down := newPipe() // server to client
	if down < 0 {
		pipes[up&(maxPipes-1)].readers, pipes[up&(maxPipes-1)].writers = 0, 0
		freePipe(up)
		return linux.EAGAIN.Ret()
	}
	s.state, s.peer, s.tx, s.rx = sockConnected, port, up, down
	pipes[up&(maxPipes-1)].wfd, pipes[down&(maxPipes-1)].rfd = int32(fd), int32(fd)
	ls.queue[ls.nqueue&(maxBacklog-1)] = conn{rx: up, tx: down, port: s.port}
	ls.nqueue++
	post(sockFD(l), linux.EPOLLIN)
	wakeAccept(int32(l))
	return 0
}

// listener returns the socket listening on port, or -1.
//
//go:nosplit
func listener(port uint16) int {
	for i := range sockets {
		if s := &sockets[i]; s.state == sockListening && s.port == port {
			return i
		}
	}
	return -1
}

// sockFD returns the descriptor holding socket i, or -1.
//
//go:nosplit
func sockFD(i int) int32 {
	for fd := range files {
		if files[fd].kind == fdSocket && files[fd].node == int32(i) {
			return int32(fd)
		}
	}
	return -1
}

//go:nosplit
func wakeAccept(i int32) {
	sched.WakePoll(sockKey+2*uint64(i), linux.SYS_ACCEPT4)
	sched.WakePoll(sockKey+2*uint64(i)+1, linux.SYS_ACCEPT)
}

//go:nosplit
func sysAccept(f *arch.Frame) uint64 {
	return accept4(arg1(f), arg2(f), arg3(f), 0, false)
}

//go:nosplit
func sysAccept4(f *arch.Frame) uint64 {
	return accept4(arg1(f), arg2(f), arg3(f), arg4(f), true)
}

// accept4 takes the oldest queued connection as a new descriptor, or
// with none returns EAGAIN (non-blocking) or blocks until connect queues
// one (net/socket.c __sys_accept4_file, inet_csk_accept).
//
//go:nosplit
func accept4(fd, addr, lenAddr, flags uint64, four bool) uint64 {
	if flags&^uint64(linux.SOCK_NONBLOCK|linux.SOCK_CLOEXEC) != 0 {
		return linux.EINVAL.Ret()
	}
	file, s, e := sockOf(fd)
	if e != 0 {
		return e.Ret()
	}
	if s.state != sockListening {
		return linux.EINVAL.Ret()
	}
	if s.nqueue == 0 {
		if file.nonblock {
			return linux.EAGAIN.Ret()
		}
		key := sockKey + 2*uint64(file.node)
		if !four {
			key++
		}
		sched.Block(sched.WaitPoll, key, 0)
		return 0 // not seen: the wake-up restarts the call
	}
	i := freeSocket()
	if i < 0 {
		return linux.ENFILE.Ret()
	}
	nfd, nf := newFD(fdSocket)
	if nf == nil {
		return linux.EMFILE.Ret()
	}
	c := s.queue[0]
	if e := writeAddr(addr, lenAddr, c.port); e != 0 {
		*nf = file0
		return e.Ret()
	}
	copy(s.queue[:], s.queue[1:])
	s.nqueue--
	sockets[i&(maxSockets-1)] = socket{state: sockConnected, port: s.port, peer: c.port, rx: c.rx, tx: c.tx}
	nf.node = int32(i)
	nf.rd, nf.wr, nf.accmode = true, true, linux.O_RDWR
	nf.nonblock = flags&linux.SOCK_NONBLOCK != 0
	nf.cloexec = flags&linux.SOCK_CLOEXEC != 0
	pipes[c.rx&(maxPipes-1)].rfd, pipes[c.tx&(maxPipes-1)].wfd = int32(nfd), int32(nfd)
	return uint64(nfd)
}
