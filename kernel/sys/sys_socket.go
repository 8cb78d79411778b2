package sys

import (
	"gokernel/arch"
	"gokernel/kernel/linux"
	"gokernel/kernel/mem"
)

// Sockets: TCP over the loopback interface, IPv4 only, enough for Go's
// net package to listen, dial and accept on 127.0.0.1 (httptest servers,
// net.Pipe-like tests). There is no network: a connection is two rings
// of sys_pipe.go, one each way, made by connect on the listener's queue
// and handed out by accept. Addresses other than 127.0.0.0/8 and
// INADDR_ANY are EADDRNOTAVAIL (bind) or ENETUNREACH (connect); AF_INET6
// and other families are EAFNOSUPPORT, which Go's net takes as "no IPv6";
// socket types other than SOCK_STREAM are EPROTONOSUPPORT. Options are
// accepted and ignored (Nagle, keep-alive and linger mean nothing here).
// Each family member follows its Linux checks (net/socket.c,
// net/ipv4/af_inet.c, inet_connection_sock.c) as far as they apply.

const (
	maxSockets = 16 // powers of two, for masked indexes (sys_pipe.go)
	maxBacklog = 8
	firstPort  = 32768 // the ephemeral range (net.ipv4.ip_local_port_range)
	// sockKey is the first wait key of listeners that block in accept
	// (past the rings' keys, pipeKey+2*maxPipes): socket i's accept4
	// waits on sockKey+2i, its accept on sockKey+2i+1.
	sockKey = pipeKey + 1<<8
)

type sockState uint8

const (
	sockFree sockState = iota
	sockNew
	sockBound
	sockListening
	sockConnected
)

// conn is a connection waiting in a listener's queue: the rings the
// server's end will read and write, and the client's port.
type conn struct {
	rx, tx int32
	port   uint16
}

type socket struct {
	state        sockState
	port, peer   uint16 // local and remote port, both on 127.0.0.1
	rx, tx       int32  // connected: the rings it reads and writes
	rdOff, wrOff bool   // shutdown: its end of rx or tx is closed
	queue        [maxBacklog]conn
	nqueue       int
	backlog      int
}

var (
	sockets  [maxSockets]socket
	nextPort uint16 = firstPort
)

//go:nosplit
func sockOf(fd uint64) (*file, *socket, linux.Errno) {
	file := lookup(fd)
	if file == nil {
		return nil, nil, linux.EBADF
	}
	if file.kind != fdSocket || uint32(file.node) >= maxSockets {
		return nil, nil, linux.ENOTSOCK
	}
	return file, &sockets[file.node], 0
}

//go:nosplit
func sysSocket(f *arch.Frame) uint64 {
	domain, typ, proto := arg1(f), arg2(f), arg3(f)
	if typ&^uint64(0xf|linux.SOCK_NONBLOCK|linux.SOCK_CLOEXEC) != 0 {
		return linux.EINVAL.Ret()
	}
	switch {
	case domain != linux.AF_INET:
		return linux.EAFNOSUPPORT.Ret()
	case typ&0xf != linux.SOCK_STREAM || proto != 0 && proto != linux.IPPROTO_TCP:
		return linux.EPROTONOSUPPORT.Ret()
	}
	s := freeSocket()
	if s < 0 {
		return linux.ENFILE.Ret()
	}
	fd, file := newFD(fdSocket)
	if file == nil {
		return linux.EMFILE.Ret()
	}
	sockets[s&(maxSockets-1)] = socket{state: sockNew, rx: -1, tx: -1}
	file.node = int32(s)
	file.rd, file.wr, file.accmode = true, true, linux.O_RDWR
	file.nonblock = typ&linux.SOCK_NONBLOCK != 0
	file.cloexec = typ&linux.SOCK_CLOEXEC != 0
	return uint64(fd)
}

// readAddr reads a sockaddr_in and returns its port and whether its
// address is on the loopback network (or INADDR_ANY, which is).
//
//go:nosplit
func readAddr(addr, n uint64) (port uint16, loopback bool, e linux.Errno) {
	if n < linux.SockaddrInSize || n > 128 {
		return 0, false, linux.EINVAL
	}
	b, ok := mem.UserBytes(addr, linux.SockaddrInSize, false)
	if !ok || len(b) < linux.SockaddrInSize {
		return 0, false, linux.EFAULT
	}
	if uint16(b[0])|uint16(b[1])<<8 != linux.AF_INET {
		return 0, false, linux.EAFNOSUPPORT
	}
	port = uint16(b[2])<<8 | uint16(b[3])
	any := b[4]|b[5]|b[6]|b[7] == 0
	return port, b[4] == 127 || any, 0
}

