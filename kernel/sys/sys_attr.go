package sys

import (
	"gokernel/arch"
	"gokernel/kernel/clock"
	"gokernel/kernel/fs"
	"gokernel/kernel/linux"
	"gokernel/kernel/mem"
)

// A file's attributes and the process's place: access, chdir, getcwd,
// chmod, umask and utimensat (fs/open.c, fs/d_path.c, fs/utimes.c).

//go:nosplit
func sysAccess(f *arch.Frame) uint64 { return faccessat(linux.AT_FDCWD, arg1(f), arg2(f), 0) }

//go:nosplit
func sysFaccessat(f *arch.Frame) uint64 { return faccessat(int32(arg1(f)), arg2(f), arg3(f), 0) }

//go:nosplit
func sysFaccessat2(f *arch.Frame) uint64 {
	return faccessat(int32(arg1(f)), arg2(f), arg3(f), arg4(f))
}

// faccessat checks access for the one user there is, root: everything
// but writing to the read-only tree (EROFS) and executing a file without
// an execute bit (EACCES), as fs/open.c do_faccessat and
// generic_permission decide for root.
//
//go:nosplit
func faccessat(dirfd int32, addr, mode, flags uint64) uint64 {
	if mode&^uint64(linux.R_OK|linux.W_OK|linux.X_OK) != 0 ||
		flags&^(linux.AT_EACCESS|linux.AT_SYMLINK_NOFOLLOW|linux.AT_EMPTY_PATH) != 0 {
		return linux.EINVAL.Ret()
	}
	n, _, _, e := resolve(dirfd, addr, &pathA, flags&linux.AT_SYMLINK_NOFOLLOW == 0)
	if e != 0 {
		return e.Ret()
	}
	node := fs.At(n)
	switch {
	case node == nil:
		return linux.ENOENT.Ret()
	case mode&linux.W_OK != 0 && !node.Tmp:
		return linux.EROFS.Ret()
	case mode&linux.X_OK != 0 && node.Kind != fs.Dir && node.Perm&0o111 == 0:
		return linux.EACCES.Ret()
	}
	return 0
}

//go:nosplit
func sysChdir(f *arch.Frame) uint64 {
	n, _, _, e := resolve(linux.AT_FDCWD, arg1(f), &pathA, true)
	if e != 0 {
		return e.Ret()
	}
	return chdir(n)
}

//go:nosplit
func sysFchdir(f *arch.Frame) uint64 {
	file := lookup(arg1(f))
	if file == nil {
		return linux.EBADF.Ret()
	}
	if file.kind != fdFile {
		return linux.ENOTDIR.Ret()
	}
	return chdir(file.node)
}

//go:nosplit
func chdir(n int32) uint64 {
	node := fs.At(n)
	switch {
	case node == nil:
		return linux.ENOENT.Ret()
	case node.Kind != fs.Dir:
		return linux.ENOTDIR.Ret()
	}
	fs.Hold(n)
	fs.Drop(fs.Cwd)
	fs.Cwd = n
	return 0
}

//go:nosplit
func sysGetcwd(f *arch.Frame) uint64 {
	buf, size := arg1(f), arg2(f)
	n, ok := fs.Path(fs.Cwd, pathA[:])
	if !ok || uint64(n)+1 > size {
		return linux.ERANGE.Ret()
	}
	b, okb := mem.UserBytes(buf, uint64(n)+1, true)
	if !okb || n < 0 || n >= len(b) || n > len(pathA) {
		return linux.EFAULT.Ret()
	}
	copy(b, pathA[:n])
	b[n] = 0
	return uint64(n) + 1
}

//go:nosplit
func sysChmod(f *arch.Frame) uint64 {
	n, _, _, e := resolve(linux.AT_FDCWD, arg1(f), &pathA, true)
	if e != 0 {
		return e.Ret()
	}
	return chmod(n, arg2(f))
}

//go:nosplit
func sysFchmodat(f *arch.Frame) uint64 {
	n, _, _, e := resolve(int32(arg1(f)), arg2(f), &pathA, true)
	if e != 0 {
		return e.Ret()
	}
	return chmod(n, arg3(f))
}

//go:nosplit
func sysFchmod(f *arch.Frame) uint64 {
	file := lookup(arg1(f))
	if file == nil {
		return linux.EBADF.Ret()
	}
	if file.kind != fdFile {
		return linux.EINVAL.Ret()
	}
	return chmod(file.node, arg2(f))
}

//go:nosplit
func chmod(n int32, mode uint64) uint64 {
	node := fs.At(n)
	switch {
	case node == nil:
		return linux.ENOENT.Ret()
	case !node.Tmp:
		return linux.EROFS.Ret()
	}
	node.Perm = uint16(mode & 0o7777)
	return 0
}

//go:nosplit
func sysUmask(f *arch.Frame) uint64 {
	old := umask
	umask = uint32(arg1(f)) & 0o777
	return uint64(old)
}

// sysUtimensat sets a file's modification time (fs/utimes.c): a NULL
// path means the descriptor itself (futimens); NULL times means now; a
// nanosecond field must be below 1e9 or UTIME_NOW or UTIME_OMIT. Access
// times are not kept.
//
//go:nosplit
func sysUtimensat(f *arch.Frame) uint64 {
	dirfd, addr, times, flags := int32(arg1(f)), arg2(f), arg3(f), arg4(f)
	if flags&^(linux.AT_SYMLINK_NOFOLLOW|linux.AT_EMPTY_PATH) != 0 {
		return linux.EINVAL.Ret()
	}
	mtime := clock.Realtime()
	if times != 0 {
		ts, ok := mem.UserTimespec(times + 16)
		at, ok2 := mem.UserTimespec(times)
		if !ok || !ok2 {
			return linux.EFAULT.Ret()
		}
		for _, t := range [2]linux.Timespec{at, ts} {
			if (t.Nsec < 0 || t.Nsec >= 1_000_000_000) && t.Nsec != linux.UTIME_NOW && t.Nsec != linux.UTIME_OMIT {
				return linux.EINVAL.Ret()
			}
		}
		switch ts.Nsec {
		case linux.UTIME_OMIT:
			mtime = -1
		case linux.UTIME_NOW:
		default:
			mtime = ts.Sec*1_000_000_000 + ts.Nsec
		}
	}
	var n int32
	if addr == 0 {
		file := lookup(uint64(uint32(dirfd)))
		if file == nil || dirfd < 0 {
			return linux.EBADF.Ret()
		}
		if file.kind != fdFile {
			return linux.EINVAL.Ret()
		}
		n = file.node
	} else {
		var e linux.Errno
		if n, _, _, e = resolve(dirfd, addr, &pathA, flags&linux.AT_SYMLINK_NOFOLLOW == 0); e != 0 {
			return e.Ret()
		}
	}
	node := fs.At(n)
	switch {
	case node == nil:
		return linux.ENOENT.Ret()
	case !node.Tmp:
		return linux.EROFS.Ret()
	}
	if mtime != -1 {
		node.Mtime = mtime
	}
	return 0
}
