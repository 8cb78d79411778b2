package acpi

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gokernel/tools/memdump"
)

// dumps are the captures in testdata (see testdata/README.md).
var dumps = []string{"pc-seabios", "q35-seabios", "pc-ovmf", "q35-ovmf"}

// dump is one capture: the physical ranges holding the ACPI tables and
// capture.txt's RSDP address and table list.
type dump struct {
	name string
	*memdump.Memory
	rsdp   uint64
	tables []dumpTable // as the capture program found them
}

type dumpTable struct {
	sig          string
	addr, length uint64
}

func loadDump(t testing.TB, name string) *dump {
	t.Helper()
	dir := filepath.Join("testdata", name)
	d := &dump{name: name, Memory: memdump.Load(t, dir)}
	for _, p := range memdump.Keys(t, filepath.Join(dir, "capture.txt")) {
		var err error
		switch p.Key {
		case "rsdp":
			d.rsdp, err = strconv.ParseUint(p.Value, 0, 64)
		case "table":
			f := strings.Fields(p.Value)
			if len(f) != 3 {
				t.Fatalf("capture.txt: bad line %q", p.Value)
			}
			var tb dumpTable
			tb.sig = f[0]
			if tb.addr, err = strconv.ParseUint(f[1], 0, 64); err == nil {
				tb.length, err = strconv.ParseUint(f[2], 0, 64)
			}
			d.tables = append(d.tables, tb)
		}
		if err != nil {
			t.Fatalf("capture.txt: %s=%s: %v", p.Key, p.Value, err)
		}
	}
	if d.rsdp == 0 {
		t.Fatalf("%s: no rsdp= in capture.txt", dir)
	}
	return d
}

// read is the Reader: a view of the captured bytes (so tests can corrupt
// them through it), nil elsewhere.
func (d *dump) read(pa, n uint64) []byte { return d.View(pa, n) }

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
