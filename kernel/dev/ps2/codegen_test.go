package ps2

import (
	"strings"
	"testing"

	"gokernel/tools/codegen"
)

// codegenMain calls Interrupt from another package, as the kernel's IRQ 1
// handler does, and keeps its body with a func value.
const codegenMain = `package main

import "gokernel/kernel/dev/ps2"

var interrupt = ps2.Interrupt

func main() {
	s, _ := ps2.Open()
	interrupt()
	ps2.Interrupt()
	s.Close()
}
`

// TestCodegen builds a program that uses Interrupt and runs
// tools/ring0check on it with Interrupt as the root: everything it
// reaches (the LED answer check, the ring's Push, AtomicWaker.Wake,
// Waker.Wake) must make no runtime call beyond the checker's allow-list.
func TestCodegen(t *testing.T) {
	prog, _ := codegen.Build(t, codegenMain, "")
	out := codegen.Ring0Check(t, prog, "gokernel/kernel/dev/ps2.Interrupt")
	if !strings.Contains(out, "runtime calls: none") {
		t.Errorf("ring0check: %s", out)
	}
	t.Log(out)
}
