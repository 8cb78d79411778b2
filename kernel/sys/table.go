// Package sys is the kernel's Linux personality: it serves the system calls
// the Go runtime makes, so the unmodified runtime can run on bare metal.
//
// The table below lists every call the kernel answers, by number, with its
// support level and a note. Anything else gets -ENOSYS and one console line
// naming the call (once per number, so a retry loop cannot flood the
// console).
//
// Handlers run in ring 0 on the kernel stack with interrupts disabled. They
// are //go:nosplit, allocate nothing and never block: a call that waits
// records the wait with sched.Block and returns the value the thread will
// see if woken normally; the entry's final sched.Switch then runs another
// thread. Arguments follow the x86-64 Linux convention: the number in RAX,
// arguments in RDI, RSI, RDX, R10, R8, R9, the result in RAX.
package sys

import (
	"gokernel/arch"
	"gokernel/kernel/console"
	"gokernel/kernel/linux"
	"gokernel/kernel/sched"
)

// Level says how completely a call is implemented.
type Level uint8

const (
	Full    Level = iota + 1 // Linux semantics for everything the runtime passes
	Partial                  // the runtime's uses work; the note says what does not
	Fixed                    // returns a constant answer that the runtime accepts
)

type handler func(f *arch.Frame) uint64

type entry struct {
	name  string
	fn    handler
	level Level
	note  string
}

