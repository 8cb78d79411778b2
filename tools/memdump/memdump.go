// Package memdump loads the physical-memory captures that the firmware
// and ACPI parsers' tests read (kernel/firmware/testdata,
// kernel/acpi/testdata): a directory of mem-ADDR.bin.gz files, one per
// captured range (ADDR its start in hex), and a text file of key=value
// lines saying what the capture found. Test helper: each function fails
// the test on a missing or malformed file.
package memdump

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Memory is the captured ranges of one dump.
type Memory struct {
	Segs []Segment
}

// Segment is one captured range: Data from physical address Base.
type Segment struct {
	Base uint64
	Data []byte
}

// Load reads every mem-*.bin.gz file in dir.
func Load(t testing.TB, dir string) *Memory {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "mem-*.bin.gz"))
	if err != nil || len(files) == 0 {
		t.Fatalf("%s: no mem-*.bin.gz files (%v)", dir, err)
	}
	m := &Memory{}
	for _, f := range files {
		base, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "mem-"), ".bin.gz"), 16, 64)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		z, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(z)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		b, err := io.ReadAll(zr)
		z.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		m.Segs = append(m.Segs, Segment{base, b})
	}
	return m
}

// View returns the captured bytes [addr, addr+n), or nil when no range
// holds them all. The slice is the dump's own memory, so tests can
// corrupt it.
func (m *Memory) View(addr, n uint64) []byte {
	for _, s := range m.Segs {
		if addr >= s.Base && addr-s.Base <= uint64(len(s.Data)) && n <= uint64(len(s.Data))-(addr-s.Base) {
			off := addr - s.Base
			return s.Data[off : off+n]
		}
	}
	return nil
}

// Pair is one key=value line.
type Pair struct{ Key, Value string }

// Keys returns the key=value lines of the file at path in order (a key
// may repeat), without the lines that start with '#' or have no '='.
func Keys(t testing.TB, path string) []Pair {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []Pair
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok && !strings.HasPrefix(k, "#") {
			out = append(out, Pair{k, v})
		}
	}
	return out
}
