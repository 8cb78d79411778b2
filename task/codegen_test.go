package task

import (
	"testing"

	"gokernel/tools/codegen"
)

// codegenMain uses the interrupt-safe functions from another package, as
// the kernel will, and keeps their bodies in the binary with method
// expressions (calls alone might all be inlined).
const codegenMain = `package main

import "gokernel/task"

var (
	wake       = task.Waker.Wake
	atomicWake = (*task.AtomicWaker).Wake
	queueEmpty = (*task.Executor).QueueEmpty
)

func main() {
	e, _ := task.NewExecutor(4, nil)
	var aw task.AtomicWaker
	e.Spawn(task.FutureFunc[struct{}](func(cx *task.Context) (struct{}, bool) {
		aw.Register(cx.Waker())
		wake(cx.Waker())
		atomicWake(&aw)
		return struct{}{}, true
	}))
	println(queueEmpty(e))
	e.Run()
}
`

// interruptRoots are the functions an interrupt handler (or an idle
// function with interrupts off) may call.
var interruptRoots = []string{
	"gokernel/task.Waker.Wake",
	"gokernel/task.(*AtomicWaker).Wake",
	"gokernel/task.(*Executor).QueueEmpty",
}

// TestCodegen builds a linux/amd64 program that uses Waker.Wake,
// AtomicWaker.Wake and Executor.QueueEmpty and runs tools/ring0check on it
// with them as roots: the machine code reachable from them must make no
// runtime call beyond the checker's allow-list (memmove,
// memclrNoHeapPointers, memequal), so no stack-growth check (they are
// nosplit), no write barrier, no allocation and no panic. It needs the go
// command and skips with -short.
func TestCodegen(t *testing.T) {
	prog, _ := codegen.Build(t, codegenMain, "")
	t.Log(codegen.Ring0Check(t, prog, interruptRoots...))
}
