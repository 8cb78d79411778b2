package boottest

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"gokernel/kernel/fs/cpio"
	"gokernel/tools/vm"
)

// Programs from boot modules (issue 17): testdata/prog, an ordinary
// static Go program, booted with -initrd "prog ARGS" and a cpio archive,
// and broken copies of it, each of which must be named in one line.

var progOnce = sync.OnceValues(func() (string, error) {
	out := filepath.Join(buildDir(), "boottest-prog")
	cmd := exec.Command("go", "build", "-o", out, "./testdata/prog")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building testdata/prog: %v\n%s", err, b)
	}
	return out, nil
})

func prog(t *testing.T) []byte {
	t.Helper()
	p, err := progOnce()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// writeTemp writes b to a file named name in a test directory.
func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// bootModules boots the kernel with the modules (each "file args") and
// the command line, and waits for QEMU to end.
func bootModules(t *testing.T, cmdline string, modules ...string) vm.Result {
	t.Helper()
	var initrd string
	for i, m := range modules {
		if i > 0 {
			initrd += ","
		}
		initrd += m
	}
	v := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf"), Cmdline: cmdline,
		Args: []string{"-initrd", initrd}, Timeout: 60 * time.Second})
	res, _ := v.Wait()
	return res
}

// TestProgram: the program runs with its arguments and environment, reads
// the archive (a path with '..' stays inside the root), writes /tmp, gets
// EROFS in the archive, moves 1 MiB through a pipe and through a loopback
// TCP connection, and its exit status leaves QEMU as 65+2N. The
// archive's bad entries are skipped with a line each, and its corrupt
// tail ends it.
func TestProgram(t *testing.T) {
	t.Parallel()
	var a bytes.Buffer
	w := cpio.NewWriter(&a)
	w.Add("data", cpio.TypeDir|0o755, 0, nil)
	w.Add("data/hello.txt", cpio.TypeReg|0o644, 0, []byte("hi\n"))
	w.Add("../escape", cpio.TypeReg|0o644, 0, []byte("out"))
	w.Add("/abs", cpio.TypeReg|0o644, 0, []byte("abs"))
	// A header whose size runs past the end: the archive stops there.
	fmt.Fprintf(&a, "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x", 9, cpio.TypeReg|0o644, 0, 0, 1, 0, 1<<30, 0, 0, 0, 0, 4, 0)
	a.WriteString("big\x00")
	archive := writeTemp(t, "fs.cpio", a.Bytes())
	p := writeTemp(t, "prog", prog(t))

	res := bootModules(t, "exit=qemu cwd=/data", p+" 7 -x PROG_ENV=yes", archive)
	if res.Status != 65+2*7 {
		t.Errorf("QEMU %s, want status 79 (exit status 7)\n%s", res.Meaning(), res.Report())
	}
	expectLines(t, res,
		`^program: exec .*/prog$`,
		`^fs: skipped .*\.\./escape.*'\.\.' component would escape the root`,
		`^fs: skipped .*/abs.*an absolute path`,
		`^fs: the archive is corrupt at byte \d+: an entry's size runs past the end of the archive; the entries before it are kept`,
		`^prog: args \["7" "-x"\] env yes$`,
		`^prog: cwd /data$`,
		`^prog: read /data/hello.txt: "hi\\n" <nil>$`,
		`^prog: read hello.txt: "hi\\n" <nil>$`,
		`^prog: read /\.\./\.\./data/hello.txt: "hi\\n" <nil>$`,
		`^prog: read \.\./\.\./\.\./\.\./data/hello.txt: "hi\\n" <nil>$`,
		`^prog: read /escape: "" open /escape: no such file or directory$`,
		`^prog: /data has 1 entries <nil>$`,
		`^prog: /tmp round trip "written" <nil>$`,
		`^prog: write to the archive: open /data/new: read-only file system$`,
		`^prog: pipe <nil>$`,
		`^prog: tcp <nil>$`,
		`^program exited with status 7$`)
}

// TestProgramISO: GRUB loads the program and the archive with module2
// (multiboot2), and the program runs as under QEMU's -initrd.
func TestProgramISO(t *testing.T) {
	t.Parallel()
	var a bytes.Buffer
	w := cpio.NewWriter(&a)
	w.Add("data", cpio.TypeDir|0o755, 0, nil)
	w.Add("data/hello.txt", cpio.TypeReg|0o644, 0, []byte("hi\n"))
	w.Close()
	iso := filepath.Join(t.TempDir(), "prog.iso")
	err := vm.BuildISOWith(artifact(t, "kernel.elf"), iso, vm.ISOOptions{Cmdline: "exit=qemu cwd=/data",
		Modules: []vm.ISOModule{{File: writeTemp(t, "prog", prog(t)), Line: "prog 3 PROG_ENV=iso"}, {File: writeTemp(t, "fs.cpio", a.Bytes()), Line: "fs.cpio"}}})
	if err != nil {
		t.Fatal(err)
	}
	v := vm.StartT(t, vm.Options{ISO: iso, Timeout: 2 * time.Minute})
	res, _ := v.Wait()
	if res.Status != 65+2*3 {
		t.Errorf("QEMU %s, want status 71 (exit status 3)\n%s", res.Meaning(), res.Report())
	}
	expectLines(t, res, `^boot: multiboot2$`, `^program: exec prog$`, `^prog: args \["3"\] env iso$`,
		`^prog: read /data/hello.txt: "hi\\n" <nil>$`, `^program exited with status 3$`)
}

