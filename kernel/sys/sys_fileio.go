package sys

import (
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/clock"
	"gokernel/kernel/fs"
	"gokernel/kernel/linux"
	"gokernel/kernel/mem"
)

// Open files of kernel/fs: read, write, pread64, pwrite64, lseek, fstat,
// getdents64, ftruncate, fsync (fs/read_write.c, fs/readdir.c, fs/stat.c,
// fs/open.c).

// maxFileIO bounds the bytes one read or write moves: the copy runs with
// interrupts off. A shorter count is a short read or write, which Go's
// os.File (and any careful program) completes with more calls.
const maxFileIO = 1 << 20

// fileRead reads from the position (or at off for pread).
//
//go:nosplit
func fileRead(file *file, buf, n, off uint64, pread bool) uint64 {
	node := fs.At(file.node)
	switch {
	case node == nil || !file.rd:
		return linux.EBADF.Ret()
	case node.Kind == fs.Dir:
		return linux.EISDIR.Ret()
	case !mem.UserRange(buf, n):
		return linux.EFAULT.Ret()
	}
	if !pread {
		off = file.pos
	}
	if off >= node.Size {
		return 0
	}
	n = min(n, maxFileIO, node.Size-off)
	b, ok := mem.UserBytes(buf, n, true)
	if !ok {
		return linux.EFAULT.Ret()
	}
	got := fs.Read(file.node, off, b)
	if !pread {
		file.pos += got
	}
	return got
}

// fileWrite writes at the position (the end with O_APPEND, which Linux
// applies to pwrite too), or at off for pwrite.
//
//go:nosplit
func fileWrite(file *file, buf, n, off uint64, pwrite bool) uint64 {
	node := fs.At(file.node)
	switch {
	case node == nil || !file.wr:
		return linux.EBADF.Ret()
	case node.Kind == fs.Dir:
		return linux.EISDIR.Ret()
	case !mem.UserRange(buf, n):
		return linux.EFAULT.Ret()
	}
	if !pwrite {
		off = file.pos
	}
	if file.app {
		off = node.Size
	}
	n = min(n, maxFileIO)
	b, ok := mem.UserBytes(buf, n, false)
	if !ok {
		return linux.EFAULT.Ret()
	}
	w, e := fs.Write(file.node, off, b, clock.Realtime())
	if e != 0 {
		return e.Ret()
	}
	if !pwrite {
		file.pos = off + w
	}
	return w
}

//go:nosplit
func sysPread64(f *arch.Frame) uint64 {
	file, e := positional(f)
	if e != 0 {
		return e.Ret()
	}
	return fileRead(file, arg2(f), arg3(f), arg4(f), true)
}

//go:nosplit
func sysPwrite64(f *arch.Frame) uint64 {
	file, e := positional(f)
	if e != 0 {
		return e.Ret()
	}
	return fileWrite(file, arg2(f), arg3(f), arg4(f), true)
}

// positional checks pread64's and pwrite64's descriptor and offset, in
// Linux's order (ksys_pread64: the offset, then FMODE_PREAD, which only
// files have).
//
//go:nosplit
func positional(f *arch.Frame) (*file, linux.Errno) {
	file := lookup(arg1(f))
	switch {
	case file == nil:
		return nil, linux.EBADF
	case int64(arg4(f)) < 0:
		return nil, linux.EINVAL
	case file.kind != fdFile:
		return nil, linux.ESPIPE
	}
	return file, 0
}

// sysLseek moves the position; a directory's is the index of its next
// entry (SEEK_SET 0 rewinds it). SEEK_DATA and SEEK_HOLE see one extent.
//
//go:nosplit
func sysLseek(f *arch.Frame) uint64 {
	file, off, whence := lookup(arg1(f)), int64(arg2(f)), arg3(f)
	switch {
	case file == nil:
		return linux.EBADF.Ret()
	case file.kind != fdFile:
		return linux.ESPIPE.Ret()
	case whence > linux.SEEK_HOLE:
		return linux.EINVAL.Ret()
	}
	node := fs.At(file.node)
	if node == nil {
		return linux.EBADF.Ret()
	}
	size := int64(node.Size)
	var pos int64
	switch whence {
	case linux.SEEK_SET:
		pos = off
	case linux.SEEK_CUR:
		pos = int64(file.pos) + off
	case linux.SEEK_END:
		pos = size + off
	case linux.SEEK_DATA, linux.SEEK_HOLE:
		if off < 0 || off >= size {
			return linux.ENXIO.Ret()
		}
		pos = off
		if whence == linux.SEEK_HOLE {
			pos = size
		}
	}
	if pos < 0 {
		return linux.EINVAL.Ret()
	}
	file.pos = uint64(pos)
	return uint64(pos)
}

