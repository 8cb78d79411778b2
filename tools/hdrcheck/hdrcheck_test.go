package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	emptyOnce sync.Once
	emptyImg  []byte
	emptyErr  string
)

// emptyELF builds build/empty.elf (an ELF64 with both headers) with
// `make empty` (or, in Makefiles without that phony target, `make
// build/empty.elf`) and returns a fresh copy of its bytes. It skips the test
// when the tools to build it are missing.
func emptyELF(t *testing.T) []byte {
	t.Helper()
	for _, tool := range []string{"make", "ld"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (needed to build build/empty.elf): %v", tool, err)
		}
	}
	_, errGCC := exec.LookPath("gcc")
	_, errAS := exec.LookPath("as")
	if errGCC != nil && errAS != nil {
		t.Skip("neither gcc nor as installed (needed to build build/empty.elf)")
	}
	emptyOnce.Do(func() {
		root, err := filepath.Abs("../..")
		if err != nil {
			emptyErr = err.Error()
			return
		}
		out, err := exec.Command("make", "-C", root, "empty").CombinedOutput()
		if err != nil {
			out2, err2 := exec.Command("make", "-C", root, "build/empty.elf").CombinedOutput()
			if err2 != nil {
				emptyErr = "make empty: " + err.Error() + "\n" + string(out) +
					"make build/empty.elf: " + err2.Error() + "\n" + string(out2)
				return
			}
		}
		emptyImg, err = os.ReadFile(filepath.Join(root, "build", "empty.elf"))
		if err != nil {
			emptyErr = err.Error()
		}
	})
	if emptyErr != "" {
		t.Fatal(emptyErr)
	}
	return bytes.Clone(emptyImg)
}

func haveGrubFile() bool {
	_, err := exec.LookPath("grub-file")
	return err == nil
}

// runOn writes img to a file and runs hdrcheck on it.
func runOn(t *testing.T, img []byte) (code int, stdout, stderr string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kernel.elf")
	if err := os.WriteFile(path, img, 0o644); err != nil {
		t.Fatal(err)
	}
	var o, e bytes.Buffer
	code = run([]string{path}, &o, &e)
	return code, o.String(), e.String()
}

func TestGoodImage(t *testing.T) {
	img := emptyELF(t)
	s, err := CheckMultiboot1(img)
	if err != nil {
		t.Fatalf("CheckMultiboot1: %v", err)
	}
	if !strings.HasPrefix(s, "multiboot1 header at 0x") || !strings.Contains(s, "a.out kludge: load 0x100000-") {
		t.Errorf("summary %q", s)
	}
	if _, err := CheckUroot(img); err != nil {
		t.Errorf("CheckUroot: %v", err)
	}
	s, err = CheckMultiboot2(img)
	if err != nil {
		t.Fatalf("CheckMultiboot2: %v", err)
	}
	if !strings.Contains(s, "architecture i386") || !strings.HasSuffix(s, "tags: end)") {
		t.Errorf("summary %q", s)
	}
	h1, _ := FindMB1(img)
	h2, _ := FindMB2(img)
	if h1.Offset%4 != 0 || h1.Offset >= 8192 || h2.Offset%8 != 0 || h2.Offset >= 32768 || len(h2.Tags) != 0 {
		t.Errorf("headers at %#x and %#x", h1.Offset, h2.Offset)
	}

	if !haveGrubFile() {
		t.Skip("grub-file not installed (Debian package grub-common): skipping the full run")
	}
	code, stdout, stderr := runOn(t, img)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 5 {
		t.Fatalf("want 5 summary lines, got:\n%s", stdout)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "hdrcheck: ") || !strings.HasSuffix(l, ": ok") {
			t.Errorf("line %q", l)
		}
	}
	if stderr != "" {
		t.Errorf("stderr: %s", stderr)
	}
}

// corruption edits a good image; check names the Check function expected
// to fail and want a substring of its message.
type corruption struct {
	name  string
	edit  func(t *testing.T, img []byte, h1 *MB1Header, h2 *MB2Header) []byte
	check func([]byte) (string, error)
	want  string
}

func put32(img []byte, off int, v uint32) { le.PutUint32(img[off:], v) }

// setMB2 rewrites header_length and fixes the checksum.
func setMB2Length(img []byte, h2 *MB2Header, length uint32) {
	put32(img, h2.Offset+8, length)
	put32(img, h2.Offset+12, -(mb2Magic + h2.Architecture + length))
}

