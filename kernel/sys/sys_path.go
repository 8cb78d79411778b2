package sys

import (
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/clock"
	"gokernel/kernel/fs"
	"gokernel/kernel/linux"
	"gokernel/kernel/mem"
)

// Files by name: open, stat and readlink on kernel/fs (sys_dir.go and
// sys_attr.go have the other calls by name), with Linux's checks in
// Linux's order (fs/namei.c, fs/open.c, fs/stat.c). The *at calls resolve
// a relative path from a directory descriptor or the working directory
// (AT_FDCWD); the old calls are the *at ones from AT_FDCWD.

// Paths are copied in from user memory first, as Linux's getname does:
// one buffer per path argument (rename takes two). The big kernel lock
// serialises system calls, so one pair serves every CPU.
var pathA, pathB [fs.PathMax]byte

// umask is the process's file-mode creation mask.
var umask uint32 = 0o022

// userPath copies the NUL-terminated path at addr into buf, a page at a
// time so that a string ending just before an unmapped page is fine: an
// unreadable byte before the NUL is EFAULT, no NUL within PathMax bytes
// ENAMETOOLONG, an empty path ENOENT (unless empty is allowed).
//
//go:nosplit
func userPath(addr uint64, buf *[fs.PathMax]byte, empty bool) ([]byte, linux.Errno) {
	for n := uint64(0); n < fs.PathMax; {
		a := addr + n
		chunk := min(mem.PageSize-a%mem.PageSize, fs.PathMax-n)
		b, ok := mem.UserBytes(a, chunk, false)
		if !ok {
			return nil, linux.EFAULT
		}
		for i := uint64(0); i < uint64(len(b)); i++ {
			if b[i] == 0 {
				copy(buf[n:], b[:i])
				if n+i == 0 && !empty {
					return nil, linux.ENOENT
				}
				if n+i > fs.PathMax {
					return nil, linux.ENAMETOOLONG
				}
				return buf[:n+i], 0
			}
		}
		copy(buf[n:], b)
		n += chunk
	}
	return nil, linux.ENAMETOOLONG
}

// startDir returns the directory a path resolves from: any directory
// for an absolute path (Walk restarts at the root), the working
// directory for AT_FDCWD, else the directory open as dirfd.
//
//go:nosplit
func startDir(dirfd int32, path []byte) (int32, linux.Errno) {
	if len(path) > 0 && path[0] == '/' {
		return fs.Root, 0
	}
	if dirfd == linux.AT_FDCWD {
		return fs.Cwd, 0
	}
	file := lookup(uint64(uint32(dirfd)))
	if file == nil || dirfd < 0 {
		return 0, linux.EBADF
	}
	if n := fs.At(file.node); file.kind != fdFile || n == nil || n.Kind != fs.Dir {
		return 0, linux.ENOTDIR
	}
	return file.node, 0
}

// resolve copies path in and walks it: the node (-1 if the last component
// does not exist), its directory and its last component.
//
//go:nosplit
func resolve(dirfd int32, addr uint64, buf *[fs.PathMax]byte, follow bool) (n, dir int32, last []byte, e linux.Errno) {
	p, e := userPath(addr, buf, false)
	if e != 0 {
		return -1, -1, nil, e
	}
	start, e := startDir(dirfd, p)
	if e != 0 {
		return -1, -1, nil, e
	}
	return fs.Walk(start, p, follow)
}

//go:nosplit
func dotName(last []byte) bool {
	return (len(last) == 1 && last[0] == '.') || (len(last) == 2 && last[0] == '.' && last[1] == '.')
}

//go:nosplit
func sysOpen(f *arch.Frame) uint64 {
	return openat(linux.AT_FDCWD, arg1(f), arg2(f), uint32(arg3(f)))
}

//go:nosplit
func sysOpenat(f *arch.Frame) uint64 {
	return openat(int32(arg1(f)), arg2(f), arg3(f), uint32(arg4(f)))
}

// openat opens (and with O_CREAT makes) a file or directory (fs/open.c
// build_open_flags, fs/namei.c do_open). Unknown flag bits are ignored,
// as open(2) and openat(2) do; O_TMPFILE is not supported (EOPNOTSUPP,
// as on a file system without it).
//
//go:nosplit
func openat(dirfd int32, addr, flags uint64, mode uint32) uint64 {
	if flags&linux.O_TMPFILE != 0 {
		return linux.EOPNOTSUPP.Ret()
	}
	excl := flags&(linux.O_CREAT|linux.O_EXCL) == linux.O_CREAT|linux.O_EXCL
	n, dir, last, e := resolve(dirfd, addr, &pathA, flags&linux.O_NOFOLLOW == 0 && !excl)
	if e != 0 {
		return e.Ret()
	}
	acc := uint8(flags & linux.O_ACCMODE)
	write := acc == linux.O_WRONLY || acc == linux.O_RDWR
	if n < 0 {
		if flags&linux.O_CREAT == 0 || dir < 0 {
			return linux.ENOENT.Ret()
		}
		if dotName(last) || len(last) == 0 {
			return linux.EISDIR.Ret()
		}
		if n, e = fs.Create(dir, last, fs.Reg, uint16(mode&^umask), clock.Realtime()); e != 0 {
			return e.Ret()
		}
	} else {
		if e := mayOpen(n, flags, write, excl); e != 0 {
			return e.Ret()
		}
	}
	fd, file := newFD(fdFile)
	if file == nil {
		return linux.EMFILE.Ret()
	}
	file.node, file.accmode = n, acc
	file.rd = acc == linux.O_RDONLY || acc == linux.O_RDWR
	file.wr, file.app = write, flags&linux.O_APPEND != 0
	file.cloexec, file.nonblock = flags&linux.O_CLOEXEC != 0, flags&linux.O_NONBLOCK != 0
	fs.Hold(n)
	return uint64(fd)
}