//go:nosplit
func sysFstat(f *arch.Frame) uint64 { return fstat(arg1(f), arg2(f)) }

// fstat describes an open descriptor: a file of the tree, the console
// (a character device, as a terminal is), or an eventfd or epoll
// instance (an anonymous inode: mode 0600, no type).
//
//go:nosplit
func fstat(fd, addr uint64) uint64 {
	file := lookup(fd)
	if file == nil {
		return linux.EBADF.Ret()
	}
	switch file.kind {
	case fdFile:
		fs.Stat(file.node, &statBuf)
	case fdPipe:
		statBuf = linux.Stat{Dev: 12, Ino: uint64(file.node) + 1, Nlink: 1, Mode: linux.S_IFIFO | 0o600, Blksize: 4096}
	case fdSocket:
		statBuf = linux.Stat{Dev: 8, Ino: uint64(file.node) + 1, Nlink: 1, Mode: linux.S_IFSOCK | 0o777, Blksize: 4096}
	case fdConsole:
		statBuf = linux.Stat{Dev: 5, Ino: fd + 1, Nlink: 1, Mode: linux.S_IFCHR | 0o620, Rdev: 4<<8 | 64, Blksize: 1024}
	default:
		statBuf = linux.Stat{Dev: 13, Ino: fd + 1, Nlink: 1, Mode: 0o600, Blksize: 4096}
	}
	return putStat(addr)
}

// sysGetdents64 fills linux_dirent64 records from the directory's
// position: ".", "..", then its entries. A buffer too small for the next
// record is EINVAL if nothing fitted (fs/readdir.c filldir64).
//
//go:nosplit
func sysGetdents64(f *arch.Frame) uint64 {
	file, buf, count := lookup(arg1(f)), arg2(f), uint64(uint32(arg3(f)))
	if file == nil {
		return linux.EBADF.Ret()
	}
	if node := fs.At(file.node); file.kind != fdFile || node == nil || node.Kind != fs.Dir {
		return linux.ENOTDIR.Ret()
	}
	if !mem.UserRange(buf, count) {
		return linux.EFAULT.Ret()
	}
	done := uint64(0)
	for {
		name, ino, typ, ok := dirEntry(file.node, file.pos)
		if !ok {
			return done
		}
		reclen := (linux.DirentHeader + uint64(len(name)) + 1 + 7) &^ 7
		if done+reclen > count {
			if done == 0 {
				return linux.EINVAL.Ret()
			}
			return done
		}
		b, okb := mem.UserBytes(buf+done, reclen, true)
		if !okb || uint64(len(b)) < reclen || reclen < linux.DirentHeader {
			return linux.EFAULT.Ret()
		}
		*(*uint64)(unsafe.Pointer(&b[0])) = ino
		*(*uint64)(unsafe.Pointer(&b[8])) = file.pos + 1
		*(*uint16)(unsafe.Pointer(&b[16])) = uint16(reclen)
		b[18] = typ
		c := copy(b[linux.DirentHeader:], name)
		for i := linux.DirentHeader + c; i < len(b); i++ {
			b[i] = 0
		}
		done += reclen
		file.pos++
	}
}

// dirEntry returns the entry at position pos of directory d.
//
//go:nosplit
func dirEntry(d int32, pos uint64) (name []byte, ino uint64, typ uint8, ok bool) {
	switch pos {
	case 0:
		return dot[:1], uint64(d) + 1, linux.DT_DIR, true
	case 1:
		return dot[:], uint64(fs.At(d).Parent) + 1, linux.DT_DIR, true
	}
	c := fs.Child(d, pos-2)
	if c < 0 {
		return nil, 0, 0, false
	}
	return fs.Name(c), uint64(c) + 1, fs.Type(c), true
}

var dot = [2]byte{'.', '.'}

//go:nosplit
func sysFtruncate(f *arch.Frame) uint64 {
	file, size := lookup(arg1(f)), int64(arg2(f))
	switch {
	case file == nil:
		return linux.EBADF.Ret()
	case size < 0 || file.kind != fdFile || !file.wr:
		return linux.EINVAL.Ret()
	}
	return fs.Truncate(file.node, uint64(size), clock.Realtime()).Ret()
}

// sysFsync has nothing to write back: memory is the only storage.
//
//go:nosplit
func sysFsync(f *arch.Frame) uint64 {
	file := lookup(arg1(f))
	switch {
	case file == nil:
		return linux.EBADF.Ret()
	case file.kind != fdFile:
		return linux.EINVAL.Ret()
	}
	return 0
}
