package main

import (
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gokernel/kernel/ksym"
	"gokernel/kernel/vdso"
)

// buildGo links a small Go program the way the Makefile links the kernel.
func buildGo(t *testing.T, ldflags string) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	os.WriteFile(src, []byte("package main\n\nfunc main() { println(\"hi\") }\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module hi\n\ngo 1.26\n"), 0o644)
	out := filepath.Join(dir, "hi.elf")
	cmd := exec.Command("go", "build", "-o", out, "-ldflags", ldflags, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return out
}

// The Makefile's addresses: the image runs at vbase, loads at phys, and
// the linker's -T (an int64) is vbase+0x1000 as a negative number.
const (
	vbase    = 0xffff_ffff_8010_2000
	phys     = 0x102000
	textFlag = "-T -0x7fefd000"
)

func TestInspectGoELF(t *testing.T) {
	path := buildGo(t, textFlag)
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := Inspect(f, vbase)
	if err != nil {
		t.Fatal(err)
	}
	if img.Base != vbase || img.FileSize == 0 || img.MemSize < img.FileSize || img.MemSize%pageSize != 0 {
		t.Errorf("layout %+v", img)
	}
	if img.Entry != f.Entry {
		t.Errorf("entry %#x, ELF says %#x", img.Entry, f.Entry)
	}
	if err := img.Place(0x200000); err == nil {
		t.Error("a physical address outside the kernel's window accepted")
	}
	if err := img.Place(phys); err != nil {
		t.Fatal(err)
	}
	ld := img.LinkerScript("x.elf")
	for _, sym := range []string{"GO_BASE = 0x102000;", "GO_VBASE = 0xffffffff80102000;", "KERNEL_VBASE = 0xffffffff80000000;", "GO_ENTRY", "GO_FILE_SIZE", "GO_MEM_SIZE"} {
		if !strings.Contains(ld, sym) {
			t.Errorf("linker script lacks %q:\n%s", sym, ld)
		}
	}

	// The same file against another base is refused with a hint.
	if _, err := Inspect(f, 0x400000); err == nil || !strings.Contains(err.Error(), "-T") {
		t.Errorf("wrong base: %v", err)
	}
}

// TestRun converts the real kernel image (built by make kernel): go.bin must
// be the memory image, with the symbol table filled in.
func TestRun(t *testing.T) {
	path, _ := filepath.Abs("../../build/go.elf")
	vdsoPath, _ := filepath.Abs("../../build/vdso.so")
	if _, err := os.Stat(path); err != nil {
		t.Skip("build/go.elf missing: run make kernel")
	}
	dir := t.TempDir()
	bin, ld := filepath.Join(dir, "go.bin"), filepath.Join(dir, "go.ld")
	if err := run(path, "0xffffffff80102000", "0x102000", vdsoPath, bin, ld); err != nil {
		t.Fatal(err)
	}
	f, _ := elf.Open(path)
	defer f.Close()
	img, _ := Inspect(f, vbase)
	data, _ := os.ReadFile(bin)
	if uint64(len(data)) != img.FileSize {
		t.Fatalf("go.bin is %d bytes, want %d", len(data), img.FileSize)
	}
	syms, _ := f.Symbols()
	var table, vd elf.Symbol
	for _, s := range syms {
		switch s.Name {
		case ksym.TableSymbol:
			table = s
		case vdso.ImageSymbol:
			vd = s
		}
	}
	// go.bin is the memory image: each segment's bytes sit at vaddr-base,
	// except the two arrays mkimage filled in.
	for _, p := range f.Progs {
		if p.Type != elf.PT_LOAD {
			continue
		}
		want := make([]byte, p.Filesz)
		p.ReadAt(want, 0)
		for _, s := range []elf.Symbol{table, vd} {
			if p.Vaddr <= s.Value && s.Value < p.Vaddr+p.Filesz {
				o := s.Value - p.Vaddr
				copy(want[o:o+s.Size], data[s.Value-img.Base:])
			}
		}
		got := data[p.Vaddr-img.Base : p.Vaddr-img.Base+p.Filesz]
		if !bytes.Equal(got, want) {
			t.Errorf("segment at %#x differs in go.bin", p.Vaddr)
		}
	}
	tab := data[table.Value-img.Base : table.Value-img.Base+table.Size]
	if string(tab[:8]) != ksym.Magic {
		t.Fatalf("symbol table not filled: magic %q", tab[:8])
	}
	if v := data[vd.Value-img.Base:]; string(v[:len(vdso.Magic)]) != vdso.Magic {
		t.Fatalf("vDSO image not filled: magic %q", v[:len(vdso.Magic)])
	}
}
