// Package linux holds the parts of the Linux x86-64 user ABI that the
// kernel's system-call personality serves: call numbers, errno values,
// flags and structure layouts, spelled as in the Linux headers that each
// group cites. It imports nothing and has no state.
package linux

// SyscallName returns the Linux name of system call nr, or "" if none.
//
//go:nosplit
func SyscallName(nr uint64) string {
	if nr < uint64(len(sysNames)) {
		return sysNames[nr]
	}
	return ""
}

// System call numbers served by the kernel
// (arch/x86/entry/syscalls/syscall_64.tbl).
const (
	SYS_READ              = 0
	SYS_WRITE             = 1
	SYS_OPEN              = 2
	SYS_CLOSE             = 3
	SYS_MMAP              = 9
	SYS_MPROTECT          = 10
	SYS_MUNMAP            = 11
	SYS_RT_SIGACTION      = 13
	SYS_RT_SIGPROCMASK    = 14
	SYS_RT_SIGRETURN      = 15
	SYS_PREAD64           = 17
	SYS_SCHED_YIELD       = 24
	SYS_MINCORE           = 27
	SYS_MADVISE           = 28
	SYS_NANOSLEEP         = 35
	SYS_GETPID            = 39
	SYS_CLONE             = 56
	SYS_EXIT              = 60
	SYS_KILL              = 62
	SYS_UNAME             = 63
	SYS_FCNTL             = 72
	SYS_GETPPID           = 110
	SYS_SIGALTSTACK       = 131
	SYS_PRCTL             = 157
	SYS_ARCH_PRCTL        = 158
	SYS_GETTID            = 186
	SYS_TKILL             = 200
	SYS_FUTEX             = 202
	SYS_SCHED_GETAFFINITY = 204
	SYS_EPOLL_CREATE      = 213
	SYS_CLOCK_GETTIME     = 228
	SYS_CLOCK_GETRES      = 229
	SYS_CLOCK_NANOSLEEP   = 230
	SYS_EXIT_GROUP        = 231
	SYS_EPOLL_WAIT        = 232
	SYS_EPOLL_CTL         = 233
	SYS_TGKILL            = 234
	SYS_OPENAT            = 257
	SYS_EPOLL_PWAIT       = 281
	SYS_EVENTFD2          = 290
	SYS_EPOLL_CREATE1     = 291
	SYS_PRLIMIT64         = 302
	SYS_GETCPU            = 309
	SYS_GETRANDOM         = 318
)

// Errno is a Linux error number; system calls return its negation in RAX
// (include/uapi/asm-generic/errno-base.h, errno.h).
type Errno uintptr

const (
	EPERM     Errno = 1
	ENOENT    Errno = 2
	ESRCH     Errno = 3
	EINTR     Errno = 4
	EIO       Errno = 5
	EBADF     Errno = 9
	EAGAIN    Errno = 11
	ENOMEM    Errno = 12
	EFAULT    Errno = 14
	EEXIST    Errno = 17
	ENODEV    Errno = 19
	EINVAL    Errno = 22
	EMFILE    Errno = 24
	ENOSPC    Errno = 28
	ENOSYS    Errno = 38
	ETIMEDOUT Errno = 110
)

// Ret is the RAX value that reports e to the caller: -e.
//
//go:nosplit
func (e Errno) Ret() uint64 { return -uint64(e) }

// mmap, mprotect, madvise (include/uapi/asm-generic/mman-common.h, mman.h).
const (
	PROT_NONE  = 0x0
	PROT_READ  = 0x1
	PROT_WRITE = 0x2
	PROT_EXEC  = 0x4

	MAP_SHARED          = 0x01
	MAP_PRIVATE         = 0x02
	MAP_FIXED           = 0x10
	MAP_ANONYMOUS       = 0x20
	MAP_NORESERVE       = 0x4000
	MAP_FIXED_NOREPLACE = 0x100000

	MADV_DONTNEED     = 4
	MADV_FREE         = 8
	MADV_COLLAPSE     = 25 // the highest advice of Linux 6.1
	MADV_HWPOISON     = 100
	MADV_SOFT_OFFLINE = 101
)

// futex (include/uapi/linux/futex.h).
const (
	FUTEX_WAIT           = 0
	FUTEX_WAKE           = 1
	FUTEX_PRIVATE_FLAG   = 128
	FUTEX_CLOCK_REALTIME = 256
)