var corruptions = []corruption{
	{"mb1 bad checksum", func(t *testing.T, img []byte, h1 *MB1Header, _ *MB2Header) []byte {
		img[h1.Offset+8] ^= 1
		return img
	}, CheckMultiboot1, "checksum"},
	{"mb1 bad checksum (u-root)", func(t *testing.T, img []byte, h1 *MB1Header, _ *MB2Header) []byte {
		img[h1.Offset+8] ^= 1
		return img
	}, CheckUroot, "multiboot header not found"},
	{"mb1 header past 8 KiB", func(t *testing.T, img []byte, h1 *MB1Header, _ *MB2Header) []byte {
		to := 8192 + h1.Offset
		if len(img) < to+32 {
			img = append(img, make([]byte, to+32-len(img))...)
		}
		copy(img[to:], img[h1.Offset:h1.Offset+32])
		clear(img[h1.Offset : h1.Offset+12])
		return img
	}, CheckMultiboot1, "past the first 8192 bytes"},
	{"mb1 header straddling 8 KiB", func(t *testing.T, img []byte, h1 *MB1Header, _ *MB2Header) []byte {
		to := 8192 - 16
		if len(img) < to+32 {
			img = append(img, make([]byte, to+32-len(img))...)
		}
		copy(img[to:], img[h1.Offset:h1.Offset+32])
		clear(img[h1.Offset : h1.Offset+12])
		return img
	}, CheckMultiboot1, "does not end within the first 8192 bytes"},
	{"mb1 header misaligned", func(t *testing.T, img []byte, h1 *MB1Header, _ *MB2Header) []byte {
		hdr := bytes.Clone(img[h1.Offset : h1.Offset+32])
		clear(img[h1.Offset : h1.Offset+12])
		copy(img[h1.Offset+2:], hdr)
		return img
	}, CheckMultiboot1, "not 4-byte aligned"},
	{"mb1 no header", func(t *testing.T, img []byte, h1 *MB1Header, _ *MB2Header) []byte {
		clear(img[h1.Offset : h1.Offset+12])
		return img
	}, CheckMultiboot1, "no valid header"},
	{"mb1 unsupported flags", func(t *testing.T, img []byte, h1 *MB1Header, _ *MB2Header) []byte {
		flags := h1.Flags | 1<<5
		put32(img, h1.Offset+4, flags)
		put32(img, h1.Offset+8, -(mb1Magic + flags))
		return img
	}, CheckMultiboot1, "mandatory flag bits 0x20"},
	{"mb1 ELF64 without a.out kludge", func(t *testing.T, img []byte, h1 *MB1Header, _ *MB2Header) []byte {
		flags := h1.Flags &^ mb1FlagAOut
		put32(img, h1.Offset+4, flags)
		put32(img, h1.Offset+8, -(mb1Magic + flags))
		return img
	}, CheckMultiboot1, "refuses ELF64"},
	{"mb1 load_end beyond file", func(t *testing.T, img []byte, h1 *MB1Header, _ *MB2Header) []byte {
		put32(img, h1.Offset+20, h1.LoadAddr+uint32(len(img)))
		return img
	}, CheckMultiboot1, "is beyond the end of the file"},
	{"mb1 load_end below load_addr", func(t *testing.T, img []byte, h1 *MB1Header, _ *MB2Header) []byte {
		put32(img, h1.Offset+20, h1.LoadAddr-1)
		return img
	}, CheckMultiboot1, "is below load_addr"},
	{"mb1 entry outside load range", func(t *testing.T, img []byte, h1 *MB1Header, _ *MB2Header) []byte {
		put32(img, h1.Offset+28, h1.LoadEndAddr)
		return img
	}, CheckMultiboot1, "outside the loaded range"},
	{"mb1 entry below load_addr", func(t *testing.T, img []byte, h1 *MB1Header, _ *MB2Header) []byte {
		put32(img, h1.Offset+28, h1.LoadAddr-4)
		return img
	}, CheckMultiboot1, "outside the loaded range"},
	{"mb1 bss_end below load_end", func(t *testing.T, img []byte, h1 *MB1Header, _ *MB2Header) []byte {
		put32(img, h1.Offset+24, h1.LoadEndAddr-4)
		return img
	}, CheckMultiboot1, "bss_end_addr"},
	{"mb1 load_addr above header_addr", func(t *testing.T, img []byte, h1 *MB1Header, _ *MB2Header) []byte {
		put32(img, h1.Offset+16, h1.HeaderAddr+4)
		return img
	}, CheckMultiboot1, "above header_addr"},
	{"mb1 load_addr before file start", func(t *testing.T, img []byte, h1 *MB1Header, _ *MB2Header) []byte {
		put32(img, h1.Offset+16, h1.HeaderAddr-uint32(h1.Offset)-4)
		return img
	}, CheckMultiboot1, "before the start of the file"},
	{"mb2 missing end tag", func(t *testing.T, img []byte, _ *MB1Header, h2 *MB2Header) []byte {
		setMB2Length(img, h2, h2.Length-8)
		return img
	}, CheckMultiboot2, "end tag missing"},
	{"mb2 misaligned", func(t *testing.T, img []byte, _ *MB1Header, h2 *MB2Header) []byte {
		hdr := bytes.Clone(img[h2.Offset : h2.Offset+int(h2.Length)])
		clear(img[h2.Offset : h2.Offset+4])
		copy(img[h2.Offset+4:], hdr)
		return img
	}, CheckMultiboot2, "not 8-byte aligned"},
	{"mb2 bad checksum", func(t *testing.T, img []byte, _ *MB1Header, h2 *MB2Header) []byte {
		img[h2.Offset+12] ^= 0x80
		return img
	}, CheckMultiboot2, "checksum"},
	{"mb2 architecture 4", func(t *testing.T, img []byte, _ *MB1Header, h2 *MB2Header) []byte {
		put32(img, h2.Offset+4, 4)
		put32(img, h2.Offset+12, -(mb2Magic + 4 + h2.Length))
		return img
	}, CheckMultiboot2, "architecture 4"},
	{"mb2 header past 32 KiB", func(t *testing.T, img []byte, _ *MB1Header, h2 *MB2Header) []byte {
		to := 32768 + h2.Offset
		img = append(img, make([]byte, to+int(h2.Length)-len(img))...)
		copy(img[to:], img[h2.Offset:h2.Offset+int(h2.Length)])
		clear(img[h2.Offset : h2.Offset+4])
		return img
	}, CheckMultiboot2, "past the first 32768 bytes"},
	{"mb2 end tag past header_length", func(t *testing.T, img []byte, _ *MB1Header, h2 *MB2Header) []byte {
		put32(img, h2.Offset+int(h2.Length)-4, 16)
		return img
	}, CheckMultiboot2, "runs past header_length"},
	{"mb2 tag size 0", func(t *testing.T, img []byte, _ *MB1Header, h2 *MB2Header) []byte {
		put32(img, h2.Offset+int(h2.Length)-4, 0)
		return img
	}, CheckMultiboot2, "has size 0"},
	{"mb2 header_length too small", func(t *testing.T, img []byte, _ *MB1Header, h2 *MB2Header) []byte {
		setMB2Length(img, h2, 12)
		return img
	}, CheckMultiboot2, "less than its 16-byte fixed part"},
	{"mb2 unknown required tag", func(t *testing.T, img []byte, _ *MB1Header, h2 *MB2Header) []byte {
		// Turn the end tag into tag 42 and append a new end tag.
		end := h2.Offset + int(h2.Length)
		put32(img, end-8, 42)
		copy(img[end:], []byte{0, 0, 0, 0, 8, 0, 0, 0})
		setMB2Length(img, h2, h2.Length+8)
		return img
	}, CheckMultiboot2, "tag type 42"},
	{"mb2 no header", func(t *testing.T, img []byte, _ *MB1Header, h2 *MB2Header) []byte {
		clear(img[h2.Offset : h2.Offset+4])
		return img
	}, CheckMultiboot2, "no valid header"},
}

