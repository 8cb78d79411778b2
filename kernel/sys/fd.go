package sys

import "gokernel/kernel/sched"

// The file-descriptor table: the console on 0, 1 and 2, the epoll
// instances and eventfds the runtime's netpoller creates, open files
// and directories of kernel/fs, and pipe ends.

type fdKind uint8

const (
	fdFree fdKind = iota
	fdConsole
	fdEpoll
	fdEventfd
	fdFile
	fdPipe // an end of a pipe: node is the pipe, rd or wr the end
)

const (
	maxFDs      = 64
	maxInterest = 8 // descriptors one epoll instance can watch
)

type interest struct {
	fd     int32
	events uint32
	data   uint64
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

// readable reports whether fd has data for EPOLLIN.
//
//go:nosplit
func readable(fd int32) bool {
	if uint32(fd) >= maxFDs {
		return false
	}
	f := &files[fd]
	return f.kind == fdEventfd && f.counter > 0
}

// notify wakes the threads waiting in epoll instances that watch fd.
//
//go:nosplit
func notify(fd int32, nr uint64) {
	for i := range files {
		e := &files[i]
		if e.kind != fdEpoll {
			continue
		}
		for j := 0; j < e.nwatch && j < maxInterest; j++ {
			if e.watch[j].fd == fd {
				sched.WakePoll(uint64(i), nr)
				break
			}
		}
	}
}
