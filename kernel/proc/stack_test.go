package proc

import (
	"encoding/binary"
	"slices"
	"strings"
	"testing"
)

// parse reads back argc, argv, envp and auxv from a stack built at top.
func parse(t *testing.T, stack []byte, top, sp uint64) (argv, envp []string, auxv map[uint64]uint64) {
	t.Helper()
	base := top - uint64(len(stack))
	word := func(addr uint64) uint64 {
		return binary.LittleEndian.Uint64(stack[addr-base:])
	}
	str := func(addr uint64) string {
		b := stack[addr-base:]
		for i, c := range b {
			if c == 0 {
				return string(b[:i])
			}
		}
		t.Fatalf("unterminated string at %#x", addr)
		return ""
	}
	if sp%16 != 0 {
		t.Fatalf("sp %#x not 16-byte aligned", sp)
	}
	argc := word(sp)
	p := sp + 8
	for i := uint64(0); i < argc; i++ {
		argv = append(argv, str(word(p)))
		p += 8
	}
	if word(p) != 0 {
		t.Fatal("argv not NULL-terminated")
	}
	p += 8
	for ; word(p) != 0; p += 8 {
		envp = append(envp, str(word(p)))
	}
	p += 8
	auxv = map[uint64]uint64{}
	for {
		k, v := word(p), word(p+8)
		p += 16
		if k == atNull {
			break
		}
		auxv[k] = v
	}
	return
}

func TestBuildStack(t *testing.T) {
	stack := make([]byte, 8192)
	const top = 0x7fff_ffff_f000
	var rnd [16]byte
	for i := range rnd {
		rnd[i] = byte(i * 7)
	}
	sp, ok := BuildStack(stack, top, &Spec{Line: "  test=boot  -v GODEBUG=gctrace=1 quiet ", Random: &rnd, VDSO: 0x7fff00000000})
	if !ok {
		t.Fatal("BuildStack failed")
	}
	argv, envp, auxv := parse(t, stack, top, sp)
	if want := []string{"gokernel", "-v", "quiet"}; !slices.Equal(argv, want) {
		t.Errorf("argv = %q, want %q", argv, want)
	}
	if want := []string{"test=boot", "GODEBUG=gctrace=1"}; !slices.Equal(envp, want) {
		t.Errorf("envp = %q, want %q", envp, want)
	}
	if auxv[atSysinfoEhdr] != 0x7fff00000000 {
		t.Errorf("AT_SYSINFO_EHDR = %#x", auxv[atSysinfoEhdr])
	}
	if auxv[atPagesz] != 4096 {
		t.Errorf("AT_PAGESZ = %d", auxv[atPagesz])
	}
	r := auxv[atRandom]
	if r < top-uint64(len(stack)) || r+16 > top {
		t.Fatalf("AT_RANDOM %#x outside the stack", r)
	}
	off := r - (top - uint64(len(stack)))
	if string(stack[off:off+16]) != string(rnd[:]) {
		t.Error("AT_RANDOM bytes differ")
	}
}

func TestBuildStackLimits(t *testing.T) {
	var rnd [16]byte
	if _, ok := BuildStack(make([]byte, 100), 0x10000, &Spec{Random: &rnd}); ok {
		t.Error("tiny stack accepted")
	}
	long := ""
	for i := 0; i < 200; i++ {
		long += "word "
	}
	if _, ok := BuildStack(make([]byte, 65536), 0x100000, &Spec{Line: long, Random: &rnd}); ok {
		t.Error("more than MaxWords words accepted")
	}
	if _, ok := BuildStack(make([]byte, 512), 0x100000, &Spec{Line: strings.Repeat("a", 600), Random: &rnd}); ok {
		t.Error("overflowing strings accepted")
	}
}

func TestCounts(t *testing.T) {
	if a, e := Counts("  test=boot  -v GODEBUG=gctrace=1 quiet ", false); a != 2 || e != 2 {
		t.Errorf("Counts = %d args, %d env, want 2, 2", a, e)
	}
	if a, e := Counts("", false); a != 0 || e != 0 {
		t.Errorf("Counts of nothing = %d, %d", a, e)
	}
}

// TestProgramStack: a boot module's line names the program first; only
// NAME=VALUE words with an identifier NAME are environment, until "--".
func TestProgramStack(t *testing.T) {
	stack := make([]byte, 8192)
	const top = 0x7fff_ffff_f000
	var rnd [16]byte
	line := "/tmp/x/strings.test -test.run=^TestX$ GOTRACEBACK=all -test.v x=y 9=z -- A=B"
	sp, ok := BuildStack(stack, top, &Spec{Line: line, Program: true, Random: &rnd, Phdr: 0x400040, Phnum: 6, Entry: 0x401000})
	if !ok {
		t.Fatal("BuildStack failed")
	}
	argv, envp, auxv := parse(t, stack, top, sp)
	if want := []string{"/tmp/x/strings.test", "-test.run=^TestX$", "-test.v", "9=z", "A=B"}; !slices.Equal(argv, want) {
		t.Errorf("argv = %q, want %q", argv, want)
	}
	if want := []string{"GOTRACEBACK=all", "x=y"}; !slices.Equal(envp, want) {
		t.Errorf("envp = %q, want %q", envp, want)
	}
	if auxv[atPhdr] != 0x400040 || auxv[atPhnum] != 6 || auxv[atPhent] != 56 || auxv[atEntry] != 0x401000 {
		t.Errorf("auxv %v", auxv)
	}
	if a, e := Counts(line, true); a != 4 || e != 2 {
		t.Errorf("Counts = %d, %d", a, e)
	}
}