// patchELF returns a copy of the program with f applied to its parsed
// program headers, written back.
func patchELF(t *testing.T, b []byte, f func(ph []elf.Prog64)) []byte {
	t.Helper()
	b = bytes.Clone(b)
	var h elf.Header64
	binary.Read(bytes.NewReader(b), binary.LittleEndian, &h)
	ph := make([]elf.Prog64, h.Phnum)
	binary.Read(bytes.NewReader(b[h.Phoff:]), binary.LittleEndian, ph)
	f(ph)
	var out bytes.Buffer
	binary.Write(&out, binary.LittleEndian, ph)
	copy(b[h.Phoff:], out.Bytes())
	return b
}

// loads returns the indexes of the PT_LOAD headers.
func loads(ph []elf.Prog64) []int {
	var l []int
	for i, p := range ph {
		if elf.ProgType(p.Type) == elf.PT_LOAD {
			l = append(l, i)
		}
	}
	return l
}

// TestBadPrograms: each broken program is named in one line and, in test
// mode (exit=qemu), stops the boot with the fail status.
func TestBadPrograms(t *testing.T) {
	t.Parallel()
	good := prog(t)
	cases := []struct {
		name, want string
		b          []byte
	}{
		{"text", `^modules: module 1 \(.*/text\): neither an ELF program \(no \\x7fELF magic\) nor a cpio newc archive`, []byte("#!/bin/sh\necho not a program\n")},
		{"elf32", `^program: .*/elf32: not a 64-bit ELF \(ELFCLASS64\): a 32-bit program cannot run; stopped`, func() []byte {
			b := bytes.Clone(good)
			b[elf.EI_CLASS] = byte(elf.ELFCLASS32)
			return b
		}()},
		{"arm64", `^program: .*/arm64: not an x86-64 program`, func() []byte {
			b := bytes.Clone(good)
			binary.LittleEndian.PutUint16(b[18:], uint16(elf.EM_AARCH64))
			return b
		}()},
		{"interp", `^program: .*/interp: dynamically linked \(PT_INTERP or PT_DYNAMIC\)`, patchELF(t, good, func(ph []elf.Prog64) {
			ph[0].Type = uint32(elf.PT_INTERP) // Go's first header is PT_PHDR
		})},
		{"overlap", `^program: .*/overlap: two segments overlap`, patchELF(t, good, func(ph []elf.Prog64) {
			l := loads(ph)
			ph[l[1]].Vaddr = ph[l[0]].Vaddr + ph[l[1]].Off%0x1000
			ph[l[1]].Paddr = ph[l[1]].Vaddr
		})},
		{"low", `^program: .*/low: a segment lies outside 0x10000-0x80000000`, func() []byte {
			// Linked 4 MiB lower, at 0x1000: over page 0 and the kernel's low memory.
			b := patchELF(t, good, func(ph []elf.Prog64) {
				for _, i := range loads(ph) {
					ph[i].Vaddr -= 0x3ff000
					ph[i].Paddr = ph[i].Vaddr
				}
			})
			binary.LittleEndian.PutUint64(b[24:], binary.LittleEndian.Uint64(b[24:])-0x3ff000) // e_entry
			return b
		}()},
		{"huge", `^program: .*/huge: does not fit in RAM`, patchELF(t, good, func(ph []elf.Prog64) {
			l := loads(ph)
			ph[l[len(l)-1]].Memsz = 1 << 30
		})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			res := bootModules(t, "exit=qemu", writeTemp(t, c.name, c.b))
			if !res.Failed() {
				t.Errorf("QEMU %s, want the fail status", res.Meaning())
			}
			expectLines(t, res, c.want)
		})
	}
}

// TestBadProgramFallback: outside test mode a bad program is named and
// the kernel's own program runs.
func TestBadProgramFallback(t *testing.T) {
	t.Parallel()
	b := bytes.Clone(prog(t))
	b[elf.EI_CLASS] = byte(elf.ELFCLASS32)
	v := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf"), Args: []string{"-initrd", writeTemp(t, "elf32", b)}})
	for _, re := range []string{`^program: .*/elf32: not a 64-bit ELF .*; running the kernel's own program instead$`, runtimeUp} {
		if _, err := v.ExpectRegexp(regexp.MustCompile(re), 30*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	v.Kill()
}
