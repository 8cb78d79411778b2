package main

import (
	"fmt"

	"golang.org/x/arch/x86/x86asm"
)

const (
	numVectors = 256
	stubStride = 16
)

// cpuErrorCode reports whether the CPU pushes an error code for exception
// vector v (SDM Vol. 3A, Table 6-1): #DF, #TS, #NP, #SS, #GP, #PF, #AC,
// #CP, #VC and #SX. Every other vector's stub pushes a zero in its place so
// that all frames have the same layout.
func cpuErrorCode(v int) bool {
	switch v {
	case 8, 10, 11, 12, 13, 14, 17, 21, 29, 30:
		return true
	}
	return false
}

// checkVectors checks the layout of the interrupt stubs: see checkStubs.
func (b *Binary) checkVectors(name, trap string) (int, []Violation) {
	fail := func(msg string) (int, []Violation) {
		return 0, []Violation{{Kind: "vectors", Func: name, Detail: msg}}
	}
	syms := b.lookup(name)
	if len(syms) == 0 {
		return fail(fmt.Sprintf("no function %s", name))
	}
	traps := map[uint64]bool{}
	for _, s := range b.lookup(trap) {
		traps[s.Addr] = true
	}
	if len(traps) == 0 {
		return fail(fmt.Sprintf("no function %s", trap))
	}
	v := syms[0]
	n, problems := checkStubs(b.bytes(v.Addr, v.Size), v.Addr, traps)
	var out []Violation
	for _, p := range problems {
		out = append(out, Violation{Kind: "vectors", Func: v.Name, Detail: p})
	}
	return n, out
}

// checkStubs checks that code, at address base, holds 256 stubs 16 bytes
// apart, stub i at base+16*i, each of which pushes a zero error code unless
// the CPU pushes one for vector i, then pushes i (PUSH imm8 or imm32, whose
// sign-extended value must be i), then jumps to an address in trap. It
// returns the number of good stubs and a message for each bad one.
func checkStubs(code []byte, base uint64, trap map[uint64]bool) (int, []string) {
	var problems []string
	good := 0
	for v := 0; v < numVectors; v++ {
		start := v * stubStride
		if start >= len(code) {
			problems = append(problems, fmt.Sprintf("vector %d: the stubs end at %#x, before its stub at %#x",
				v, base+uint64(len(code)), base+uint64(start)))
			break
		}
		stub := code[start:min(start+stubStride, len(code))]
		if msg := checkStub(v, stub, base+uint64(start), trap); msg != "" {
			problems = append(problems, fmt.Sprintf("vector %d (stub at %#x): %s", v, base+uint64(start), msg))
			continue
		}
		good++
	}
	return good, problems
}

func checkStub(v int, stub []byte, pc uint64, trap map[uint64]bool) string {
	off := 0
	next := func() (x86asm.Inst, string) {
		inst, err := x86asm.Decode(stub[off:], 64)
		if err != nil {
			return inst, fmt.Sprintf("cannot decode % x at +%d within the %d-byte stride: %v", stub[off:], off, stubStride, err)
		}
		off += inst.Len
		return inst, ""
	}
	push := func(what string, want int64) string {
		inst, msg := next()
		if msg != "" {
			return msg
		}
		imm, ok := inst.Args[0].(x86asm.Imm)
		if inst.Op != x86asm.PUSH || !ok {
			return fmt.Sprintf("want PUSH $%d (%s), found %s", want, what, x86asm.GoSyntax(inst, pc, nil))
		}
		if int64(imm) != want {
			return fmt.Sprintf("pushes %d as the %s, want %d", int64(imm), what, want)
		}
		return ""
	}
	if !cpuErrorCode(v) {
		if msg := push("zero error code the CPU does not push", 0); msg != "" {
			return msg
		}
	}
	if msg := push("vector number", int64(v)); msg != "" {
		if cpuErrorCode(v) {
			msg += " (the CPU pushes an error code for this vector: the stub must not)"
		}
		return msg
	}
	inst, msg := next()
	if msg != "" {
		return msg
	}
	rel, ok := inst.Args[0].(x86asm.Rel)
	if inst.Op != x86asm.JMP || !ok {
		return fmt.Sprintf("want JMP to the common entry, found %s", x86asm.GoSyntax(inst, pc+uint64(off-inst.Len), nil))
	}
	target := uint64(int64(pc) + int64(off) + int64(rel))
	if !trap[target] {
		return fmt.Sprintf("jumps to %#x, not to the common entry", target)
	}
	return ""
}
