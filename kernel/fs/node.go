// Package fs is the kernel's file system: a read-only tree from a cpio
// archive passed as a boot module, mounted at /, and a writable tree in
// memory at /tmp. kernel/sys serves the file system calls on it.
//
// The tree is a table of nodes (this file). An archive node keeps its name
// and bytes where the boot module holds them (archive.go); a /tmp node has
// its name in a slot of its own and its bytes in pages from the frame
// allocator (data.go). Paths resolve as Linux's namei does, symbolic links
// included (path.go); the operations are in ops.go.
//
// Ring 0: every function is //go:nosplit, allocates nothing and stores no
// Go pointers (nodes refer to each other by index, to memory by address).
// The big kernel lock serialises all calls, so the package's scratch
// buffers and tables need no lock of their own.
package fs

import (
	"gokernel/arch"
	"gokernel/kernel/linux"
)

// Limits: the node table, and Linux's NAME_MAX and PATH_MAX.
const (
	MaxNodes = 4096
	NameMax  = 255
	PathMax  = 4096
)

// Root is the node of "/". Tmp is the node of "/tmp" once Init made it.
const (
	Root = 0
	none = -1
)

// Kind is a node's file type.
type Kind uint8

const (
	Free Kind = iota
	Dir
	Reg
	Symlink
)

// Node is a file, a directory or a symbolic link.
type Node struct {
	Kind    Kind
	Tmp     bool   // in the writable tree at /tmp
	Perm    uint16 // permission bits (0o7777)
	nameLen uint16
	Parent  int32  // the directory naming it (Root's is Root)
	child   int32  // a directory's first entry
	next    int32  // the next entry of the parent
	Links   uint32 // 1 while a directory names it, then 0
	Opens   uint32 // open descriptors, and the working directory
	subdirs uint32 // a directory's subdirectories (for st_nlink)
	name    uintptr
	Size    uint64
	data    uintptr // archive: the bytes; /tmp file: page index (data.go)
	Mtime   int64   // ns since the Unix epoch
}

var (
	nodes [MaxNodes]Node
	// Tmp is the node of /tmp.
	Tmp int32 = none
	// Cwd is the working directory.
	Cwd int32 = Root
	// hint is where alloc starts looking.
	hint int32
)

// At returns node i, or nil if i is not a node in use.
//
//go:nosplit
func At(i int32) *Node {
	if uint32(i) >= MaxNodes || nodes[i].Kind == Free {
		return nil
	}
	return &nodes[i]
}

// Name returns node i's name (empty for Root).
//
//go:nosplit
func Name(i int32) []byte {
	n := At(i)
	if n == nil || n.name == 0 {
		return nil
	}
	l := uint(n.nameLen)
	if l > NameMax {
		return nil
	}
	return (*[NameMax]byte)(arch.Ptr(n.name))[:l:l]
}

// alloc returns a free node, cleared, or none.
//
//go:nosplit
func alloc(k Kind) int32 {
	for j := uint32(0); j < MaxNodes; j++ {
		i := (uint32(hint) + j) % MaxNodes
		if i != Root && nodes[i].Kind == Free {
			nodes[i] = Node{Kind: k, Parent: none, child: none, next: none}
			hint = int32(i + 1)
			return int32(i)
		}
	}
	return none
}

// attach makes node i the last entry of directory d.
//
//go:nosplit
func attach(d, i int32) {
	dn, n := At(d), At(i)
	if dn == nil || n == nil {
		return
	}
	n.Parent, n.next, n.Links = d, none, 1
	if n.Kind == Dir {
		dn.subdirs++
	}
	if dn.child == none {
		dn.child = i
		return
	}
	for c := dn.child; ; {
		cn := At(c)
		if cn == nil {
			return
		}
		if cn.next == none {
			cn.next = i
			return
		}
		c = cn.next
	}
}

// detach removes node i from its directory. It stays allocated while open.
//
//go:nosplit
func detach(i int32) {
	n := At(i)
	if n == nil {
		return
	}
	if dn := At(n.Parent); dn != nil {
		if dn.child == i {
			dn.child = n.next
		} else {
			for c := dn.child; c != none; {
				cn := At(c)
				if cn == nil {
					break
				}
				if cn.next == i {
					cn.next = n.next
					break
				}
				c = cn.next
			}
		}
		if n.Kind == Dir && dn.subdirs > 0 {
			dn.subdirs--
		}
	}
	n.next, n.Links = none, 0
}

// release frees node i once no directory names it and nothing holds it
// open: its pages and its table entry.
//
//go:nosplit
func release(i int32) {
	n := At(i)
	if n == nil || n.Links != 0 || n.Opens != 0 || i == Root {
		return
	}
	if n.Tmp && n.Kind == Reg {
		truncatePages(n, 0)
	}
	clear(i)
}

// clear frees table entry i.
//
//go:nosplit
func clear(i int32) {
	if uint32(i) < MaxNodes {
		nodes[i] = Node{}
	}
}

// Hold counts one more reference (an open descriptor, the working
// directory) to node i; Drop gives it back, freeing a removed node.
//
//go:nosplit
func Hold(i int32) {
	if n := At(i); n != nil {
		n.Opens++
	}
}

//go:nosplit
func Drop(i int32) {
	if n := At(i); n != nil && n.Opens > 0 {
		n.Opens--
		release(i)
	}
}

// Child returns the k-th entry of directory d (0 first) or none.
//
//go:nosplit
func Child(d int32, k uint64) int32 {
	dn := At(d)
	if dn == nil || dn.Kind != Dir {
		return none
	}
	c := dn.child
	for ; c != none && k > 0; k-- {
		cn := At(c)
		if cn == nil {
			return none
		}
		c = cn.next
	}
	return c
}

// lookup returns the entry of directory d called name, or none.
//
//go:nosplit
func lookup(d int32, name []byte) int32 {
	dn := At(d)
	if dn == nil || dn.Kind != Dir {
		return none
	}
	for c := dn.child; c != none; {
		if equal(Name(c), name) {
			return c
		}
		cn := At(c)
		if cn == nil {
			return none
		}
		c = cn.next
	}
	return none
}

//go:nosplit
func equal(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Stat fills st for node i (ino is i+1, everything owned by root:root,
// one device).
//
//go:nosplit
func Stat(i int32, st *linux.Stat) {
	n := At(i)
	if n == nil {
		return
	}
	*st = linux.Stat{Dev: 1, Ino: uint64(i) + 1, Nlink: uint64(n.Links), Blksize: 4096}
	switch n.Kind {
	case Dir:
		st.Mode = linux.S_IFDIR
		st.Nlink = 2 + uint64(n.subdirs)
	case Reg:
		st.Mode = linux.S_IFREG
	case Symlink:
		st.Mode = linux.S_IFLNK
	}
	st.Mode |= uint32(n.Perm)
	st.Size = int64(n.Size)
	st.Blocks = int64((n.Size + 511) / 512)
	t := linux.Timespec{Sec: n.Mtime / 1_000_000_000, Nsec: n.Mtime % 1_000_000_000}
	st.Atime, st.Mtime, st.Ctime = t, t, t
}

// Type returns the getdents64 type of node i.
//
//go:nosplit
func Type(i int32) uint8 {
	if n := At(i); n != nil {
		switch n.Kind {
		case Dir:
			return linux.DT_DIR
		case Reg:
			return linux.DT_REG
		case Symlink:
			return linux.DT_LNK
		}
	}
	return linux.DT_UNKNOWN
}
