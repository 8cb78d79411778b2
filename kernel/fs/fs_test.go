package fs

import (
	"bytes"
	"strings"
	"testing"
	"unsafe"

	"gokernel/kernel/fs/cpio"
	"gokernel/kernel/linux"
	"gokernel/kernel/mem"
)

// The tree on the host: a Go buffer stands in for RAM (view), the frame
// allocator hands out its pages, and a cpio archive built with the
// package's writer is mounted as the boot module would be.

const fakeFrames = 1024

var fakeRAM, fakeBitmap, theArchive []byte

type entry struct {
	name string
	mode uint32
	data string
}

var sample = []entry{
	{"./pkg", cpio.TypeDir | 0o755, ""},
	{"./pkg/go.mod", cpio.TypeReg | 0o644, "module x\n"},
	{"./pkg/testdata/a.txt", cpio.TypeReg | 0o644, "alpha\n"}, // no entry for testdata: made
	{"./pkg/link", cpio.TypeLink | 0o777, "testdata/a.txt"},
	{"./pkg/abs", cpio.TypeLink | 0o777, "/pkg/go.mod"},
	{"./pkg/loop", cpio.TypeLink | 0o777, "loop"},
	{"../escape", cpio.TypeReg | 0o644, "no"},
	{"/abs", cpio.TypeReg | 0o644, "no"},
	{"./tmp/x", cpio.TypeReg | 0o644, "no"},
	{"./dev", cpio.TypeReg | 0o644, "first"},
	{"./dev", cpio.TypeReg | 0o644, "second"},
	{"./fifo", 0o010644, ""},
}

func machine(t *testing.T, es []entry) (files, dirs int) {
	t.Helper()
	fakeRAM = make([]byte, (fakeFrames+1)*mem.PageSize)
	base := (uintptr(unsafe.Pointer(&fakeRAM[0])) + mem.PageSize - 1) &^ (mem.PageSize - 1)
	fakeBitmap = make([]byte, 8*((fakeFrames+63)/64))
	view = base
	mem.Frames.Init(uintptr(unsafe.Pointer(&fakeBitmap[0])), fakeFrames)
	mem.Frames.AddFree(mem.PageSize, fakeFrames*mem.PageSize)
	mem.LowWater = 0
	nodes = [MaxNodes]Node{}
	namePages = [len(namePages)]uint64{}
	Tmp, Cwd, hint = none, Root, 0
	var b bytes.Buffer
	w := cpio.NewWriter(&b)
	for _, e := range es {
		w.Add(e.name, e.mode, 1700000000, []byte(e.data))
	}
	w.Close()
	theArchive = b.Bytes()
	files, dirs, stop := Mount(theArchive, 1_700_000_000_000_000_000)
	if stop != cpio.End {
		t.Fatalf("Mount stopped: %v", stop)
	}
	t.Cleanup(func() { view = 0 })
	return files, dirs
}

func walk(t *testing.T, p string, follow bool) (int32, linux.Errno) {
	t.Helper()
	n, _, _, e := Walk(Cwd, []byte(p), follow)
	return n, e
}

func read(t *testing.T, i int32) string {
	t.Helper()
	n := At(i)
	if n == nil {
		t.Fatalf("node %d is gone", i)
	}
	buf := make([]byte, n.Size+10)
	return string(buf[:Read(i, 0, buf)])
}