// clone (include/uapi/linux/sched.h).
const (
	CLONE_VM             = 0x00000100
	CLONE_FS             = 0x00000200
	CLONE_FILES          = 0x00000400
	CLONE_SIGHAND        = 0x00000800
	CLONE_THREAD         = 0x00010000
	CLONE_SYSVSEM        = 0x00040000
	CLONE_SETTLS         = 0x00080000
	CLONE_PARENT_SETTID  = 0x00100000
	CLONE_CHILD_CLEARTID = 0x00200000
	CLONE_CHILD_SETTID   = 0x01000000
)

// arch_prctl (arch/x86/include/uapi/asm/prctl.h).
const (
	ARCH_SET_GS = 0x1001
	ARCH_SET_FS = 0x1002
	ARCH_GET_FS = 0x1003
	ARCH_GET_GS = 0x1004
)

// Clocks (include/uapi/linux/time.h).
const (
	CLOCK_REALTIME           = 0
	CLOCK_MONOTONIC          = 1
	CLOCK_PROCESS_CPUTIME_ID = 2
	CLOCK_THREAD_CPUTIME_ID  = 3
	CLOCK_MONOTONIC_RAW      = 4
	CLOCK_REALTIME_COARSE    = 5
	CLOCK_MONOTONIC_COARSE   = 6
	CLOCK_BOOTTIME           = 7

	TIMER_ABSTIME = 1
)

// Timespec is struct timespec on x86-64.
type Timespec struct {
	Sec  int64
	Nsec int64
}

// fcntl (include/uapi/asm-generic/fcntl.h).
const (
	F_DUPFD = 0
	F_GETFD = 1
	F_SETFD = 2
	F_GETFL = 3
	F_SETFL = 4

	O_RDONLY   = 0x0
	O_WRONLY   = 0x1
	O_RDWR     = 0x2
	O_NONBLOCK = 0x800
	O_CLOEXEC  = 0x80000
)

// Signals (arch/x86/include/uapi/asm/signal.h).
const (
	SIGHUP  = 1
	SIGINT  = 2
	SIGQUIT = 3
	SIGILL  = 4
	SIGTRAP = 5
	SIGABRT = 6
	SIGBUS  = 7
	SIGFPE  = 8
	SIGKILL = 9
	SIGSEGV = 11
	SIGPIPE = 13
	SIGALRM = 14
	SIGTERM = 15
	SIGCHLD = 17
	SIGSTOP = 19
	SIGURG  = 23
	SIGPROF = 27
	SIGSYS  = 31

	NSIG = 64

	SIG_BLOCK   = 0
	SIG_UNBLOCK = 1
	SIG_SETMASK = 2

	SS_ONSTACK    = 1
	SS_DISABLE    = 2
	SS_AUTODISARM = -1 << 31 // (1U << 31) in the int ss_flags
	MINSIGSTKSZ   = 2048
)

// Sigaction is the kernel's struct sigaction for rt_sigaction on x86-64
// (arch/x86/include/uapi/asm/signal.h; the mask is 8 bytes).
type Sigaction struct {
	Handler  uint64
	Flags    uint64
	Restorer uint64
	Mask     uint64
}

// StackT is stack_t for sigaltstack.
type StackT struct {
	SP    uint64
	Flags int32
	_     int32
	Size  uint64
}

// epoll and eventfd (include/uapi/linux/eventpoll.h, eventfd.h).
const (
	EPOLL_CTL_ADD = 1
	EPOLL_CTL_DEL = 2
	EPOLL_CTL_MOD = 3

	EPOLLIN  = 0x1
	EPOLLOUT = 0x4
	EPOLLERR = 0x8
	EPOLLHUP = 0x10
	EPOLLET  = 1 << 31

	EFD_NONBLOCK = O_NONBLOCK
	EFD_CLOEXEC  = O_CLOEXEC
)

// EpollEvent is struct epoll_event, packed on x86-64: 12 bytes.
const EpollEventSize = 12

// prctl and prlimit (include/uapi/linux/prctl.h, resource.h).
const (
	PR_SET_VMA = 0x53564d41

	RLIMIT_NOFILE = 7
	RLIMIT_STACK  = 3
	RLIMIT_NPROC  = 6
	RLIM_NLIMITS  = 16
	RLIM_INFINITY = ^uint64(0)
)

// getrandom flags (include/uapi/linux/random.h).
const (
	GRND_NONBLOCK = 0x1
	GRND_RANDOM   = 0x2
	GRND_INSECURE = 0x4
)

// Auxiliary vector entry types (include/uapi/linux/auxvec.h).
const (
	AT_NULL         = 0
	AT_PAGESZ       = 6
	AT_HWCAP        = 16
	AT_CLKTCK       = 17
	AT_RANDOM       = 25
	AT_SYSINFO_EHDR = 33
)

// UtsnameLen is the length of each field of struct utsname.
const UtsnameLen = 65
