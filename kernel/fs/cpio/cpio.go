// Package cpio reads the "new" (SVR4, newc) cpio archive format, the
// format of Linux's initramfs, which the kernel mounts read-only at / from
// a boot module.
//
// Why cpio newc and not tar: every header is 110 bytes of fixed-width hex
// fields with the name's length and the file's length given outright, so
// the reader needs no checksum rules, no octal or base-256 numbers, no
// prefix/name splitting and no PAX or GNU long-name records (which Go's
// archive/tar writes for names over 100 bytes); symbolic links are
// entries whose data is the target; it is what Linux itself unpacks at
// boot (`find . | cpio -o -H newc`). The writer is a few lines
// (tools/goexec/cpio.go).
//
// Format (Linux, Documentation/driver-api/early-userspace/buffer-format.rst;
// cpio(5)): each entry is a header, the name, then the data:
//
//	c_magic    6  "070701" (or "070702": with a checksum, not checked)
//	c_ino      8  the 13 numeric fields are 8 hex digits each
//	c_mode     8  file type and permissions (S_IFREG, S_IFDIR, S_IFLNK ...)
//	c_uid, c_gid, c_nlink, c_mtime  8 each
//	c_filesize 8  bytes of data
//	c_devmajor, c_devminor, c_rdevmajor, c_rdevminor  8 each
//	c_namesize 8  bytes of the name, its NUL included
//	c_check    8
//	name       c_namesize bytes, then zeros to a multiple of 4 (counting
//	           from the header's start)
//	data       c_filesize bytes, then zeros to a multiple of 4
//
// The entry named "TRAILER!!!" ends the archive.
//
// Next reads one entry from a byte slice and never panics or reads past
// it, whatever the bytes (fuzz_test.go); it allocates nothing and is
// //go:nosplit, so the kernel runs it in ring 0 at boot. Checking names is
// Clean's job: the caller decides what a bad name costs.
package cpio

// HeaderSize is the size of an entry header.
const HeaderSize = 110

// Mode bits (cpio(5), as stat's st_mode).
const (
	TypeMask = 0o170000
	TypeReg  = 0o100000
	TypeDir  = 0o040000
	TypeLink = 0o120000
	PermMask = 0o7777
)

// MaxName is the longest name Next accepts (Linux's PATH_MAX, with its NUL).
const MaxName = 4096

// Entry is one archive member, by offsets into the archive (no slices, so
// that filling one in ring 0 stores no pointers: no write barrier).
type Entry struct {
	Mode, Mtime      uint32
	Off              uint64 // the header's offset in the archive
	NameOff, NameLen uint64 // the name, without its NUL
	DataOff, DataLen uint64
}

// Name returns the entry's name, a slice of the archive b it came from.
//
//go:nosplit
func (e *Entry) Name(b []byte) []byte { return slice(b, e.NameOff, e.NameLen) }

// Data returns the entry's data (a link's target), a slice of b.
//
//go:nosplit
func (e *Entry) Data(b []byte) []byte { return slice(b, e.DataOff, e.DataLen) }

//go:nosplit
func slice(b []byte, off, n uint64) []byte {
	if off > uint64(len(b)) || n > uint64(len(b))-off {
		return nil
	}
	return b[off : off+n : off+n]
}

// Error says why the archive cannot be read further.
type Error uint8

const (
	OK       Error = iota
	End            // the trailer, or the end of the bytes between entries
	ErrMagic       // no "070701"/"070702" where a header starts
	ErrHex         // a field that is not 8 hex digits
	ErrShort       // a header cut by the end of the archive
	ErrName        // a name size of 0, over MaxName, or without its NUL
	ErrSize        // name or data running past the end of the archive
)

// String describes e.
//
//go:nosplit
func (e Error) String() string {
	switch e {
	case OK:
		return "ok"
	case End:
		return "end of archive"
	case ErrMagic:
		return "no cpio newc header (magic 070701) where one should start"
	case ErrHex:
		return "a header field is not hexadecimal"
	case ErrShort:
		return "the archive ends inside a header"
	case ErrName:
		return "a name is empty, too long, or not NUL-terminated"
	case ErrSize:
		return "an entry's size runs past the end of the archive"
	}
	return "unknown problem"
}

// Reader walks an archive.
type Reader struct {
	b   []byte
	off uint64
	end bool
}

// NewReader starts reading b.
//
//go:nosplit
func NewReader(b []byte) Reader { return Reader{b: b} }

// Offset is where the next header starts.
//
//go:nosplit
func (r *Reader) Offset() uint64 { return r.off }

// Next reads the next entry into e. It returns OK, End after the trailer
// (or when only padding is left), or the error that makes the rest of the
// archive unreadable; after End or an error it keeps returning it.
//
//go:nosplit
func (r *Reader) Next(e *Entry) Error {
	if r.end {
		return End
	}
	err := r.next(e)
	if err != OK {
		r.end = true
	}
	return err
}

//go:nosplit
func (r *Reader) next(e *Entry) Error {
	n := uint64(len(r.b))
	if r.off >= n || zeros(r.b, r.off) {
		return End
	}
	if n-r.off < HeaderSize {
		return ErrShort
	}
	h := r.b[r.off:]
	if len(h) < HeaderSize {
		return ErrShort
	}
	if h[0] != '0' || h[1] != '7' || h[2] != '0' || h[3] != '7' || h[4] != '0' || (h[5] != '1' && h[5] != '2') {
		return ErrMagic
	}
	mode, ok1 := hex8(h, 14)
	mtime, ok2 := hex8(h, 46)
	size, ok3 := hex8(h, 54)
	nameSize, ok4 := hex8(h, 94)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return ErrHex
	}
	for f := 6; f < HeaderSize; f += 8 { // every numeric field, even unused ones
		if _, ok := hex8(h, f); !ok {
			return ErrHex
		}
	}
	if nameSize == 0 || nameSize > MaxName {
		return ErrName
	}
	nameOff := r.off + HeaderSize
	if nameSize > n-nameOff {
		return ErrSize
	}
	if r.b[nameOff+nameSize-1] != 0 {
		return ErrName
	}
	dataOff := pad4(nameOff + nameSize)
	if dataOff > n || size > n-dataOff {
		return ErrSize
	}
	*e = Entry{
		Mode:    uint32(mode),
		Mtime:   uint32(mtime),
		Off:     r.off,
		NameOff: nameOff,
		NameLen: nameSize - 1,
		DataOff: dataOff,
		DataLen: size,
	}
	r.off = pad4(dataOff + size)
	if string(e.Name(r.b)) == "TRAILER!!!" {
		return End
	}
	return OK
}

// hex8 parses the 8 hex digits at h[off:].
//
//go:nosplit
func hex8(h []byte, off int) (uint64, bool) {
	if off < 0 || off+8 > len(h) {
		return 0, false
	}
	var v uint64
	for i := off; i < off+8 && i < len(h); i++ {
		c := h[i]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		v = v<<4 | uint64(c)
	}
	return v, true
}

//go:nosplit
func pad4(n uint64) uint64 { return (n + 3) &^ 3 }

// zeros reports whether b holds only zeros from off on: the padding some
// writers add after the trailer (to a 512-byte block), or a module
// rounded up to pages.
//
//go:nosplit
func zeros(b []byte, off uint64) bool {
	for i := off; i < uint64(len(b)); i++ {
		if b[i] != 0 {
			return false
		}
	}
	return true
}
