package cpio

import (
	"fmt"
	"io"
)

// Writer writes a newc archive (host side: tools/goexec, tests). It is
// ordinary Go code, never used by the kernel.
type Writer struct {
	w   io.Writer
	off int64
	ino uint32
	err error
}

// NewWriter writes an archive to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Add writes one entry: name (a relative path, no NUL), its mode (type and
// permission bits), its modification time (seconds), and its data (a
// symbolic link's target for TypeLink).
func (w *Writer) Add(name string, mode uint32, mtime int64, data []byte) error {
	if w.err != nil {
		return w.err
	}
	w.ino++
	nlink := 1
	if mode&TypeMask == TypeDir {
		nlink = 2
	}
	hdr := fmt.Sprintf("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		w.ino, mode, 0, 0, nlink, uint32(mtime), len(data), 0, 0, 0, 0, len(name)+1, 0)
	w.write([]byte(hdr))
	w.write(append([]byte(name), 0))
	w.pad()
	w.write(data)
	w.pad()
	return w.err
}

// Close writes the trailer.
func (w *Writer) Close() error {
	return w.Add("TRAILER!!!", 0, 0, nil)
}

func (w *Writer) write(b []byte) {
	if w.err != nil {
		return
	}
	n, err := w.w.Write(b)
	w.off += int64(n)
	w.err = err
}

func (w *Writer) pad() {
	if r := w.off % 4; r != 0 {
		w.write(make([]byte, 4-r))
	}
}
