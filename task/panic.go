package task

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

// Panic isolation: a task that panics is removed and reported; the
// executor and its other tasks run on.

// TaskPanic describes a task whose Poll panicked. The executor recovers
// the panic, removes the task and hands a TaskPanic to its panic handler.
type TaskPanic struct {
	ID    TaskID
	Value any    // what the task panicked with
	Stack []byte // the goroutine's stack at the recovery, panicking frames included
}

// Error returns "task N panicked: VALUE".
func (p *TaskPanic) Error() string {
	return fmt.Sprintf("task %d panicked: %v", p.ID, p.Value)
}

// ReportTo returns a panic handler that writes the panic and its stack to
// w. The default handler is ReportTo(os.Stderr).
func ReportTo(w io.Writer) func(*TaskPanic) {
	return func(p *TaskPanic) {
		fmt.Fprintf(w, "%s\n\n%s\n", p.Error(), p.Stack)
	}
}

// SetPanicHandler sets the function that receives the panics of tasks; nil
// restores the default, ReportTo(os.Stderr). It is called on Run's
// goroutine, after the panicking task has been removed. If it panics
// itself, Run ends with that panic.
func (e *Executor) SetPanicHandler(h func(*TaskPanic)) {
	if h == nil {
		h = ReportTo(os.Stderr)
	}
	e.mu.Lock()
	e.onPanic = h
	e.mu.Unlock()
}

// runIsolated runs runReadyTasks. If a task's Poll panics, it recovers
// and returns the task's slot and the panic, and Run removes the task and
// calls it again; so there is one deferred recover per panic rather than
// one per poll. A panic outside a poll (in the idle function, say) is not
// recovered.
func (e *Executor) runIsolated() (slot uint64, p *TaskPanic) {
	normal := false
	defer func() {
		if normal || e.polling == 0 {
			return // not a task's panic: let it go on
		}
		v := recover()
		if v == nil {
			// Only runtime.Goexit unwinds without a panic value (panic(nil)
			// recovers a *runtime.PanicNilError). It cannot be stopped;
			// Run's deferred shutdown runs as it unwinds.
			v = "runtime.Goexit called by the task"
		}
		slot = e.polling - 1
		e.polling = 0
		p = &TaskPanic{ID: e.entry(slot).id, Value: v, Stack: debug.Stack()}
	}()
	e.runReadyTasks()
	normal = true
	return 0, nil
}