// writeAddr stores 127.0.0.1:port at addr, cut to the length at lenAddr,
// and the full length there (net/socket.c move_addr_to_user). addr 0
// stores nothing.
//
//go:nosplit
func writeAddr(addr, lenAddr uint64, port uint16) linux.Errno {
	if addr == 0 {
		return 0
	}
	lb, ok := mem.UserBytes(lenAddr, 4, true)
	if !ok || len(lb) < 4 {
		return linux.EFAULT
	}
	n := int32(uint32(lb[0]) | uint32(lb[1])<<8 | uint32(lb[2])<<16 | uint32(lb[3])<<24)
	if n < 0 {
		return linux.EINVAL
	}
	sa := [linux.SockaddrInSize]byte{linux.AF_INET, 0, byte(port >> 8), byte(port), 127, 0, 0, 1}
	if k := min(uint64(n), linux.SockaddrInSize); k > 0 {
		b, ok := mem.UserBytes(addr, k, true)
		if !ok {
			return linux.EFAULT
		}
		copy(b, sa[:])
	}
	putInt32(lb, linux.SockaddrInSize)
	return 0
}

// portUsed reports whether a socket is bound to port.
//
//go:nosplit
func portUsed(port uint16) bool {
	for i := range sockets {
		if s := &sockets[i]; s.state >= sockBound && s.port == port {
			return true
		}
	}
	return false
}

// ephemeral binds s to a free port of the ephemeral range.
//
//go:nosplit
func ephemeral(s *socket) linux.Errno {
	for range 65536 - firstPort {
		p := nextPort
		nextPort++
		if nextPort < firstPort {
			nextPort = firstPort
		}
		if !portUsed(p) {
			s.port, s.state = p, sockBound
			return 0
		}
	}
	return linux.EADDRINUSE
}

//go:nosplit
func sysBind(f *arch.Frame) uint64 {
	_, s, e := sockOf(arg1(f))
	if e != 0 {
		return e.Ret()
	}
	port, loopback, e := readAddr(arg2(f), arg3(f))
	switch {
	case e != 0:
		return e.Ret()
	case !loopback:
		return linux.EADDRNOTAVAIL.Ret()
	case s.state != sockNew:
		return linux.EINVAL.Ret()
	case port == 0:
		return ephemeral(s).Ret()
	case portUsed(port):
		return linux.EADDRINUSE.Ret()
	}
	s.port, s.state = port, sockBound
	return 0
}

//go:nosplit
func sysListen(f *arch.Frame) uint64 {
	_, s, e := sockOf(arg1(f))
	if e != 0 {
		return e.Ret()
	}
	switch s.state {
	case sockNew:
		if e := ephemeral(s); e != 0 {
			return e.Ret()
		}
	case sockConnected:
		return linux.EINVAL.Ret()
	}
	s.state = sockListening
	s.backlog = int(min(max(int32(arg2(f)), 1), maxBacklog))
	return 0
}

//go:nosplit
func sysGetsockname(f *arch.Frame) uint64 {
	_, s, e := sockOf(arg1(f))
	if e != 0 {
		return e.Ret()
	}
	return writeAddr(arg2(f), arg3(f), s.port).Ret()
}

//go:nosplit
func sysGetpeername(f *arch.Frame) uint64 {
	_, s, e := sockOf(arg1(f))
	if e != 0 {
		return e.Ret()
	}
	if s.state != sockConnected {
		return linux.ENOTCONN.Ret()
	}
	return writeAddr(arg2(f), arg3(f), s.peer).Ret()
}

//go:nosplit
func sysSetsockopt(f *arch.Frame) uint64 {
	if _, _, e := sockOf(arg1(f)); e != 0 {
		return e.Ret()
	}
	if int32(arg5(f)) < 0 {
		return linux.EINVAL.Ret()
	}
	return 0
}

