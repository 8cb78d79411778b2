package fs

import "gokernel/kernel/linux"

// maxLinks is how many symbolic links one resolution follows before it
// fails with ELOOP (Linux's MAXSYMLINKS).
const maxLinks = 40

// linkBufs hold a path with a symbolic link's target spliced in; two, so
// that each expansion reads the previous one while writing the other.
var linkBufs [2][PathMax]byte

// Walk resolves path from directory start as Linux's path walk does:
// "/" restarts at the root, "." stays, ".." goes up (the root's parent is
// the root, so no path leaves the tree), a symbolic link in the middle is
// followed, and the last component's link too if follow is set (or the
// path ends in '/'). path must not be in linkBufs.
//
// It returns the node (none if the last component does not exist: then
// dir and last say where to create it), the directory holding the last
// component, and the last component ("" for "/"; "." or ".." as
// written). last may point into linkBufs until the next Walk.
//
//go:nosplit
func Walk(start int32, path []byte, follow bool) (n, dir int32, last []byte, e linux.Errno) {
	if len(path) == 0 {
		return none, none, nil, linux.ENOENT
	}
	if len(path) >= PathMax {
		return none, none, nil, linux.ENAMETOOLONG
	}
	cur, links, buf := start, 0, uint(0)
	if path[0] == '/' {
		cur = Root
	}
	for {
		comp, rest := component(path)
		if len(comp) == 0 { // "/" or only slashes left
			return cur, parentOf(cur), nil, 0
		}
		cn := At(cur)
		if cn == nil || cn.Kind != Dir {
			return none, none, nil, linux.ENOTDIR
		}
		if len(comp) > NameMax {
			return none, none, nil, linux.ENAMETOOLONG
		}
		next := step(cur, comp)
		lastOne, slash := isLast(rest)
		nn := At(next)
		if nn == nil {
			if lastOne {
				return none, cur, comp, 0
			}
			return none, none, nil, linux.ENOENT
		}
		if nn.Kind == Symlink && (!lastOne || follow || slash) {
			links++
			if links > maxLinks {
				return none, none, nil, linux.ELOOP
			}
			p, ok := splice(&linkBufs[buf%2], target(nn), rest)
			if !ok {
				return none, none, nil, linux.ENAMETOOLONG
			}
			buf++
			path = p
			if len(path) > 0 && path[0] == '/' {
				cur = Root // an absolute target; a relative one goes on from cur
			}
			continue
		}
		if lastOne {
			if slash && nn.Kind != Dir {
				return none, none, nil, linux.ENOTDIR
			}
			return next, cur, comp, 0
		}
		cur, path = next, rest
	}
}

// step returns the entry comp of directory d, with "." and "..".
//
//go:nosplit
func step(d int32, comp []byte) int32 {
	switch {
	case len(comp) == 1 && comp[0] == '.':
		return d
	case len(comp) == 2 && comp[0] == '.' && comp[1] == '.':
		return parentOf(d)
	}
	return lookup(d, comp)
}

//go:nosplit
func parentOf(i int32) int32 {
	if n := At(i); n != nil && n.Parent != none {
		return n.Parent
	}
	return Root
}

// component skips leading slashes and returns the next component and the
// rest after it.
//
//go:nosplit
func component(p []byte) (comp, rest []byte) {
	n := uint(len(p))
	i := uint(0)
	for i < n && p[i] == '/' {
		i++
	}
	j := i
	for j < n && p[j] != '/' {
		j++
	}
	if i > j || j > n {
		return nil, nil
	}
	return p[i:j], p[j:]
}

// isLast reports whether rest holds no further component, and whether it
// holds a slash (the path named a directory: "a/").
//
//go:nosplit
func isLast(rest []byte) (last, slash bool) {
	for i := 0; i < len(rest); i++ {
		if rest[i] != '/' {
			return false, false
		}
	}
	return true, len(rest) > 0
}

// target returns symbolic link n's target.
//
//go:nosplit
func target(n *Node) []byte {
	size := n.Size
	if n.data == 0 || size == 0 || size >= PathMax {
		return nil
	}
	return (*[PathMax]byte)(ptr(n.data))[:size:size]
}

// splice writes target, a slash and rest into buf and returns the result.
//
//go:nosplit
func splice(buf *[PathMax]byte, target, rest []byte) ([]byte, bool) {
	if len(target)+1+len(rest) > len(buf) || len(target) == 0 {
		return nil, false
	}
	n := copy(buf[:], target)
	if len(rest) > 0 && n < len(buf) {
		buf[n] = '/'
		n++
		n += copy(buf[n:], rest)
	}
	if uint(n) > uint(len(buf)) {
		return nil, false
	}
	return buf[:n], true
}

// Path writes the absolute path of directory i into buf and returns its
// length, or false if buf is too small (getcwd's ERANGE).
//
//go:nosplit
func Path(i int32, buf []byte) (int, bool) {
	// Measure first, then write from the end.
	size := 0
	for c := i; c != Root; c = parentOf(c) {
		size += 1 + len(Name(c))
		if size > PathMax {
			return 0, false
		}
	}
	if size == 0 {
		size = 1
	}
	if size > len(buf) || len(buf) == 0 {
		return 0, false
	}
	buf[0] = '/'
	end := size
	for c := i; c != Root && end > 0; c = parentOf(c) {
		name := Name(c)
		start := end - len(name)
		if start < 1 || end > len(buf) || start > end {
			return 0, false
		}
		copy(buf[start:end], name)
		buf[start-1] = '/'
		end = start - 1
	}
	return size, true
}
