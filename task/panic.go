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
// restores the default, ReportTo(os.Stderr). It is called on the goroutine
// of the task's runner, after the panicking task has been removed. If it
// panics itself, that runner's Run ends with that panic, and the executor
// stops.
func (e *Executor) SetPanicHandler(h func(*TaskPanic)) {
	if h == nil {
		h = ReportTo(os.Stderr)
	}
	e.mu.Lock()
	e.onPanic = h
	e.mu.Unlock()
}

// runIsolated runs runReadyTasks. If a task's Poll panics, it recovers
// and returns the task's slot and the panic, and run removes the task and
// calls it again; so there is one deferred recover per panic rather than
// one per poll. A panic outside a poll (in the idle function, say) is not
// recovered.
func (r *runner) runIsolated() (slot uint64, p *TaskPanic) {
	normal := false
	defer func() {
		if normal || r.polling == 0 {
			return // not a task's panic: let it go on
		}
		v := recover()
		if v == nil {
			// Only runtime.Goexit unwinds without a panic value (panic(nil)
			// recovers a *runtime.PanicNilError). It cannot be stopped;
			// run's deferred leave runs as it unwinds.
			v = "runtime.Goexit called by the task"
		}
		slot = r.polling - 1
		storeRelease64(&r.polling, 0)
		p = &TaskPanic{ID: r.entry(slot).id, Value: v, Stack: debug.Stack()}
	}()
	r.runReadyTasks()
	normal = true
	return 0, nil
}