func TestCorrupted(t *testing.T) {
	good := emptyELF(t)
	for _, c := range corruptions {
		t.Run(c.name, func(t *testing.T) {
			img := bytes.Clone(good)
			h1, err := FindMB1(img)
			if err != nil {
				t.Fatal(err)
			}
			h2, err := FindMB2(img)
			if err != nil {
				t.Fatal(err)
			}
			img = c.edit(t, img, h1, h2)
			_, err = c.check(img)
			if err == nil {
				t.Fatalf("check passed; want an error containing %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not contain %q", err, c.want)
			}
			// The program fails and says why.
			code, _, stderr := runOn(t, img)
			if code != 1 || !strings.Contains(stderr, c.want) || !strings.Contains(stderr, "a loader would reject this image") {
				t.Fatalf("exit %d, stderr:\n%s", code, stderr)
			}
		})
	}
}

// A header with load_end_addr 0 loads to the end of the file, and one with
// bss_end_addr 0 has no bss.
func TestAOutZeroFields(t *testing.T) {
	img := make([]byte, 0x2000)
	h := &MB1Header{Offset: 0x100, Flags: mb1FlagAOut, HeaderAddr: 0x100100, LoadAddr: 0x100000, EntryAddr: 0x101fff}
	r, err := ValidateAOut(img, h)
	if err != nil {
		t.Fatal(err)
	}
	if r.FileOffset != 0 || r.LoadEnd != 0x102000 || r.BSSEnd != 0x102000 {
		t.Errorf("%+v", r)
	}
	h.EntryAddr = 0x102000
	if _, err := ValidateAOut(img, h); err == nil || !strings.Contains(err.Error(), "outside") {
		t.Errorf("entry at load end: %v", err)
	}
}

func TestGrubFileMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := CheckGrubFile("/nonexistent", "multiboot")
	if err == nil || !strings.Contains(err.Error(), "grub-common") {
		t.Fatalf("err = %v", err)
	}
}

func TestGrubFileRejects(t *testing.T) {
	if !haveGrubFile() {
		t.Skip("grub-file not installed (Debian package grub-common)")
	}
	path := filepath.Join(t.TempDir(), "junk.elf")
	if err := os.WriteFile(path, make([]byte, 4096), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"multiboot", "multiboot2"} {
		if _, err := CheckGrubFile(path, p); err == nil || !strings.Contains(err.Error(), "rejects the image") {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestUsage(t *testing.T) {
	var o, e bytes.Buffer
	if code := run(nil, &o, &e); code != 2 || !strings.Contains(e.String(), "usage") {
		t.Errorf("no args: %d %q", code, e.String())
	}
	if code := run([]string{filepath.Join(t.TempDir(), "missing.elf")}, &o, &e); code != 1 {
		t.Errorf("missing file: %d", code)
	}
}

// mb2Image returns a file with a Multiboot2 header at 0x1020 made of the
// given tags (each already padded to 8 bytes), with a right checksum.
func mb2Image(tags ...[]byte) []byte {
	img := make([]byte, 0x2000)
	h := img[0x1020:]
	n := 16
	for _, t := range tags {
		n += copy(h[n:], t)
	}
	le.PutUint32(h, mb2Magic)
	le.PutUint32(h[8:], uint32(n))
	le.PutUint32(h[12:], -(mb2Magic + uint32(n)))
	return img
}

// The kernel's own header shape: an optional information request for the
// command line and memory map, then the end tag.
func TestMB2Tags(t *testing.T) {
	infoReq := []byte{1, 0, 1, 0, 16, 0, 0, 0, 1, 0, 0, 0, 6, 0, 0, 0}
	end := []byte{0, 0, 0, 0, 8, 0, 0, 0}
	s, err := CheckMultiboot2(mb2Image(infoReq, end))
	if err != nil || s != "multiboot2 header at 0x1020 (architecture i386, 40 bytes, tags: information-request(optional), end)" {
		t.Fatalf("%q %v", s, err)
	}
	// An odd-sized tag is padded to 8 bytes before the next one.
	console := []byte{4, 0, 0, 0, 12, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0}
	if _, err := CheckMultiboot2(mb2Image(console, end)); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		tags [][]byte
		want string
	}{
		{[][]byte{infoReq}, "end tag missing"},
		{[][]byte{infoReq, {0, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}}, "end tag at header offset 0x20 has size 16"},
		{[][]byte{{1, 0, 1, 0, 64, 0, 0, 0}, end}, "runs past header_length 32"},
		{[][]byte{{1, 0, 1, 0, 4, 0, 0, 0}, end}, "has size 4"},
		{[][]byte{{99, 0, 0, 0, 8, 0, 0, 0}, end}, "tag type 99"},
	}
	for _, c := range cases {
		if _, err := CheckMultiboot2(mb2Image(c.tags...)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want %q, got %v", c.want, err)
		}
	}
	// An unknown tag marked optional is fine.
	if _, err := CheckMultiboot2(mb2Image([]byte{99, 0, 1, 0, 8, 0, 0, 0}, end)); err != nil {
		t.Error(err)
	}
	// A header running past the file's end.
	img := mb2Image(infoReq, end)[:0x1030]
	if _, err := CheckMultiboot2(img); err == nil || !strings.Contains(err.Error(), "cut off by the end of the file") {
		t.Errorf("cut off: %v", err)
	}
}
