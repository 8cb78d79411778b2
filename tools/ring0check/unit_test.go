package main

import (
	"encoding/binary"
	"strings"
	"testing"
)

func TestSymPackage(t *testing.T) {
	for _, tc := range []struct{ name, pkg string }{
		{"runtime.memmove", "runtime"},
		{"runtime.morestack_noctxt.abi0", "runtime"},
		{"runtime.(*mheap).alloc", "runtime"},
		{"internal/runtime/atomic.Load64", "internal/runtime/atomic"},
		{"internal/abi.FuncPCABI0", "internal/abi"},
		{"gokernel/kernel/sys.Dispatch", "gokernel/kernel/sys"},
		{"gokernel/kernel/console.(*textScreen).put", "gokernel/kernel/console"},
		{"main.dispatch.abi0", "main"},
		{"main.F[go.shape.*runtime.g]", "main"},
		{"gopkg.in/yaml%2ev3.Unmarshal", "gopkg.in/yaml%2ev3"},
		{"type:.eq.gokernel/arch.Frame", ""},
		{"go:buildid", ""},
		{"trapret", ""}, // a local assembly symbol: trapret<>
	} {
		if got := symPackage(tc.name); got != tc.pkg {
			t.Errorf("symPackage(%q) = %q, want %q", tc.name, got, tc.pkg)
		}
	}
	for name, want := range map[string]bool{
		"runtime.panicIndex":                true,
		"runtime.gcWriteBarrier2":           true,
		"runtime/internal/sys.Bswap64":      true,
		"internal/runtime/maps.(*Map).Get":  true,
		"internal/abi.(*Type).Kind":         true,
		"internal/bytealg.IndexByteString":  true,
		"gokernel/kernel/sched.Switch":      false,
		"runtimefoo.F":                      false,
		"type:.eq.[4]gokernel/kernel/sys.x": false,
	} {
		if got := isRuntimeSym(name); got != want {
			t.Errorf("isRuntimeSym(%q) = %v, want %v", name, got, want)
		}
	}
	if baseName("runtime.memmove.abi0") != "runtime.memmove" || !runtimeAllowed("runtime.memmove.abi0") || runtimeAllowed("runtime.morestack") {
		t.Error("allow-list lookup")
	}
	for name, why := range allowedRuntime {
		if !isRuntimeSym(name) || why == "" {
			t.Errorf("allow-list entry %s: not a runtime function or no reason", name)
		}
	}
}

// stubs assembles n interrupt stubs as tools/genvectors lays them out.
func stubs(base, trap uint64, edit func(v int, stub []byte) []byte) []byte {
	code := make([]byte, 0, numVectors*stubStride)
	for v := 0; v < numVectors; v++ {
		var s []byte
		if !cpuErrorCode(v) {
			s = append(s, 0x6A, 0x00) // PUSHQ $0
		}
		s = append(s, 0x68) // PUSHQ $v (imm32)
		s = binary.LittleEndian.AppendUint32(s, uint32(v))
		if edit != nil {
			s = edit(v, s)
		}
		pc := base + uint64(len(code)+len(s))
		s = append(s, 0xE9) // JMP rel32
		s = binary.LittleEndian.AppendUint32(s, uint32(int32(int64(trap)-int64(pc+5))))
		for len(s)%stubStride != 0 {
			s = append(s, 0x90)
		}
		code = append(code, s...)
	}
	return code[:len(code)-(stubStride-12)] // the last stub's padding is not part of the function
}

func TestCheckStubs(t *testing.T) {
	const base, trap = 0x401000, 0x402000
	traps := map[uint64]bool{trap: true}
	if n, p := checkStubs(stubs(base, trap, nil), base, traps); n != 256 || len(p) != 0 {
		t.Fatalf("good stubs: %d ok, problems %q", n, p)
	}
	for _, tc := range []struct {
		name string
		edit func(v int, s []byte) []byte
		want []string
	}{
		{"imm8", func(v int, s []byte) []byte {
			if v == 3 { // PUSH imm8 is fine below 128
				return []byte{0x6A, 0x00, 0x6A, 0x03}
			}
			return s
		}, nil},
		{"imm8 sign", func(v int, s []byte) []byte {
			if v == 130 {
				return []byte{0x6A, 0x00, 0x6A, 0x82}
			}
			return s
		}, []string{"vector 130 (stub at 0x401820): pushes -126 as the vector number, want 130"}},
		{"wrong number", func(v int, s []byte) []byte {
			if v == 40 {
				s[3] = 41
			}
			return s
		}, []string{"vector 40 (stub at 0x401280): pushes 41 as the vector number, want 40"}},
		{"missing zero", func(v int, s []byte) []byte {
			if v == 6 {
				return s[2:]
			}
			return s
		}, []string{"vector 6 (stub at 0x401060): pushes 6 as the zero error code the CPU does not push, want 0"}},
		{"extra zero", func(v int, s []byte) []byte {
			if v == 13 {
				return append([]byte{0x6A, 0x00}, s...)
			}
			return s
		}, []string{"vector 13 (stub at 0x4010d0): pushes 0 as the vector number, want 13 (the CPU pushes an error code for this vector: the stub must not)"}},
		{"too long", func(v int, s []byte) []byte {
			if v == 254 { // shifts the last stub off the stride
				return append([]byte{0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90}, s...)
			}
			return s
		}, []string{"vector 254 (stub at 0x401fe0): want PUSH $0", "vector 255 (stub at 0x401ff0): "}},
	} {
		n, problems := checkStubs(stubs(base, trap, tc.edit), base, traps)
		if n != numVectors-len(tc.want) || len(problems) != len(tc.want) {
			t.Errorf("%s: %d ok, problems:\n%s", tc.name, n, strings.Join(problems, "\n"))
			continue
		}
		for i, w := range tc.want {
			if !strings.HasPrefix(problems[i], w) {
				t.Errorf("%s: got %q, want %q", tc.name, problems[i], w)
			}
		}
	}
	code := stubs(base, trap, nil)
	if _, p := checkStubs(code, base, map[uint64]bool{trap + 1: true}); len(p) != 256 || !strings.Contains(p[0], "jumps to 0x402000, not to the common entry") {
		t.Errorf("wrong target: %q", p[:1])
	}
	if n, p := checkStubs(code[:100*stubStride], base, traps); n != 100 || len(p) != 1 || !strings.Contains(p[0], "vector 100: the stubs end at") {
		t.Errorf("short: %d %q", n, p)
	}
}