// table is indexed by system call number.
var table = [...]entry{
	linux.SYS_READ:              {"read", sysRead, Partial, "files, eventfd counters; fd 0 reads as end of file (no input device yet); at most 1 MiB a call"},
	linux.SYS_WRITE:             {"write", sysWrite, Partial, "fds 0-2 go to the console; files in /tmp; eventfd counters"},
	linux.SYS_OPEN:              {"open", sysOpen, Partial, "kernel/fs: the boot module's archive read-only, /tmp writable; no O_TMPFILE"},
	linux.SYS_CLOSE:             {"close", sysClose, Full, ""},
	linux.SYS_STAT:              {"stat", sysStat, Full, ""},
	linux.SYS_FSTAT:             {"fstat", sysFstat, Full, "the console is a character device, eventfds and epoll anonymous inodes"},
	linux.SYS_LSTAT:             {"lstat", sysLstat, Full, ""},
	linux.SYS_LSEEK:             {"lseek", sysLseek, Full, "SEEK_DATA/SEEK_HOLE see one extent"},
	linux.SYS_MMAP:              {"mmap", sysMmap, Partial, "anonymous private memory only, zero-filled on first touch; file mappings get ENODEV"},
	linux.SYS_MPROTECT:          {"mprotect", sysMprotect, Full, ""},
	linux.SYS_MUNMAP:            {"munmap", sysMunmap, Full, ""},
	linux.SYS_RT_SIGACTION:      {"rt_sigaction", sysRtSigaction, Full, ""},
	linux.SYS_RT_SIGPROCMASK:    {"rt_sigprocmask", sysRtSigprocmask, Full, ""},
	linux.SYS_RT_SIGRETURN:      {"rt_sigreturn", sysRtSigreturn, Full, ""},
	linux.SYS_PREAD64:           {"pread64", sysPread64, Full, ""},
	linux.SYS_PWRITE64:          {"pwrite64", sysPwrite64, Full, ""},
	linux.SYS_ACCESS:            {"access", sysAccess, Full, "one user, root"},
	linux.SYS_PIPE:              {"pipe", sysPipe, Partial, "32 rings of a page each (a pipe takes one, a connection two), blocking; not pollable (epoll_ctl: EPERM)"},
	linux.SYS_SCHED_YIELD:       {"sched_yield", sysSchedYield, Full, ""},
	linux.SYS_MADVISE:           {"madvise", sysMadvise, Partial, "DONTNEED and FREE release the pages; other advice is accepted and ignored"},
	linux.SYS_NANOSLEEP:         {"nanosleep", sysNanosleep, Full, ""},
	linux.SYS_GETPID:            {"getpid", sysGetpid, Full, "one process, pid 1"},
	linux.SYS_CLONE:             {"clone", sysClone, Partial, "threads only (CLONE_VM|CLONE_THREAD|CLONE_SIGHAND); no fork"},
	linux.SYS_SOCKET:            {"socket", sysSocket, Partial, "AF_INET SOCK_STREAM on the loopback only (sys_socket.go); others EAFNOSUPPORT or EPROTONOSUPPORT"},
	linux.SYS_CONNECT:           {"connect", sysConnect, Partial, "127.0.0.0/8: at once or ECONNREFUSED; elsewhere ENETUNREACH"},
	linux.SYS_ACCEPT:            {"accept", sysAccept, Full, ""},
	linux.SYS_SHUTDOWN:          {"shutdown", sysShutdown, Full, ""},
	linux.SYS_BIND:              {"bind", sysBind, Partial, "127.0.0.0/8 and INADDR_ANY"},
	linux.SYS_LISTEN:            {"listen", sysListen, Partial, "a backlog of at most 8"},
	linux.SYS_GETSOCKNAME:       {"getsockname", sysGetsockname, Full, ""},
	linux.SYS_GETPEERNAME:       {"getpeername", sysGetpeername, Full, ""},
	linux.SYS_SETSOCKOPT:        {"setsockopt", sysSetsockopt, Partial, "accepted and ignored"},
	linux.SYS_GETSOCKOPT:        {"getsockopt", sysGetsockopt, Partial, "0 for every option but SO_TYPE"},
	linux.SYS_EXIT:              {"exit", sysExit, Full, ""},
	linux.SYS_KILL:              {"kill", sysKill, Partial, "one process: pid 1 (or 0, -1); delivered to the caller"},
	linux.SYS_UNAME:             {"uname", sysUname, Fixed, "Linux 6.1.0-gokernel x86_64"},
	linux.SYS_FSYNC:             {"fsync", sysFsync, Full, "nothing to write back"},
	linux.SYS_FDATASYNC:         {"fdatasync", sysFsync, Full, "nothing to write back"},
	linux.SYS_FTRUNCATE:         {"ftruncate", sysFtruncate, Full, ""},
	linux.SYS_GETCWD:            {"getcwd", sysGetcwd, Full, ""},
	linux.SYS_CHDIR:             {"chdir", sysChdir, Full, ""},
	linux.SYS_FCHDIR:            {"fchdir", sysFchdir, Full, ""},
	linux.SYS_RENAME:            {"rename", sysRename, Full, ""},
	linux.SYS_MKDIR:             {"mkdir", sysMkdir, Full, ""},
	linux.SYS_RMDIR:             {"rmdir", sysRmdir, Full, ""},
	linux.SYS_UNLINK:            {"unlink", sysUnlink, Full, ""},
	linux.SYS_READLINK:          {"readlink", sysReadlink, Full, ""},
	linux.SYS_CHMOD:             {"chmod", sysChmod, Full, ""},
	linux.SYS_FCHMOD:            {"fchmod", sysFchmod, Full, ""},
	linux.SYS_UMASK:             {"umask", sysUmask, Full, ""},
	linux.SYS_FCNTL:             {"fcntl", sysFcntl, Partial, "F_GETFD, F_SETFD, F_GETFL, F_SETFL"},
	linux.SYS_GETPPID:           {"getppid", sysGetppid, Fixed, "0"},
	linux.SYS_SIGALTSTACK:       {"sigaltstack", sysSigaltstack, Partial, "SS_AUTODISARM is refused (EINVAL)"},
	linux.SYS_PRCTL:             {"prctl", sysPrctl, Fixed, "EINVAL, as on a kernel without PR_SET_VMA"},
	linux.SYS_ARCH_PRCTL:        {"arch_prctl", sysArchPrctl, Partial, "FS only: GS belongs to the kernel"},
	linux.SYS_GETTID:            {"gettid", sysGettid, Full, ""},
	linux.SYS_TKILL:             {"tkill", sysTkill, Full, ""},
	linux.SYS_FUTEX:             {"futex", sysFutex, Partial, "FUTEX_WAIT and FUTEX_WAKE, private or not"},
	linux.SYS_SCHED_GETAFFINITY: {"sched_getaffinity", sysSchedGetaffinity, Fixed, "every online CPU"},
	linux.SYS_GETCPU:            {"getcpu", sysGetcpu, Full, "node 0"},
	linux.SYS_EPOLL_CREATE:      {"epoll_create", sysEpollCreate, Full, ""},
	linux.SYS_CLOCK_GETTIME:     {"clock_gettime", sysClockGettime, Full, "TSC clock; CPU-time clocks read the monotonic clock"},
	linux.SYS_CLOCK_GETRES:      {"clock_getres", sysClockGetres, Full, ""},
	linux.SYS_CLOCK_NANOSLEEP:   {"clock_nanosleep", sysClockNanosleep, Full, ""},
	linux.SYS_EXIT_GROUP:        {"exit_group", sysExitGroup, Full, "in test mode status 0 exits QEMU with the pass code, others with fail"},
	linux.SYS_EPOLL_WAIT:        {"epoll_wait", sysEpollWait, Full, ""},
	linux.SYS_EPOLL_CTL:         {"epoll_ctl", sysEpollCtl, Partial, "eventfds and sockets; files and pipes get EPERM"},
	linux.SYS_TGKILL:            {"tgkill", sysTgkill, Full, ""},
	linux.SYS_GETDENTS64:        {"getdents64", sysGetdents64, Full, ""},
	linux.SYS_OPENAT:            {"openat", sysOpenat, Partial, "as open"},
	linux.SYS_MKDIRAT:           {"mkdirat", sysMkdirat, Full, ""},
	linux.SYS_NEWFSTATAT:        {"newfstatat", sysNewfstatat, Full, ""},
	linux.SYS_UNLINKAT:          {"unlinkat", sysUnlinkat, Full, ""},
	linux.SYS_RENAMEAT:          {"renameat", sysRenameat, Full, ""},
	linux.SYS_READLINKAT:        {"readlinkat", sysReadlinkat, Full, ""},
	linux.SYS_FCHMODAT:          {"fchmodat", sysFchmodat, Full, ""},
	linux.SYS_FACCESSAT:         {"faccessat", sysFaccessat, Full, "one user, root"},
	linux.SYS_UTIMENSAT:         {"utimensat", sysUtimensat, Partial, "the modification time only; access times are not kept"},
	linux.SYS_ACCEPT4:           {"accept4", sysAccept4, Full, ""},
	linux.SYS_EPOLL_PWAIT:       {"epoll_pwait", sysEpollPwait, Full, "the signal mask is ignored"},
	linux.SYS_EVENTFD2:          {"eventfd2", sysEventfd2, Full, ""},
	linux.SYS_EPOLL_CREATE1:     {"epoll_create1", sysEpollCreate1, Full, ""},
	linux.SYS_SPLICE:            {"splice", sysSplice, Fixed, "EINVAL: no descriptor supports splicing (Go then copies through memory)"},
	linux.SYS_PIPE2:             {"pipe2", sysPipe2, Partial, "as pipe; O_CLOEXEC, O_NONBLOCK"},
	linux.SYS_PRLIMIT64:         {"prlimit64", sysPrlimit64, Partial, "reports fixed limits, accepts new ones"},
	linux.SYS_GETRANDOM:         {"getrandom", sysGetrandom, Full, "RDRAND when present, else a TSC-seeded generator"},
	linux.SYS_RENAMEAT2:         {"renameat2", sysRenameat2, Partial, "RENAME_NOREPLACE; RENAME_EXCHANGE and RENAME_WHITEOUT get EINVAL"},
	linux.SYS_FACCESSAT2:        {"faccessat2", sysFaccessat2, Full, "one user, root"},
}

