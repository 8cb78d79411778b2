package exec

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	goProg    []byte // a static linux/amd64 Go program
	pieProg   []byte // the same with -buildmode=pie
	buildErr  error
)

// programs builds a tiny Go program as `go build` and `go test -c` do for
// the kernel (CGO_ENABLED=0), and as a PIE.
func programs(t *testing.T) ([]byte, []byte) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds Go programs")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "exectest")
		if err != nil {
			buildErr = err
			return
		}
		defer os.RemoveAll(dir)
		os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() { println(\"hi\") }\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module hi\n\ngo 1.26\n"), 0o644)
		build := func(out string, args ...string) []byte {
			cmd := exec.Command("go", append(append([]string{"build", "-o", out}, args...), ".")...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0")
			if b, err := cmd.CombinedOutput(); err != nil {
				buildErr = err
				t.Logf("%s", b)
				return nil
			}
			b, _ := os.ReadFile(filepath.Join(dir, out))
			return b
		}
		goProg = build("hi")
		pieProg = build("hi.pie", "-buildmode=pie")
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return goProg, pieProg
}

func TestParseGoProgram(t *testing.T) {
	prog, _ := programs(t)
	var p Program
	if e := Parse(prog, &p); e != OK {
		t.Fatalf("Parse: %v", e)
	}
	if p.NSegs != 3 || p.Segs[0].Vaddr != 0x400000 || !p.Segs[0].Exec || !p.Segs[2].Write {
		t.Errorf("segments %+v", p.Segs[:p.NSegs])
	}
	if p.Entry < 0x401000 || p.Phdr != 0x400040 || p.Phnum == 0 || p.Pages == 0 {
		t.Errorf("entry %#x phdr %#x phnum %d pages %d", p.Entry, p.Phdr, p.Phnum, p.Pages)
	}
	last := p.Segs[2]
	if last.Memsz <= last.Filesz {
		t.Errorf("the data segment has no bss: %+v", last)
	}
}

// mutate returns a copy of prog with f applied.
func mutate(prog []byte, f func(b []byte)) []byte {
	b := bytes.Clone(prog)
	f(b)
	return b
}

// phdrAt returns the offset of program header i.
func phdrAt(b []byte, i int) int {
	return int(binary.LittleEndian.Uint64(b[32:])) + i*phdrSize
}

// firstLoad returns the index of the first PT_LOAD header.
func firstLoad(b []byte) int {
	for i := 0; ; i++ {
		if binary.LittleEndian.Uint32(b[phdrAt(b, i):]) == ptLoad {
			return i
		}
	}
}

func TestParseBad(t *testing.T) {
	prog, pie := programs(t)
	le := binary.LittleEndian
	cases := []struct {
		name string
		b    []byte
		want Error
	}{
		{"empty", nil, ErrShort},
		{"text", []byte("#!/bin/sh\necho hi\n"), ErrMagic},
		{"header cut", prog[:40], ErrShort},
		{"32-bit", mutate(prog, func(b []byte) { b[4] = 1 }), ErrClass},
		{"big-endian", mutate(prog, func(b []byte) { b[5] = 2 }), ErrData},
		{"arm64", mutate(prog, func(b []byte) { le.PutUint16(b[18:], 183) }), ErrMachine},
		{"pie", pie, ErrDyn},
		{"relocatable", mutate(prog, func(b []byte) { le.PutUint16(b[16:], 1) }), ErrType},
		{"phentsize", mutate(prog, func(b []byte) { le.PutUint16(b[54:], 32) }), ErrPhdrs},
		{"phoff past the end", mutate(prog, func(b []byte) { le.PutUint64(b[32:], uint64(len(b))) }), ErrPhdrs},
		{"interp", mutate(prog, func(b []byte) { le.PutUint32(b[phdrAt(b, 0):], ptInterp) }), ErrInterp},
		{"no load", mutate(prog, func(b []byte) {
			for i := 0; i < int(le.Uint16(b[56:])); i++ {
				if le.Uint32(b[phdrAt(b, i):]) == ptLoad {
					le.PutUint32(b[phdrAt(b, i):], 4) // PT_NOTE
				}
			}
		}), ErrNoLoad},
		{"filesz > memsz", mutate(prog, func(b []byte) {
			h := phdrAt(b, firstLoad(b))
			le.PutUint64(b[h+32:], le.Uint64(b[h+40:])+1)
		}), ErrFileSize},
		{"file bytes past the end", prog[:len(prog)/2], ErrFileRange},
		{"misaligned", mutate(prog, func(b []byte) {
			h := phdrAt(b, firstLoad(b))
			le.PutUint64(b[h+16:], le.Uint64(b[h+16:])+8)
		}), ErrAlign},
		{"in the kernel's half", mutate(prog, func(b []byte) {
			h := phdrAt(b, firstLoad(b))
			le.PutUint64(b[h+16:], 0xffff_ffff_8010_0000)
		}), ErrAddress},
		{"in page 0", mutate(prog, func(b []byte) {
			h := phdrAt(b, firstLoad(b))
			le.PutUint64(b[h+16:], 0)
		}), ErrAddress},
		{"too big", mutate(prog, func(b []byte) {
			h := phdrAt(b, firstLoad(b))
			le.PutUint64(b[h+40:], 1<<40)
		}), ErrAddress},
		{"overlap", mutate(prog, func(b []byte) {
			h, h2 := phdrAt(b, firstLoad(b)), phdrAt(b, firstLoad(b)+1)
			le.PutUint64(b[h2+16:], le.Uint64(b[h+16:])+le.Uint64(b[h2+8:])%PageSize)
		}), ErrOverlap},
		{"entry outside text", mutate(prog, func(b []byte) { le.PutUint64(b[24:], 0x10) }), ErrEntry},
	}
	for _, c := range cases {
		var p Program
		if e := Parse(c.b, &p); e != c.want {
			t.Errorf("%s: Parse = %v (%s), want %v (%s)", c.name, e, e, c.want, c.want)
		}
	}
}

func TestErrorStrings(t *testing.T) {
	seen := map[string]Error{}
	for e := OK; e <= ErrEntry; e++ {
		s := e.String()
		if s == "" || s == "unknown problem" {
			t.Errorf("Error(%d) has no description", e)
		}
		if o, dup := seen[s]; dup {
			t.Errorf("Error(%d) and Error(%d) share %q", o, e, s)
		}
		seen[s] = e
	}
}

func TestNoAllocs(t *testing.T) {
	prog, _ := programs(t)
	var p Program
	if n := testing.AllocsPerRun(10, func() { Parse(prog, &p) }); n != 0 {
		t.Errorf("Parse allocates %v times", n)
	}
}
