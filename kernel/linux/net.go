package linux

// The socket part of the ABI: loopback TCP over IPv4, as kernel/sys serves
// it (include/uapi/linux/in.h, socket.h, tcp.h; asm-generic/socket.h).

// System call numbers (arch/x86/entry/syscalls/syscall_64.tbl).
const (
	SYS_SOCKET      = 41
	SYS_CONNECT     = 42
	SYS_ACCEPT      = 43
	SYS_SHUTDOWN    = 48
	SYS_BIND        = 49
	SYS_LISTEN      = 50
	SYS_GETSOCKNAME = 51
	SYS_GETPEERNAME = 52
	SYS_SETSOCKOPT  = 54
	SYS_GETSOCKOPT  = 55
	SYS_ACCEPT4     = 288
)

const (
	AF_INET       = 2
	SOCK_STREAM   = 1
	SOCK_NONBLOCK = O_NONBLOCK
	SOCK_CLOEXEC  = O_CLOEXEC
	IPPROTO_TCP   = 6

	SOL_SOCKET = 1
	SO_TYPE    = 3
	SO_ERROR   = 4

	SHUT_RD   = 0
	SHUT_WR   = 1
	SHUT_RDWR = 2

	// SockaddrInSize is struct sockaddr_in: family (2 bytes), port (2,
	// big-endian), address (4), zero (8).
	SockaddrInSize = 16

	EPOLLRDHUP = 0x2000
)

// Socket errno values (include/uapi/asm-generic/errno.h).
const (
	ENOTSOCK        Errno = 88
	ENOPROTOOPT     Errno = 92
	EPROTONOSUPPORT Errno = 93
	EAFNOSUPPORT    Errno = 97
	EADDRINUSE      Errno = 98
	EADDRNOTAVAIL   Errno = 99
	ENETUNREACH     Errno = 101
	EISCONN         Errno = 106
	ENOTCONN        Errno = 107
	ECONNREFUSED    Errno = 111
)
