package ring

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"gokernel/tools/codegen"
)

// codegenMain instantiates the ring from another package, as the kernel
// does. It deliberately does not import sync/atomic: that is the case in
// which atomic.Uint64 methods were not inlined (see the Ring type).
const codegenMain = `package main

import "gokernel/task/ring"

type big [200]byte

// Method expressions keep the SPSC's small methods out of line, so that
// their bodies are in the binary to check.
var (
	push8   = (*ring.SPSC[uint8]).Push
	push64  = (*ring.SPSC[uint64]).Push
	pushBig = (*ring.SPSC[big]).Push
	pop8    = (*ring.SPSC[uint8]).Pop
	pop64   = (*ring.SPSC[uint64]).Pop
	popBig  = (*ring.SPSC[big]).Pop
	len8    = (*ring.SPSC[uint8]).Len
	len64   = (*ring.SPSC[uint64]).Len
	lenBig  = (*ring.SPSC[big]).Len
)

func main() {
	r8, _ := ring.New[uint8](3)
	r64, _ := ring.New[uint64](64)
	rb, _ := ring.New[big](2)
	r8.Push(1)
	r64.Push(2)
	rb.Push(big{})
	a, _ := r8.Pop()
	b, _ := r64.Pop()
	c, _ := rb.Pop()
	println(a, b, c[0], r8.Len(), r64.Len(), rb.Len(), r8.Cap())

	s8, _ := ring.NewSPSC[uint8](3)
	s64, _ := ring.NewSPSC[uint64](64)
	sb, _ := ring.NewSPSC[big](2)
	push8(s8, 1)
	push64(s64, 2)
	pushBig(sb, big{})
	d, _ := pop8(s8)
	e, _ := pop64(s64)
	f, _ := popBig(sb)
	println(d, e, f[0], len8(s8), len64(s64), lenBig(sb), s8.Cap())
}
`

// TestCodegen builds a program that uses Ring and SPSC of uint8, uint64
// and [200]byte from another package and checks the machine code of Push,
// Pop and Len: no runtime calls (so no stack-growth check, no panics),
// LOCK CMPXCHGQ in Ring's Push and Pop
// (the sync/atomic intrinsics are in place) and no XCHG, no locked
// instruction and no XCHG in SPSC's, no call but Ring's to pause, and no
// bounds checks left in the package (-d=ssa/check_bce). It also checks
// what storeRelease relies on (see release_amd64.go): in every Push and
// Pop the release store (of the SPSC's index, of the Ring's stamp) is the
// last access to memory other than the stack before the function
// returns. It needs the go command and skips with -short.
func TestCodegen(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program with the go command")
	}
	prog, out := codegen.Build(t, codegenMain, "gokernel/task/ring/...=-d=ssa/check_bce/debug=1")
	for _, line := range strings.Split(out, "\n") {
		if (strings.Contains(line, "ring.go") || strings.Contains(line, "spsc.go")) && strings.Contains(line, "Found Is") {
			t.Errorf("bounds check left: %s", line)
		}
	}
	funcs := codegen.Objdump(t, prog, `ring\.\(\*(Ring|SPSC)\[`) // name -> body
	// Shape instances (go.shape.uint8) and, for the SPSC's methods that
	// are inlined into the method expressions' wrappers, concrete ones
	// (uint8, main.big).
	check := regexp.MustCompile(`ring\.\(\*(Ring|SPSC)\[(?:go\.shape\.)?(uint8|uint64|\[200\]uint8|main\.big)\]\)\.(Push|Pop|Len)\(SB\)$`)
	seen := map[string]bool{}
	xchg := regexp.MustCompile(`\sXCHG[BWLQ]?\s`) // not CMPXCHG
	for name, body := range funcs {
		m := check.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		if !strings.Contains(name, "go.shape.") && strings.Contains(body, "CALL gokernel/task/ring.(*"+m[1]+"[go.shape.") {
			continue // a wrapper that calls the shape instance, checked itself
		}
		seen[m[1]+strings.Replace(m[2], "main.big", "[200]uint8", 1)+m[3]] = true
		for _, line := range strings.Split(body, "\n") {
			// The one call allowed: Ring's backoff, pause, a frameless
			// loop of PAUSE in assembly (pause_amd64.s).
			if strings.Contains(line, "CALL") && !strings.Contains(line, "CALL gokernel/task/ring.pause.abi0(SB)") {
				t.Errorf("%s calls: %s", name, strings.Join(strings.Fields(line), " "))
			}
		}
		kind, op := m[1], m[3]
		switch {
		case kind == "Ring" && op != "Len" && !strings.Contains(body, "LOCK CMPXCHGQ"):
			t.Errorf("%s has no LOCK CMPXCHGQ: atomics not intrinsified?", name)
		case kind == "SPSC" && (strings.Contains(body, "LOCK") || xchg.MatchString(body)):
			t.Errorf("%s has a locked instruction or an XCHG", name)
		case kind == "Ring" && xchg.MatchString(body):
			t.Errorf("%s has an XCHG: the stamps must be published with storeRelease", name)
		}
		if op != "Len" {
			if err := publishesLast(body); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
	if len(seen) != 18 {
		t.Errorf("found %d of the 18 Push/Pop/Len instances in the disassembly: %v", len(seen), seen)
	}
}

// publishesLast checks the disassembly of a push or pop: every store that
// storeRelease inlined to (its lines come from release_amd64.go) must be
// followed, up to the RET that ends its path, by no instruction that
// touches memory other than the stack. That is the compiler half of the
// release store: the accesses to the slot come before the index moves.
func publishesLast(body string) error {
	stores := 0
	inTail := false
	for _, line := range strings.Split(body, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		asm := strings.Join(f[3:], " ")
		mem := strings.Contains(asm, "(") && !strings.Contains(asm, "(SP)")
		if strings.HasPrefix(f[0], "release_amd64.go:") && mem {
			stores++
			inTail = true
			continue
		}
		if !inTail {
			continue
		}
		if strings.HasPrefix(asm, "RET") {
			inTail = false
			continue
		}
		if mem {
			return fmt.Errorf("memory accessed after the release store: %s", asm)
		}
		if strings.HasPrefix(asm, "J") || strings.HasPrefix(asm, "CALL") {
			return fmt.Errorf("a branch or call after the release store: %s", asm)
		}
	}
	if stores != 1 {
		return fmt.Errorf("%d release stores, want 1", stores)
	}
	return nil
}
