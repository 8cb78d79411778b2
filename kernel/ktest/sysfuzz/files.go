package sysfuzz

import (
	"unsafe"

	"gokernel/kernel/linux"
)

// The calls on files (kernel/sys: sys_path.go, sys_dir.go, sys_attr.go,
// sys_fileio.go): paths are random bytes or a few real ones in /tmp and
// the read-only root, descriptors the worker's or bad ones. Pipes and
// sockets are not made (a blocking read on one would wait for ever, and
// fcntl may clear O_NONBLOCK), so the socket calls see only other
// descriptors: their checks before ENOTSOCK.

// paths are NUL-terminated names the calls resolve; pathAt's pointers
// into them stay valid (globals do not move).
var paths = [...]string{"/tmp/a\x00", "/tmp/a/b\x00", "/tmp/c\x00", "/tmp\x00", "/\x00", ".\x00",
	"..\x00", "/tmp/a/../c\x00", "/../../tmp/a\x00", "/nonexistent/x\x00", "\x00", "/tmp/a/b/\x00"}

func (g *Gen) path() uintptr {
	if g.chance(40) {
		return g.In()
	}
	if g.chance(5) {
		return g.Unreadable()
	}
	return uintptr(unsafe.Pointer(unsafe.StringData(paths[g.R.IntN(len(paths))])))
}

// dirfd is AT_FDCWD, one of the worker's descriptors or a bad one.
func (g *Gen) dirfd() uintptr {
	if g.chance(60) {
		return ^uintptr(-linux.AT_FDCWD - 1) // AT_FDCWD, -100
	}
	return g.Fd(false)
}

func fileCalls(add func(uintptr, string, func(*Gen) Plan), simple func(uintptr, string, ...func(*Gen) uintptr)) {
	any, out, in, ln := (*Gen).Any, (*Gen).Out, (*Gen).In, (*Gen).Len
	path, dirfd := (*Gen).path, (*Gen).dirfd
	fd := func(g *Gen) uintptr { return g.Fd(false) }
	simple(linux.SYS_STAT, "stat", path, out)
	simple(linux.SYS_LSTAT, "lstat", path, out)
	simple(linux.SYS_FSTAT, "fstat", fd, out)
	simple(linux.SYS_NEWFSTATAT, "newfstatat", dirfd, path, out, any)
	simple(linux.SYS_LSEEK, "lseek", fd, any, any)
	simple(linux.SYS_GETDENTS64, "getdents64", fd, out, ln)
	simple(linux.SYS_READLINK, "readlink", path, out, ln)
	simple(linux.SYS_READLINKAT, "readlinkat", dirfd, path, out, ln)
	simple(linux.SYS_MKDIR, "mkdir", path, any)
	simple(linux.SYS_MKDIRAT, "mkdirat", dirfd, path, any)
	simple(linux.SYS_RMDIR, "rmdir", path)
	simple(linux.SYS_UNLINK, "unlink", path)
	simple(linux.SYS_UNLINKAT, "unlinkat", dirfd, path, any)
	simple(linux.SYS_RENAME, "rename", path, path)
	simple(linux.SYS_RENAMEAT, "renameat", dirfd, path, dirfd, path)
	simple(linux.SYS_RENAMEAT2, "renameat2", dirfd, path, dirfd, path, any)
	simple(linux.SYS_ACCESS, "access", path, any)
	simple(linux.SYS_FACCESSAT, "faccessat", dirfd, path, any)
	simple(linux.SYS_FACCESSAT2, "faccessat2", dirfd, path, any, any)
	simple(linux.SYS_GETCWD, "getcwd", out, ln)
	simple(linux.SYS_CHDIR, "chdir", path)
	simple(linux.SYS_FCHDIR, "fchdir", fd)
	simple(linux.SYS_CHMOD, "chmod", path, any)
	simple(linux.SYS_FCHMOD, "fchmod", fd, any)
	simple(linux.SYS_FCHMODAT, "fchmodat", dirfd, path, any)
	simple(linux.SYS_UMASK, "umask", any)
	simple(linux.SYS_UTIMENSAT, "utimensat", dirfd, path, in, any)
	simple(linux.SYS_FTRUNCATE, "ftruncate", fd, any)
	simple(linux.SYS_FSYNC, "fsync", fd)
	simple(linux.SYS_FDATASYNC, "fdatasync", fd)
	simple(linux.SYS_PWRITE64, "pwrite64", fd, in, ln, any)
	simple(linux.SYS_SPLICE, "splice", fd, in, fd, in, ln, any)

	simple(linux.SYS_BIND, "bind", fd, in, ln)
	simple(linux.SYS_LISTEN, "listen", fd, any)
	simple(linux.SYS_CONNECT, "connect", fd, in, ln)
	simple(linux.SYS_ACCEPT, "accept", fd, out, out)
	simple(linux.SYS_ACCEPT4, "accept4", fd, out, out, any)
	simple(linux.SYS_SHUTDOWN, "shutdown", fd, any)
	simple(linux.SYS_GETSOCKNAME, "getsockname", fd, out, out)
	simple(linux.SYS_GETPEERNAME, "getpeername", fd, out, out)
	simple(linux.SYS_SETSOCKOPT, "setsockopt", fd, any, any, in, any)
	simple(linux.SYS_GETSOCKOPT, "getsockopt", fd, any, any, out, out)
}