// mayOpen checks opening the existing node n, and truncates it for
// O_TRUNC (fs/namei.c may_open, do_open).
//
//go:nosplit
func mayOpen(n int32, flags uint64, write, excl bool) linux.Errno {
	node := fs.At(n)
	switch {
	case node == nil:
		return linux.ENOENT
	case excl:
		return linux.EEXIST
	case node.Kind == fs.Symlink:
		return linux.ELOOP // O_NOFOLLOW on a link
	case node.Kind == fs.Dir && (flags&linux.O_CREAT != 0 || write):
		return linux.EISDIR
	case node.Kind != fs.Dir && flags&linux.O_DIRECTORY != 0:
		return linux.ENOTDIR
	}
	trunc := flags&linux.O_TRUNC != 0 && node.Kind == fs.Reg
	if (write || trunc) && !node.Tmp {
		return linux.EROFS
	}
	if trunc {
		return fs.Truncate(n, 0, clock.Realtime())
	}
	return 0
}

// statBuf is where stat results are built before the copy out.
var statBuf linux.Stat

//go:nosplit
func putStat(addr uint64) uint64 {
	b, ok := mem.UserBytes(addr, linux.StatSize, true)
	if !ok || len(b) < linux.StatSize {
		return linux.EFAULT.Ret()
	}
	copy(b, (*[linux.StatSize]byte)(unsafe.Pointer(&statBuf))[:])
	return 0
}

//go:nosplit
func sysStat(f *arch.Frame) uint64 {
	return fstatat(linux.AT_FDCWD, arg1(f), arg2(f), 0)
}

//go:nosplit
func sysLstat(f *arch.Frame) uint64 {
	return fstatat(linux.AT_FDCWD, arg1(f), arg2(f), linux.AT_SYMLINK_NOFOLLOW)
}

//go:nosplit
func sysNewfstatat(f *arch.Frame) uint64 {
	return fstatat(int32(arg1(f)), arg2(f), arg3(f), arg4(f))
}

// fstatat stats a path, or with AT_EMPTY_PATH and "" the descriptor
// (fs/stat.c vfs_fstatat).
//
//go:nosplit
func fstatat(dirfd int32, addr, statAddr, flags uint64) uint64 {
	if flags&^(linux.AT_SYMLINK_NOFOLLOW|linux.AT_NO_AUTOMOUNT|linux.AT_EMPTY_PATH) != 0 {
		return linux.EINVAL.Ret()
	}
	p, e := userPath(addr, &pathA, flags&linux.AT_EMPTY_PATH != 0)
	if e != 0 {
		return e.Ret()
	}
	if len(p) == 0 {
		if dirfd == linux.AT_FDCWD {
			fs.Stat(fs.Cwd, &statBuf)
			return putStat(statAddr)
		}
		return fstat(uint64(uint32(dirfd)), statAddr)
	}
	start, e := startDir(dirfd, p)
	if e != 0 {
		return e.Ret()
	}
	n, _, _, e := fs.Walk(start, p, flags&linux.AT_SYMLINK_NOFOLLOW == 0)
	if e != 0 {
		return e.Ret()
	}
	if n < 0 {
		return linux.ENOENT.Ret()
	}
	fs.Stat(n, &statBuf)
	return putStat(statAddr)
}

//go:nosplit
func sysReadlink(f *arch.Frame) uint64 {
	return readlinkat(linux.AT_FDCWD, arg1(f), arg2(f), arg3(f))
}

//go:nosplit
func sysReadlinkat(f *arch.Frame) uint64 {
	return readlinkat(int32(arg1(f)), arg2(f), arg3(f), arg4(f))
}

// readlinkat copies a symbolic link's target, without a NUL, cut to size
// bytes (fs/stat.c do_readlinkat).
//
//go:nosplit
func readlinkat(dirfd int32, addr, buf, size uint64) uint64 {
	if int32(size) <= 0 {
		return linux.EINVAL.Ret()
	}
	n, _, _, e := resolve(dirfd, addr, &pathA, false)
	if e != 0 {
		return e.Ret()
	}
	if n < 0 {
		return linux.ENOENT.Ret()
	}
	t := fs.Readlink(n)
	if t == nil {
		return linux.EINVAL.Ret()
	}
	c := min(uint64(len(t)), uint64(uint32(size)))
	b, ok := mem.UserBytes(buf, c, true)
	if !ok {
		return linux.EFAULT.Ret()
	}
	return uint64(copy(b, t))
}
