package cpio

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

type file struct {
	name string
	mode uint32
	data string
}

func archive(t testing.TB, files []file) []byte {
	t.Helper()
	var b bytes.Buffer
	w := NewWriter(&b)
	for _, f := range files {
		if err := w.Add(f.name, f.mode, 1700000000, []byte(f.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func readAll(b []byte) ([]Entry, Error) {
	r := NewReader(b)
	var es []Entry
	for {
		var e Entry
		err := r.Next(&e)
		if err != OK {
			return es, err
		}
		es = append(es, e)
	}
}

var sample = []file{
	{"dir", TypeDir | 0o755, ""},
	{"dir/a.txt", TypeReg | 0o644, "hello\n"},
	{"dir/empty", TypeReg | 0o600, ""},
	{"dir/link", TypeLink | 0o777, "a.txt"},
	{"odd", TypeReg | 0o644, "abc"}, // data not a multiple of 4
}

func TestRoundTrip(t *testing.T) {
	b := archive(t, sample)
	es, err := readAll(b)
	if err != End || len(es) != len(sample) {
		t.Fatalf("read %d entries, %v", len(es), err)
	}
	for i, f := range sample {
		e := es[i]
		if string(e.Name(b)) != f.name || e.Mode != f.mode || string(e.Data(b)) != f.data || e.Mtime != 1700000000 {
			t.Errorf("entry %d = %q %o %q, want %q %o %q", i, e.Name(b), e.Mode, e.Data(b), f.name, f.mode, f.data)
		}
	}
}

// TestGNUCpio reads what GNU cpio writes (`find . | cpio -o -H newc`), when
// it is installed: ./ prefixes, the "." entry, 512-byte padding at the end.
func TestGNUCpio(t *testing.T) {
	if _, err := exec.LookPath("cpio"); err != nil {
		t.Skip("no cpio command")
	}
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "sub", "f"), []byte("data"), 0o644)
	cmd := exec.Command("sh", "-c", "find . | cpio -o -H newc --quiet")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	es, e := readAll(out)
	if e != End {
		t.Fatalf("read: %v", e)
	}
	var names []string
	for _, en := range es {
		c, p := Clean(en.Name(out))
		if p == NameOK {
			names = append(names, string(c))
		}
	}
	if got := strings.Join(names, " "); !strings.Contains(got, "sub/f") || !strings.Contains(got, "sub") {
		t.Errorf("names %q", got)
	}
}

func TestCorrupt(t *testing.T) {
	good := archive(t, sample)
	set := func(off int, s string) []byte {
		b := bytes.Clone(good)
		copy(b[off:], s)
		return b
	}
	cases := []struct {
		name string
		b    []byte
		want Error
		n    int // entries read before the error
	}{
		{"empty", nil, End, 0},
		{"padding only", make([]byte, 512), End, 0},
		{"not cpio", []byte("ustar\x00 this is a tar file, not cpio ............................................................................................"), ErrMagic, 0},
		{"odc cpio", set(0, "070707"), ErrMagic, 0},
		{"cut header", good[:50], ErrShort, 0},
		{"bad hex", set(6+8, "0000zz00"), ErrHex, 0},
		{"bad hex in an unused field", set(6+8*8, "--------"), ErrHex, 0},
		{"huge file", set(6+6*8, "ffffffff"), ErrSize, 0},
		{"name size 0", set(6+11*8, "00000000"), ErrName, 0},
		{"name size huge", set(6+11*8, "7fffffff"), ErrName, 0},
		{"name without NUL", set(6+11*8, "00000002"), ErrName, 0},
		{"cut in the middle", good[:len(good)-200], ErrShort, 0},
	}
	for _, c := range cases {
		es, err := readAll(c.b)
		if err != c.want {
			t.Errorf("%s: %v (%s) after %d entries, want %v", c.name, err, err, len(es), c.want)
		}
	}
	// An archive cut in the middle of a later entry keeps the earlier ones.
	es, err := readAll(good[:len(good)-150])
	if err == OK || err == End || len(es) == 0 {
		t.Errorf("cut archive: %d entries, %v", len(es), err)
	}
}

func TestClean(t *testing.T) {
	cases := []struct {
		in, out string
		p       Problem
	}{
		{"a", "a", NameOK},
		{"./a/b", "a/b", NameOK},
		{"a/b/", "a/b", NameOK},
		{".", "", Root},
		{"./", "", Root},
		{"", "", Root},
		{"/etc/passwd", "", Absolute},
		{"../x", "", DotDot},
		{"a/../../x", "", DotDot},
		{"a/..", "", DotDot},
		{"a//b", "", Empty},
		{"a/./b", "", Dot},
		{"a\x00b", "", BadByte},
		{strings.Repeat("x", 256), "", TooLong},
		{strings.Repeat("x", 255), strings.Repeat("x", 255), NameOK},
		{"..a/b..", "..a/b..", NameOK},
	}
	for _, c := range cases {
		out, p := Clean([]byte(c.in))
		if string(out) != c.out || p != c.p {
			t.Errorf("Clean(%q) = %q %v, want %q %v", c.in, out, p, c.out, c.p)
		}
	}
	if d, b := Split([]byte("a/b/c")); string(d) != "a/b" || string(b) != "c" {
		t.Errorf("Split = %q %q", d, b)
	}
	if d, b := Split([]byte("c")); d != nil || string(b) != "c" {
		t.Errorf("Split = %q %q", d, b)
	}
}

func TestStrings(t *testing.T) {
	for e := OK; e <= ErrSize; e++ {
		if e.String() == "unknown problem" {
			t.Errorf("Error %d unnamed", e)
		}
	}
	for p := NameOK; p <= BadByte; p++ {
		if p.String() == "unknown problem" {
			t.Errorf("Problem %d unnamed", p)
		}
	}
}

func TestNoAllocs(t *testing.T) {
	b := archive(t, sample)
	if n := testing.AllocsPerRun(100, func() { readAll2(b) }); n != 0 {
		t.Errorf("Next allocates %v times", n)
	}
}

func readAll2(b []byte) {
	r := NewReader(b)
	var e Entry
	for r.Next(&e) == OK {
		Clean(e.Name(b))
	}
}
