package sys

import (
	"gokernel/kernel/linux"
	"gokernel/kernel/sched"
)

// The file-descriptor table: the console on 0, 1 and 2, the epoll
// instances and eventfds the runtime's netpoller creates, open files
// and directories of kernel/fs, pipe ends and sockets.

type fdKind uint8

const (
	fdFree fdKind = iota
	fdConsole
	fdEpoll
	fdEventfd
	fdFile
	fdPipe   // an end of a pipe: node is the ring, rd or wr the end
	fdSocket // a loopback TCP socket: node indexes sockets
)

const (
	maxFDs      = 64
	maxInterest = 16 // descriptors one epoll instance can watch
)

type interest struct {
	fd      int32
	events  uint32
	data    uint64
	pending uint32 // events posted since the last report (EPOLLET)
}

type file struct {
	kind     fdKind
	nonblock bool
	cloexec  bool
	counter  uint64 // eventfd
	watch    [maxInterest]interest
	nwatch   int

	// fdFile: the node, the position (a directory's: the next entry),
	// and how it was opened.
	node        int32
	pos         uint64
	rd, wr, app bool
	accmode     uint8
}

var files = [maxFDs]file{{kind: fdConsole}, {kind: fdConsole}, {kind: fdConsole}}

//go:nosplit
func lookup(fd uint64) *file {
	if fd < maxFDs && files[fd].kind != fdFree {
		return &files[fd]
	}
	return nil
}

// newFD returns the lowest free descriptor, as Linux does.
//
//go:nosplit
func newFD(kind fdKind) (int, *file) {
	for i := range files {
		if files[i].kind == fdFree {
			files[i] = file{kind: kind}
			return i, &files[i]
		}
	}
	return -1, nil
}

// ready returns the epoll events fd is ready for now (each kind's poll
// method in Linux): an eventfd with a count is readable and always
// writable; a socket as sockReady says. Other kinds are never polled.
//
//go:nosplit
func ready(fd int32) uint32 {
	if uint32(fd) >= maxFDs {
		return 0
	}
	f := &files[fd]
	switch f.kind {
	case fdEventfd:
		if f.counter > 0 {
			return linux.EPOLLIN | linux.EPOLLOUT
		}
		return linux.EPOLLOUT
	case fdSocket:
		return sockReady(f)
	}
	return 0
}

// post records events ev of fd for the epoll instances that watch it
// (edge-triggered interests report them once; level-triggered ones look
// at ready) and wakes the threads waiting in them. The waits restart as
// epoll_pwait, whose first four arguments are epoll_wait's.
//
//go:nosplit
func post(fd int32, ev uint32) {
	if fd < 0 {
		return
	}
	for i := range files {
		e := &files[i]
		if e.kind != fdEpoll {
			continue
		}
		for j := 0; j < e.nwatch && j < maxInterest; j++ {
			if w := &e.watch[j]; w.fd == fd {
				w.pending |= ev & (w.events | linux.EPOLLERR | linux.EPOLLHUP)
				sched.WakePoll(uint64(i), linux.SYS_EPOLL_PWAIT)
				break
			}
		}
	}
}
