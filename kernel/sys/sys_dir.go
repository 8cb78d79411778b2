package sys

import (
	"gokernel/arch"
	"gokernel/kernel/clock"
	"gokernel/kernel/fs"
	"gokernel/kernel/linux"
)

// Names in directories: mkdir, unlink, rmdir and rename on kernel/fs
// (fs/namei.c), resolved as sys_path.go resolves paths.

//go:nosplit
func sysMkdir(f *arch.Frame) uint64 { return mkdirat(linux.AT_FDCWD, arg1(f), uint32(arg2(f))) }

//go:nosplit
func sysMkdirat(f *arch.Frame) uint64 { return mkdirat(int32(arg1(f)), arg2(f), uint32(arg3(f))) }

//go:nosplit
func mkdirat(dirfd int32, addr uint64, mode uint32) uint64 {
	n, dir, last, e := resolve(dirfd, addr, &pathA, false)
	switch {
	case e != 0:
		return e.Ret()
	case n >= 0 || dotName(last) || len(last) == 0:
		return linux.EEXIST.Ret()
	case dir < 0:
		return linux.ENOENT.Ret()
	}
	_, e = fs.Create(dir, last, fs.Dir, uint16(mode&^umask&0o1777), clock.Realtime())
	return e.Ret()
}

//go:nosplit
func sysUnlink(f *arch.Frame) uint64 { return unlinkat(linux.AT_FDCWD, arg1(f), 0) }

//go:nosplit
func sysRmdir(f *arch.Frame) uint64 {
	return unlinkat(linux.AT_FDCWD, arg1(f), linux.AT_REMOVEDIR)
}

//go:nosplit
func sysUnlinkat(f *arch.Frame) uint64 { return unlinkat(int32(arg1(f)), arg2(f), arg3(f)) }

// unlinkat removes a name, or a directory with AT_REMOVEDIR (fs/namei.c
// do_rmdir, do_unlinkat).
//
//go:nosplit
func unlinkat(dirfd int32, addr, flags uint64) uint64 {
	if flags&^linux.AT_REMOVEDIR != 0 {
		return linux.EINVAL.Ret()
	}
	dir := flags&linux.AT_REMOVEDIR != 0
	n, _, last, e := resolve(dirfd, addr, &pathA, false)
	switch {
	case e != 0:
		return e.Ret()
	case dir && len(last) == 1 && last[0] == '.':
		return linux.EINVAL.Ret()
	case dir && dotName(last):
		return linux.ENOTEMPTY.Ret()
	case !dir && (dotName(last) || len(last) == 0):
		return linux.EISDIR.Ret()
	case n < 0:
		return linux.ENOENT.Ret()
	}
	return fs.Remove(n, dir, clock.Realtime()).Ret()
}

//go:nosplit
func sysRename(f *arch.Frame) uint64 {
	return renameat(linux.AT_FDCWD, arg1(f), linux.AT_FDCWD, arg2(f), 0)
}

//go:nosplit
func sysRenameat(f *arch.Frame) uint64 {
	return renameat(int32(arg1(f)), arg2(f), int32(arg3(f)), arg4(f), 0)
}

//go:nosplit
func sysRenameat2(f *arch.Frame) uint64 {
	return renameat(int32(arg1(f)), arg2(f), int32(arg3(f)), arg4(f), uint32(arg5(f)))
}

// renameat moves a name (fs/namei.c do_renameat2). Of renameat2's flags
// only RENAME_NOREPLACE is supported: RENAME_EXCHANGE and RENAME_WHITEOUT
// get EINVAL, as from a file system that lacks them.
//
//go:nosplit
func renameat(olddir int32, oldAddr uint64, newdir int32, newAddr uint64, flags uint32) uint64 {
	if flags&^uint32(linux.RENAME_NOREPLACE|linux.RENAME_EXCHANGE|linux.RENAME_WHITEOUT) != 0 ||
		flags&(linux.RENAME_EXCHANGE|linux.RENAME_WHITEOUT) != 0 {
		return linux.EINVAL.Ret()
	}
	old, _, last, e := resolve(olddir, oldAddr, &pathA, false)
	switch {
	case e != 0:
		return e.Ret()
	case dotName(last) || len(last) == 0:
		return linux.EBUSY.Ret()
	case old < 0:
		return linux.ENOENT.Ret()
	}
	n, dir, last, e := resolve(newdir, newAddr, &pathB, false)
	switch {
	case e != 0:
		return e.Ret()
	case dotName(last) || len(last) == 0:
		return linux.EBUSY.Ret()
	case dir < 0:
		return linux.ENOENT.Ret()
	}
	return fs.Rename(old, dir, last, n, flags, clock.Realtime()).Ret()
}
