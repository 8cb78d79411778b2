package cpio

// Problem says why an entry's name is not accepted.
type Problem uint8

const (
	NameOK   Problem = iota
	Root             // the archive's root itself ("." or "./"): nothing to add
	Absolute         // starts with '/'
	DotDot           // a ".." component: it would escape the root
	Empty            // an empty component ("a//b") or an empty name
	Dot              // a "." component inside the name ("a/./b")
	TooLong          // a component over 255 bytes (NAME_MAX)
	BadByte          // a NUL inside the name
)

// String describes p.
//
//go:nosplit
func (p Problem) String() string {
	switch p {
	case NameOK:
		return "ok"
	case Root:
		return "the root itself"
	case Absolute:
		return "an absolute path"
	case DotDot:
		return "a '..' component would escape the root"
	case Empty:
		return "an empty path component"
	case Dot:
		return "a '.' component inside the path"
	case TooLong:
		return "a component longer than 255 bytes"
	case BadByte:
		return "a NUL byte in the name"
	}
	return "unknown problem"
}

// NameMax is the longest path component (Linux's NAME_MAX).
const NameMax = 255

// Clean checks an entry's name and returns it without leading "./" and
// trailing '/' (writers differ: "./a/b", "a/b", "a/"). Other "." and
// ".." components are refused, never resolved, so no entry can land
// outside the archive's root. The result is a slice of name.
//
//go:nosplit
func Clean(name []byte) ([]byte, Problem) {
	if len(name) > 0 && name[0] == '/' {
		return nil, Absolute
	}
	for len(name) >= 2 && name[0] == '.' && name[1] == '/' {
		name = name[2:]
	}
	for len(name) > 0 && name[len(name)-1] == '/' {
		name = name[:len(name)-1]
	}
	if len(name) == 0 || (len(name) == 1 && name[0] == '.') {
		return nil, Root
	}
	start := 0
	for i := 0; i <= len(name); i++ {
		if i < len(name) && name[i] == 0 {
			return nil, BadByte
		}
		if i < len(name) && name[i] != '/' {
			continue
		}
		if i < start {
			return nil, Empty
		}
		c := name[start:i]
		switch {
		case len(c) == 0:
			return nil, Empty
		case len(c) == 2 && c[0] == '.' && c[1] == '.':
			return nil, DotDot
		case len(c) == 1 && c[0] == '.':
			return nil, Dot
		case len(c) > NameMax:
			return nil, TooLong
		}
		start = i + 1
	}
	return name, NameOK
}

// Split returns the last component of a cleaned name and what precedes
// it ("" for a name at the root).
//
//go:nosplit
func Split(name []byte) (dir, base []byte) {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' {
			return name[:i], name[i+1:]
		}
	}
	return nil, name
}