func TestMount(t *testing.T) {
	files, dirs := machine(t, sample)
	if files != 6 || dirs != 1 {
		t.Errorf("files %d dirs %d", files, dirs)
	}
	cases := []struct {
		path   string
		follow bool
		data   string
		err    linux.Errno
	}{
		{"/pkg/go.mod", true, "module x\n", 0},
		{"pkg/testdata/a.txt", true, "alpha\n", 0},
		{"/pkg/link", true, "alpha\n", 0},
		{"/pkg/abs", true, "module x\n", 0},
		{"/pkg/../pkg/./go.mod", true, "module x\n", 0},
		{"/../../pkg/go.mod", true, "module x\n", 0}, // .. at the root stays there
		{"/dev", true, "first", 0},
		{"/pkg/loop", true, "", linux.ELOOP},
		{"/pkg/go.mod/x", true, "", linux.ENOTDIR},
		{"/pkg/go.mod/", true, "", linux.ENOTDIR},
		{"/nothing/x", true, "", linux.ENOENT},
		{"", true, "", linux.ENOENT},
		{"/" + strings.Repeat("x", 256), true, "", linux.ENAMETOOLONG},
	}
	for _, c := range cases {
		n, e := walk(t, c.path, c.follow)
		if e != c.err {
			t.Errorf("Walk(%q) = %d, %v; want %v", c.path, n, e, c.err)
			continue
		}
		if e == 0 && read(t, n) != c.data {
			t.Errorf("Walk(%q): read %q, want %q", c.path, read(t, n), c.data)
		}
	}
	for _, p := range []string{"/escape", "/abs", "/tmp/x", "/fifo"} {
		if n, e := walk(t, p, true); e != 0 || n != none {
			t.Errorf("%s exists: %d %v", p, n, e)
		}
	}
	// A link not followed is itself.
	if n, e := walk(t, "/pkg/link", false); e != 0 || string(Readlink(n)) != "testdata/a.txt" {
		t.Errorf("lstat of the link: %d %v %q", n, e, Readlink(n))
	}
	var st linux.Stat
	d, _ := walk(t, "/pkg", true)
	Stat(d, &st)
	if st.Mode != linux.S_IFDIR|0o755 || st.Nlink != 3 || st.Mtime.Sec != 1700000000 {
		t.Errorf("stat /pkg = %+v", st)
	}
	if got, _ := walk(t, "/", true); got != Root {
		t.Errorf("/ is %d", got)
	}
	buf := make([]byte, 64)
	if n, ok := Path(d, buf); !ok || string(buf[:n]) != "/pkg" {
		t.Errorf("Path = %q %v", buf[:n], ok)
	}
	if n, ok := Path(Root, buf); !ok || string(buf[:n]) != "/" {
		t.Errorf("Path(root) = %q %v", buf[:n], ok)
	}
	if _, ok := Path(d, buf[:3]); ok {
		t.Error("Path fits in 3 bytes")
	}
}

func TestReadOnly(t *testing.T) {
	machine(t, sample)
	pkg, _ := walk(t, "/pkg", true)
	mod, _ := walk(t, "/pkg/go.mod", true)
	if _, e := Create(pkg, []byte("new"), Reg, 0o644, 0); e != linux.EROFS {
		t.Errorf("create in the archive: %v", e)
	}
	if e := Remove(mod, false, 0); e != linux.EROFS {
		t.Errorf("unlink in the archive: %v", e)
	}
	if _, e := Write(mod, 0, []byte("x"), 0); e != linux.EROFS {
		t.Errorf("write: %v", e)
	}
	if e := Truncate(mod, 0, 0); e != linux.EROFS {
		t.Errorf("truncate: %v", e)
	}
	if e := Rename(mod, Tmp, []byte("m"), none, 0, 0); e != linux.EXDEV {
		t.Errorf("rename to /tmp: %v", e)
	}
	if e := Remove(Tmp, true, 0); e != linux.EBUSY {
		t.Errorf("rmdir /tmp: %v", e)
	}
}

