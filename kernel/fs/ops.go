package fs

import "gokernel/kernel/linux"

// The operations on the tree, with Linux's errors. Only /tmp changes:
// anything else is EROFS, and moving between the two trees EXDEV.

// Create makes an empty file, or a directory if kind is Dir, called name
// in directory d, with permissions perm, and returns it.
//
//go:nosplit
func Create(d int32, name []byte, kind Kind, perm uint16, now int64) (int32, linux.Errno) {
	dn := At(d)
	switch {
	case dn == nil || dn.Kind != Dir:
		return none, linux.ENOTDIR
	case dn.Links == 0:
		return none, linux.ENOENT // a removed directory takes no entries
	case !dn.Tmp:
		return none, linux.EROFS
	case len(name) > NameMax:
		return none, linux.ENAMETOOLONG
	case isDot(name):
		return none, linux.EEXIST
	}
	i := alloc(kind)
	n := At(i)
	if n == nil {
		return none, linux.ENOSPC
	}
	if !setName(i, name) {
		clear(i)
		return none, linux.ENOSPC
	}
	n.Tmp, n.Perm, n.Mtime = true, perm&0o7777, now
	attach(d, i)
	dn.Mtime = now
	return i, 0
}

// Remove removes node i from its directory: a directory if dir (rmdir),
// anything else otherwise (unlink). A removed file lives on while open.
//
//go:nosplit
func Remove(i int32, dir bool, now int64) linux.Errno {
	n := At(i)
	switch {
	case n == nil:
		return linux.ENOENT
	case i == Root || i == Tmp:
		return linux.EBUSY // a mount point
	case !n.Tmp:
		return linux.EROFS
	case dir && n.Kind != Dir:
		return linux.ENOTDIR
	case !dir && n.Kind == Dir:
		return linux.EISDIR
	case dir && n.child != none:
		return linux.ENOTEMPTY
	}
	if p := At(n.Parent); p != nil {
		p.Mtime = now
	}
	detach(i)
	release(i)
	return 0
}

// Rename moves node old to the entry name of directory d, replacing
// node existing there (none if there is none), with renameat2's flags
// (RENAME_NOREPLACE; the others are not supported).
//
//go:nosplit
func Rename(old, d int32, name []byte, existing int32, flags uint32, now int64) linux.Errno {
	on, dn := At(old), At(d)
	switch {
	case on == nil:
		return linux.ENOENT
	case dn == nil || dn.Kind != Dir:
		return linux.ENOTDIR
	case old == Root || old == Tmp || existing == Root || existing == Tmp:
		return linux.EBUSY
	case !on.Tmp && !dn.Tmp:
		return linux.EROFS
	case on.Tmp != dn.Tmp:
		return linux.EXDEV
	case dn.Links == 0:
		return linux.ENOENT
	case len(name) > NameMax:
		return linux.ENAMETOOLONG
	case isDot(name):
		return linux.EBUSY
	case flags&linux.RENAME_NOREPLACE != 0 && existing != none:
		return linux.EEXIST
	case existing == old:
		return 0 // the same file: nothing to do (rename(2))
	case on.Kind == Dir && within(d, old):
		return linux.EINVAL // into itself
	}
	if en := At(existing); en != nil {
		switch {
		case on.Kind == Dir && en.Kind != Dir:
			return linux.ENOTDIR
		case on.Kind != Dir && en.Kind == Dir:
			return linux.EISDIR
		case en.Kind == Dir && en.child != none:
			return linux.ENOTEMPTY
		}
		detach(existing)
		release(existing)
	}
	if p := At(on.Parent); p != nil {
		p.Mtime = now
	}
	detach(old)
	if !setName(old, name) {
		attach(on.Parent, old) // cannot happen: the slot's page exists
		return linux.ENOSPC
	}
	attach(d, old)
	dn.Mtime = now
	return 0
}

// within reports whether directory d is dir or lies below it.
//
//go:nosplit
func within(d, dir int32) bool {
	for i := 0; i < MaxNodes; i++ {
		if d == dir {
			return true
		}
		if d == Root {
			return false
		}
		d = parentOf(d)
	}
	return false
}

//go:nosplit
func isDot(name []byte) bool {
	return len(name) == 0 || (len(name) == 1 && name[0] == '.') || (len(name) == 2 && name[0] == '.' && name[1] == '.')
}

// Read copies the bytes of file i at off into dst and returns how many:
// fewer at the end of the file.
//
//go:nosplit
func Read(i int32, off uint64, dst []byte) uint64 {
	n := At(i)
	if n == nil || n.Kind != Reg || off >= n.Size {
		return 0
	}
	c := min(uint64(len(dst)), n.Size-off)
	if n.Tmp {
		readTmp(n, off, dst[:c])
		return c
	}
	end := off + c
	if end > n.Size || end > maxArchiveFile || off > end {
		return 0
	}
	copy(dst, (*[maxArchiveFile]byte)(ptr(n.data))[off:end:end])
	return c
}

// Write copies src into /tmp file i at off and returns how many bytes it
// stored: EFBIG past MaxFile, ENOSPC when no byte fitted in memory.
//
//go:nosplit
func Write(i int32, off uint64, src []byte, now int64) (uint64, linux.Errno) {
	n := At(i)
	switch {
	case n == nil || n.Kind != Reg:
		return 0, linux.EINVAL
	case !n.Tmp:
		return 0, linux.EROFS
	case off >= MaxFile:
		return 0, linux.EFBIG
	}
	if len(src) == 0 {
		return 0, 0
	}
	src = src[:min(uint64(len(src)), MaxFile-off)]
	w := writeTmp(n, off, src)
	if w == 0 {
		return 0, linux.ENOSPC
	}
	n.Mtime = now
	return w, 0
}

// Truncate sets /tmp file i's size: longer reads as zeros, shorter frees
// the pages past the end.
//
//go:nosplit
func Truncate(i int32, size uint64, now int64) linux.Errno {
	n := At(i)
	switch {
	case n == nil:
		return linux.ENOENT
	case n.Kind == Dir:
		return linux.EISDIR
	case n.Kind != Reg:
		return linux.EINVAL
	case !n.Tmp:
		return linux.EROFS
	case size > MaxFile:
		return linux.EFBIG
	}
	if size < n.Size {
		truncatePages(n, size)
	} else {
		n.Size = size
	}
	n.Mtime = now
	return 0
}

// Readlink returns symbolic link i's target, or nil if i is not a link.
//
//go:nosplit
func Readlink(i int32) []byte {
	n := At(i)
	if n == nil || n.Kind != Symlink {
		return nil
	}
	return target(n)
}