// Dispatch serves the system call in f and stores the result in f.RAX.
//
//go:nosplit
func Dispatch(f *arch.Frame) {
	nr := f.RAX
	a1, a2, a3 := f.RDI, f.RSI, f.RDX
	if nr < uint64(len(table)) && table[nr].fn != nil {
		f.RAX = table[nr].fn(f)
	} else {
		f.RAX = unknown(nr)
	}
	count(nr, f.RAX)
	if Trace {
		trace(nr, linux.SyscallName(nr), a1, a2, a3, f.RAX)
	}
}

// Account counts and traces a system call that another package served:
// the kernel's private call (kernel/kcall), named by its operation.
//
//go:nosplit
func Account(nr uint64, name string, a1, a2, a3, ret uint64) {
	count(nr, ret)
	if Trace {
		trace(nr, name, a1, a2, a3, ret)
	}
}

// Trace prints every system call and its result (systrace on the command
// line).
var Trace bool

//go:nosplit
func trace(nr uint64, name string, a1, a2, a3, ret uint64) {
	console.WriteString("sys: ")
	if t := sched.Current(); t != nil {
		console.WriteString("tid ")
		console.Dec(int64(t.TID))
		console.WriteString(" ")
	}
	if name != "" {
		console.WriteString(name)
	} else {
		console.Dec(int64(nr))
	}
	console.WriteString("(")
	console.Hex(a1)
	console.WriteString(", ")
	console.Hex(a2)
	console.WriteString(", ")
	console.Hex(a3)
	console.WriteString(") = ")
	if int64(ret) < 0 && int64(ret) > -4096 {
		console.WriteString("-")
		console.Dec(-int64(ret))
	} else {
		console.Hex(ret)
	}
	console.WriteString("\n")
}