func TestTmp(t *testing.T) {
	machine(t, sample)
	free := mem.Frames.FreeCount()
	d, e := Create(Tmp, []byte("dir"), Dir, 0o755, 5)
	if e != 0 {
		t.Fatal(e)
	}
	f, e := Create(d, []byte("f"), Reg, 0o644, 5)
	if e != 0 {
		t.Fatal(e)
	}
	// A write across pages and past a hole.
	data := bytes.Repeat([]byte("0123456789"), 1000)
	if w, e := Write(f, 5000, data, 6); e != 0 || w != uint64(len(data)) {
		t.Fatalf("Write = %d %v", w, e)
	}
	got := make([]byte, 5000+len(data))
	if n := Read(f, 0, got); n != uint64(len(got)) || !bytes.Equal(got[5000:], data) || !bytes.Equal(got[:5000], make([]byte, 5000)) {
		t.Fatalf("Read = %d", n)
	}
	if e := Truncate(f, 5003, 7); e != 0 {
		t.Fatal(e)
	}
	if e := Truncate(f, 9000, 7); e != 0 {
		t.Fatal(e)
	}
	got = make([]byte, 9000)
	Read(f, 0, got)
	if string(got[5000:5003]) != "012" || !bytes.Equal(got[5003:], make([]byte, 9000-5003)) {
		t.Errorf("after truncate and extend: %q", got[5000:5010])
	}
	// Rename within /tmp, over an existing file, and into itself.
	g, _ := Create(Tmp, []byte("g"), Reg, 0o644, 8)
	if e := Rename(f, Tmp, []byte("g"), g, 0, 9); e != 0 {
		t.Fatal(e)
	}
	if n, e := walk(t, "/tmp/g", true); e != 0 || n != f {
		t.Errorf("/tmp/g = %d %v, want %d", n, e, f)
	}
	if n, _ := walk(t, "/tmp/dir/f", true); n != none {
		t.Error("the old name still exists")
	}
	if e := Rename(d, d, []byte("x"), none, 0, 9); e != linux.EINVAL {
		t.Errorf("rename into itself: %v", e)
	}
	if e := Rename(f, Tmp, []byte("dir"), d, 0, 9); e != linux.EISDIR {
		t.Errorf("file over directory: %v", e)
	}
	if e := Rename(f, Tmp, []byte("dir"), d, linux.RENAME_NOREPLACE, 9); e != linux.EEXIST {
		t.Errorf("noreplace: %v", e)
	}
	// Directories: not empty, then removed.
	Create(d, []byte("inner"), Reg, 0o644, 9)
	if e := Remove(d, true, 10); e != linux.ENOTEMPTY {
		t.Errorf("rmdir of a full directory: %v", e)
	}
	in, _ := walk(t, "/tmp/dir/inner", true)
	if e := Remove(in, true, 10); e != linux.ENOTDIR {
		t.Errorf("rmdir of a file: %v", e)
	}
	if e := Remove(d, false, 10); e != linux.EISDIR {
		t.Errorf("unlink of a directory: %v", e)
	}
	Remove(in, false, 10)
	if e := Remove(d, true, 10); e != 0 {
		t.Errorf("rmdir: %v", e)
	}
	// An open file lives on after unlink, and its pages go with its last close.
	Hold(f)
	if e := Remove(f, false, 11); e != 0 {
		t.Fatal(e)
	}
	if At(f) == nil || Read(f, 5000, got[:3]) != 3 {
		t.Error("an open, unlinked file lost its bytes")
	}
	Drop(f)
	if At(f) != nil {
		t.Error("the last close kept the node")
	}
	if now := mem.Frames.FreeCount(); now != free-1 { // the name slots' page stays
		t.Errorf("%d frames free, want %d", now, free-1)
	}
}

func TestReaddir(t *testing.T) {
	machine(t, sample)
	pkg, _ := walk(t, "/pkg", true)
	var names []string
	for k := uint64(0); ; k++ {
		c := Child(pkg, k)
		if c == none {
			break
		}
		names = append(names, string(Name(c)))
	}
	if got := strings.Join(names, " "); got != "go.mod testdata link abs loop" {
		t.Errorf("entries %q", got)
	}
}

func TestFull(t *testing.T) {
	machine(t, nil)
	mem.LowWater = mem.Frames.FreeCount()*mem.PageSize - 4*mem.PageSize
	f, e := Create(Tmp, []byte("big"), Reg, 0o644, 1)
	if e != 0 {
		t.Fatal(e)
	}
	w, e := Write(f, 0, make([]byte, 1<<20), 1)
	if e != 0 || w == 0 || w >= 1<<20 {
		t.Errorf("a write past the floor: %d %v", w, e)
	}
	if w2, e := Write(f, w, make([]byte, 1<<20), 1); e != linux.ENOSPC || w2 != 0 {
		t.Errorf("at the floor: %d %v", w2, e)
	}
	if _, e := Write(f, MaxFile, []byte("x"), 1); e != linux.EFBIG {
		t.Errorf("past the largest file: %v", e)
	}
	// The table fills up.
	mem.LowWater = 0
	n := 0
	for ; n < MaxNodes; n++ {
		if _, e := Create(Tmp, []byte{byte('a' + n%26), byte(n), byte(n >> 8), 1}, Reg, 0o644, 1); e != 0 {
			if e != linux.ENOSPC {
				t.Fatalf("Create: %v", e)
			}
			break
		}
	}
	if n < MaxNodes-10 {
		t.Errorf("only %d files fit", n)
	}
}

func TestCorruptArchive(t *testing.T) {
	machine(t, nil)
	var b bytes.Buffer
	w := cpio.NewWriter(&b)
	w.Add("a", cpio.TypeReg|0o644, 0, []byte("ok"))
	w.Add("b", cpio.TypeReg|0o644, 0, []byte("cut"))
	w.Close()
	cut := b.Bytes()[:b.Len()-130]
	theArchive = cut
	nodes = [MaxNodes]Node{}
	files, _, stop := Mount(cut, 0)
	if files != 1 || stop == cpio.End || stop == cpio.OK {
		t.Errorf("files %d stop %v", files, stop)
	}
	if n, _ := walk(t, "/a", true); read(t, n) != "ok" {
		t.Error("the entry before the damage is lost")
	}
}