// sysGetsockopt reports 0 for every option (no error pending), but
// SO_TYPE: SOCK_STREAM.
//
//go:nosplit
func sysGetsockopt(f *arch.Frame) uint64 {
	if _, _, e := sockOf(arg1(f)); e != 0 {
		return e.Ret()
	}
	val, lenAddr := arg4(f), arg5(f)
	lb, ok := mem.UserBytes(lenAddr, 4, true)
	if !ok || len(lb) < 4 {
		return linux.EFAULT.Ret()
	}
	if int32(uint32(lb[0])|uint32(lb[1])<<8|uint32(lb[2])<<16|uint32(lb[3])<<24) < 4 {
		return linux.EINVAL.Ret()
	}
	v := int32(0)
	if arg2(f) == linux.SOL_SOCKET && arg3(f) == linux.SO_TYPE {
		v = linux.SOCK_STREAM
	}
	b, ok := mem.UserBytes(val, 4, true)
	if !ok || len(b) < 4 {
		return linux.EFAULT.Ret()
	}
	putInt32(b, v)
	putInt32(lb, 4)
	return 0
}

// sockReady is a socket's poll: a listener is readable with a connection
// queued; a connected socket is readable with bytes or at end of stream
// (EPOLLRDHUP too), writable with room or when the peer is gone.
//
//go:nosplit
func sockReady(file *file) uint32 {
	if uint32(file.node) >= maxSockets {
		return 0
	}
	s := &sockets[file.node]
	switch s.state {
	case sockListening:
		if s.nqueue > 0 {
			return linux.EPOLLIN
		}
		return 0
	case sockConnected:
	default:
		return linux.EPOLLOUT | linux.EPOLLHUP
	}
	var ev uint32
	if uint32(s.rx) < maxPipes {
		if rx := &pipes[s.rx]; rx.n > 0 || rx.writers == 0 || s.rdOff {
			ev |= linux.EPOLLIN
			if rx.writers == 0 {
				ev |= linux.EPOLLRDHUP
			}
		}
	}
	if uint32(s.tx) < maxPipes {
		if tx := &pipes[s.tx]; tx.n < pipeSize || tx.readers == 0 {
			ev |= linux.EPOLLOUT
		}
	}
	return ev
}

//go:nosplit
func sockRead(file *file, buf, n uint64) uint64 {
	s := &sockets[file.node&(maxSockets-1)]
	switch {
	case s.state != sockConnected:
		return linux.ENOTCONN.Ret()
	case s.rdOff:
		return 0
	}
	return ringRead(s.rx, buf, n, file.nonblock)
}

//go:nosplit
func sockWrite(file *file, buf, n uint64) uint64 {
	s := &sockets[file.node&(maxSockets-1)]
	switch {
	case s.state != sockConnected:
		return linux.ENOTCONN.Ret()
	case s.wrOff:
		return linux.EPIPE.Ret()
	}
	return ringWrite(s.tx, buf, n, file.nonblock)
}

// sysShutdown closes one direction or both: the peer reads end of stream
// after SHUT_WR.
//
//go:nosplit
func sysShutdown(f *arch.Frame) uint64 {
	_, s, e := sockOf(arg1(f))
	if e != 0 {
		return e.Ret()
	}
	how := arg2(f)
	switch {
	case how > linux.SHUT_RDWR:
		return linux.EINVAL.Ret()
	case s.state != sockConnected:
		return linux.ENOTCONN.Ret()
	}
	if how != linux.SHUT_WR && !s.rdOff {
		s.rdOff = true
		dropReader(s.rx)
	}
	if how != linux.SHUT_RD && !s.wrOff {
		s.wrOff = true
		dropWriter(s.tx)
	}
	return 0
}

// sockClose ends the socket: a listener's queued connections see their
// peer gone; a connection's rings lose this end.
//
//go:nosplit
func sockClose(file *file) {
	if uint32(file.node) >= maxSockets {
		return
	}
	s := &sockets[file.node]
	switch s.state {
	case sockListening:
		for i := 0; i < s.nqueue && i < maxBacklog; i++ {
			dropReader(s.queue[i].rx)
			dropWriter(s.queue[i].tx)
		}
		wakeAccept(file.node)
	case sockConnected:
		if !s.rdOff {
			dropReader(s.rx)
		}
		if !s.wrOff {
			dropWriter(s.tx)
		}
	}
	*s = socket{}
}

// freeSocket returns the index of a free socket slot, or -1.
//
//go:nosplit
func freeSocket() int {
	for i := range sockets {
		if sockets[i].state == sockFree {
			return i
		}
	}
	return -1
}