var (
	reported     [8]uint64  // bit per call number below 512: already logged
	reportedHigh [16]uint64 // higher numbers already logged, 0 for a free slot
	highDropped  bool       // reportedHigh was full: said once
)

// firstReport reports whether unknown call nr has not been logged yet, and
// marks it: one line per number, so a retry loop cannot flood the
// console. Numbers above 511 are remembered in a small table; once it is
// full, one more line says that further numbers go unlogged.
//
//go:nosplit
func firstReport(nr uint64) bool {
	if w, bit := nr/64, uint64(1)<<(nr%64); w < uint64(len(reported)) {
		seen := reported[w]&bit != 0
		reported[w] |= bit
		return !seen
	}
	for i := range reportedHigh {
		switch reportedHigh[i] {
		case nr:
			return false
		case 0:
			reportedHigh[i] = nr
			return true
		}
	}
	if !highDropped {
		highDropped = true
		console.Line("sys: too many unknown system call numbers; no more are logged")
	}
	return false
}

//go:nosplit
func unknown(nr uint64) uint64 {
	if firstReport(nr) {
		console.WriteString("sys: unknown system call ")
		console.Dec(int64(nr))
		if name := linux.SyscallName(nr); name != "" {
			console.WriteString(" (")
			console.WriteString(name)
			console.WriteString(")")
		}
		console.Line(" -> ENOSYS")
	}
	return linux.ENOSYS.Ret()
}

// Arguments in the Linux order.

//go:nosplit
func arg1(f *arch.Frame) uint64 { return f.RDI }

//go:nosplit
func arg2(f *arch.Frame) uint64 { return f.RSI }

//go:nosplit
func arg3(f *arch.Frame) uint64 { return f.RDX }

//go:nosplit
func arg4(f *arch.Frame) uint64 { return f.R10 }

//go:nosplit
func arg5(f *arch.Frame) uint64 { return f.R8 }

//go:nosplit
func arg6(f *arch.Frame) uint64 { return f.R9 }

// TableEntry describes one row of the table, for tests and reports.
type TableEntry struct {
	Nr          int
	Name, Note  string
	Level       Level
	Implemented bool
}

// Table returns the rows of the system-call table. It allocates and is for
// ordinary Go code (tests, reports), never for the ring-0 path.
func Table() []TableEntry {
	var rows []TableEntry
	for nr, e := range table {
		if e.name == "" && e.fn == nil {
			continue
		}
		rows = append(rows, TableEntry{nr, e.name, e.note, e.level, e.fn != nil})
	}
	return rows
}
