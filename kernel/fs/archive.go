package fs

import (
	"unsafe"

	"gokernel/kernel/console"
	"gokernel/kernel/fs/cpio"
)

// Mount makes the tree: the root, the files of the cpio archive b (a boot
// module, which stays where it is: nodes point into it; nil for none), and
// /tmp. Entries that cannot be added are skipped with a warning line each;
// a corrupt header ends the archive with one. It returns the number of
// files and directories added, and where the archive stopped if it was
// corrupt (cpio.End otherwise).
//
//go:nosplit
func Mount(b []byte, now int64) (files, dirs int, stop cpio.Error) {
	nodes[Root] = Node{Kind: Dir, Perm: 0o755, Parent: Root, child: none, next: none, Links: 1, Mtime: now}
	r := cpio.NewReader(b)
	var e cpio.Entry
	for {
		if stop = r.Next(&e); stop != cpio.OK {
			break
		}
		switch add(b, &e) {
		case Reg, Symlink:
			files++
		case Dir:
			dirs++
		}
	}
	if stop != cpio.End {
		console.WriteString("fs: the archive is corrupt at byte ")
		console.Dec(int64(r.Offset()))
		console.WriteString(": ")
		console.WriteString(stop.String())
		console.Line("; the entries before it are kept")
	}
	makeTmp(now)
	return files, dirs, stop
}

// maxArchiveFile bounds an archive file: a boot module has 32-bit
// addresses (multiboot), so no file of one is larger.
const maxArchiveFile = 1 << 32

// tmpName is /tmp's name, in the image.
const tmpName = "tmp"

//go:nosplit
func makeTmp(now int64) {
	i := alloc(Dir)
	n := At(i)
	if n == nil {
		console.Line("fs: no node for /tmp")
		return
	}
	n.Tmp, n.Perm, n.Mtime = true, 0o1777, now
	n.name, n.nameLen = uintptr(unsafe.Pointer(unsafe.StringData(tmpName))), uint16(len(tmpName))
	attach(Root, i)
	Tmp = i
}

// add adds one entry to the tree and returns its kind, or Free if it was
// skipped (with a warning).
//
//go:nosplit
func add(b []byte, e *cpio.Entry) Kind {
	raw, data := e.Name(b), e.Data(b)
	name, p := cpio.Clean(raw)
	if p == cpio.Root {
		return Free
	}
	if p != cpio.NameOK {
		skip(raw, p.String())
		return Free
	}
	if first, _ := firstComponent(name); len(first) == 3 && string(first) == tmpName {
		skip(raw, "/tmp is the in-memory file system")
		return Free
	}
	var k Kind
	switch e.Mode & cpio.TypeMask {
	case cpio.TypeReg:
		k = Reg
		if uint64(len(data)) > maxArchiveFile {
			skip(raw, "a file over 4 GiB")
			return Free
		}
	case cpio.TypeDir:
		k = Dir
	case cpio.TypeLink:
		k = Symlink
		if len(data) == 0 || len(data) >= PathMax {
			skip(raw, "a symbolic link with an empty or over-long target")
			return Free
		}
	default:
		skip(raw, "not a regular file, directory or symbolic link")
		return Free
	}
	dirName, base := cpio.Split(name)
	d := mkdirs(dirName, e.Mtime)
	if d == none {
		skip(raw, "no room for its directory, or a file is in the way")
		return Free
	}
	perm, mtime := uint16(e.Mode&cpio.PermMask), int64(e.Mtime)*1_000_000_000
	if old := lookup(d, base); old != none {
		if on := At(old); on != nil && on.Kind == Dir && k == Dir {
			on.Perm, on.Mtime = perm, mtime // the directory made for an earlier entry
			return Free
		}
		skip(raw, "a second entry of that name; the first is kept")
		return Free
	}
	i := alloc(k)
	n := At(i)
	if n == nil {
		skip(raw, "the file table is full")
		return Free
	}
	n.Perm, n.Mtime = perm, mtime
	n.name, n.nameLen = addrOf(base), uint16(len(base))
	if k != Dir {
		n.data, n.Size = addrOf(data), uint64(len(data))
	}
	attach(d, i)
	return k
}

// mkdirs returns the directory called name (a cleaned path, "" for the
// root), making the missing ones with the archive's mtime.
//
//go:nosplit
func mkdirs(name []byte, mtime uint32) int32 {
	d := int32(Root)
	for len(name) > 0 {
		c, rest := firstComponent(name)
		name = rest
		next := lookup(d, c)
		if next == none {
			next = alloc(Dir)
			n := At(next)
			if n == nil {
				return none
			}
			n.Perm, n.Mtime = 0o755, int64(mtime)*1_000_000_000
			n.name, n.nameLen = addrOf(c), uint16(len(c))
			attach(d, next)
		} else if nn := At(next); nn == nil || nn.Kind != Dir {
			return none
		}
		d = next
	}
	return d
}

// firstComponent splits "a/b/c" into "a" and "b/c".
//
//go:nosplit
func firstComponent(name []byte) (first, rest []byte) {
	for i := 0; i < len(name); i++ {
		if name[i] == '/' {
			return name[:i], name[i+1:]
		}
	}
	return name, nil
}

//go:nosplit
func addrOf(b []byte) uintptr {
	if len(b) == 0 {
		return 0
	}
	return uintptr(unsafe.Pointer(&b[0]))
}

// skip prints the warning for an entry left out: its name, with control
// bytes shown as '?' (a corrupt name must not drive the terminal), cut to
// NameMax bytes.
//
//go:nosplit
func skip(name []byte, why string) {
	n := copy(shown[:], name)
	for i := 0; i < n && i < len(shown); i++ {
		if c := shown[i]; c < 0x20 || c == 0x7f {
			shown[i] = '?'
		}
	}
	console.WriteString("fs: skipped ")
	console.Write(shown[:n])
	console.WriteString(": ")
	console.Line(why)
}

var shown [NameMax]byte
