package firmware

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// reader wraps the PhysReader: it splits reads into MaxRead pieces,
// rejects short answers and wrapping ranges, and charges every byte to a
// budget so that a Probe over corrupt tables stays bounded.
type reader struct {
	read   PhysReader
	budget int
}

var errBudget = errors.New("read budget exhausted")

// bytes returns n bytes of physical memory at addr.
func (r *reader) bytes(addr uint64, n int) ([]byte, error) {
	if n < 0 || n > MaxTable {
		return nil, fmt.Errorf("%d bytes at %#x: too long", n, addr)
	}
	if addr+uint64(n) < addr {
		return nil, fmt.Errorf("%d bytes at %#x: range wraps", n, addr)
	}
	if n > r.budget {
		r.budget = 0
		return nil, errBudget
	}
	r.budget -= n
	out := make([]byte, 0, n)
	for len(out) < n {
		k := min(n-len(out), MaxRead)
		a := addr + uint64(len(out))
		b, err := r.read(a, k)
		if err != nil {
			return nil, fmt.Errorf("reading %d bytes at %#x: %w", k, a, err)
		}
		if len(b) < k {
			return nil, fmt.Errorf("reading %d bytes at %#x: got %d", k, a, len(b))
		}
		out = append(out, b[:k]...)
	}
	return out, nil
}

func (r *reader) u16(addr uint64) (uint16, error) {
	b, err := r.bytes(addr, 2)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint16(b), nil
}

// seeker is an io.ReadSeeker over physical memory, the /dev/mem that
// u-root's ebda.ReadEBDA expects.
type seeker struct {
	r   *reader
	pos int64
}

func (s *seeker) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n := min(len(p), MaxRead)
	b, err := s.r.bytes(uint64(s.pos), n)
	if err != nil {
		return 0, err
	}
	s.pos += int64(n)
	return copy(p, b), nil
}

func (s *seeker) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		off += s.pos
	default:
		return s.pos, errors.New("seek: unsupported whence")
	}
	if off < 0 {
		return s.pos, errors.New("seek: negative position")
	}
	s.pos = off
	return off, nil
}

// checksum returns the byte sum of b; ACPI and SMBIOS structures sum to 0.
func checksum(b []byte) byte {
	var s byte
	for _, x := range b {
		s += x
	}
	return s
}

func le16(b []byte, off int) uint16 { return binary.LittleEndian.Uint16(b[off:]) }
func le32(b []byte, off int) uint32 { return binary.LittleEndian.Uint32(b[off:]) }
func le64(b []byte, off int) uint64 { return binary.LittleEndian.Uint64(b[off:]) }

// cstr returns b up to its first NUL, without surrounding blanks.
func cstr(b []byte) string {
	for i, c := range b {
		if c == 0 {
			b = b[:i]
			break
		}
	}
	return printable(string(b))
}

// printable trims blanks and replaces control characters and invalid
// UTF-8 with '?', so that strings from corrupt memory cannot garble a
// console.
func printable(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			return '?'
		}
		return r
	}, s))
}
