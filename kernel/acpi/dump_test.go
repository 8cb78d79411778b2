package acpi

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

// dumps are the captures in testdata (see testdata/README.md).
var dumps = []string{"pc-seabios", "q35-seabios", "pc-ovmf", "q35-ovmf"}

// dump is one capture: the physical ranges holding the ACPI tables and
// capture.txt's RSDP address and table list.
type dump struct {
	name   string
	segs   []segment
	rsdp   uint64
	tables []dumpTable // as the capture program found them
}

type segment struct {
	base uint64
	data []byte
}

type dumpTable struct {
	sig          string
	addr, length uint64
}

func loadDump(t testing.TB, name string) *dump {
	t.Helper()
	dir := filepath.Join("testdata", name)
	files, err := filepath.Glob(filepath.Join(dir, "mem-*.bin.gz"))
	if err != nil || len(files) == 0 {
		t.Fatalf("%s: no mem-*.bin.gz files (%v)", dir, err)
	}
	d := &dump{name: name}
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
		d.segs = append(d.segs, segment{base, b})
	}
	txt, err := os.ReadFile(filepath.Join(dir, "capture.txt"))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(txt))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok || strings.HasPrefix(k, "#") {
			continue
		}
		switch k {
		case "rsdp":
			d.rsdp, err = strconv.ParseUint(v, 0, 64)
		case "table":
			f := strings.Fields(v)
			if len(f) != 3 {
				t.Fatalf("capture.txt: bad line %q", sc.Text())
			}
			var tb dumpTable
			tb.sig = f[0]
			if tb.addr, err = strconv.ParseUint(f[1], 0, 64); err == nil {
				tb.length, err = strconv.ParseUint(f[2], 0, 64)
			}
			d.tables = append(d.tables, tb)
		}
		if err != nil {
			t.Fatalf("capture.txt: %q: %v", sc.Text(), err)
		}
	}
	if d.rsdp == 0 {
		t.Fatalf("%s: no rsdp= in capture.txt", dir)
	}
	return d
}

// read is the Reader: a view of the captured bytes (so tests can corrupt
// them through it), nil elsewhere.
func (d *dump) read(pa, n uint64) []byte {
	for _, s := range d.segs {
		if pa >= s.base && pa-s.base <= uint64(len(s.data)) && n <= uint64(len(s.data))-(pa-s.base) {
			off := pa - s.base
			return s.data[off : off+n]
		}
	}
	return nil
}

// table returns the bytes of the first table with signature sig that the
// capture program found, or nil.
func (d *dump) table(sig string) []byte {
	for _, tb := range d.tables {
		if tb.sig == sig {
			return d.read(tb.addr, tb.length)
		}
	}
	return nil
}

// mustTable is table, failing the test when the dump lacks it.
func (d *dump) mustTable(t testing.TB, sig string) []byte {
	t.Helper()
	b := d.table(sig)
	if b == nil {
		t.Fatalf("%s: no %s table", d.name, sig)
	}
	return b
}

// fixSum sets byte at so that b sums to zero.
func fixSum(b []byte, at int) {
	b[at] = 0
	b[at] = -sum(b)
}
