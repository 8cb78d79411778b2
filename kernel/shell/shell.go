// Package shell is the kernel's shell: a task that reads key events (from
// the PS/2 keyboard, the serial terminal, or both through Merge), edits a
// line with a LineEditor, and runs commands (help, echo, tasks, mem,
// uptime, sleep, keymap, panic, fault, reboot, poweroff, halt).
//
// It is pure Go: it imports no hardware package and builds and tests on
// the host. What it needs from the kernel is the System interface.
//
// The shell is a task.Future like any other task, written by hand as a
// state machine, and never blocks the executor: a command that takes
// time (sleep) is a future that the shell's task awaits, pending, while
// the executor runs the other tasks. Keys typed meanwhile are kept (up to
// TypeaheadSize) and edited once the command is done; Ctrl+C abandons the
// command.
package shell

import (
	"io"
	"time"

	"gokernel/keyboard"
	"gokernel/task"
)

// Prompt is what the shell shows before each line.
const Prompt = "> "

// Hint is the line the shell prints once, before its first prompt.
const Hint = "type help for the commands"

// TypeaheadSize is the number of key events the shell keeps while a
// command runs (a pasted screenful); beyond it the input stream is not
// read until the command is done (the keys wait in the stream's own
// queue, whose owner holds the sender back when it fills: see
// kernel/dev/uart).
const TypeaheadSize = 1024

// KeyBudget is the number of key events the shell's task handles in one
// poll before it yields, so that pasted text cannot starve other tasks.
const KeyBudget = 64

// Shell is the kernel's shell. Make it with New and spawn what Task
// returns; one Shell runs one task.
type Shell struct {
	sys  System
	out  io.Writer
	ed   *LineEditor
	cmds []command
	t    *shellTask // the task, once Task made it
}

// New returns a shell that runs its commands on sys and writes to out (the
// console: every byte it writes is in the LineEditor's vocabulary, or
// command output made of printable text and "\n").
func New(sys System, out io.Writer) *Shell {
	return &Shell{sys: sys, out: out, ed: NewLineEditor(out, Prompt), cmds: commands}
}

// Editor returns the shell's line editor (to set its Width, or read its
// history).
func (sh *Shell) Editor() *LineEditor { return sh.ed }

// Task returns the shell's task: it prints the prompt, reads the events of
// in, edits lines and runs commands, until in ends (then it completes).
// Spawn it on the kernel's executor after the kernel has printed "ready":
//
//	keys := keyboard.Events(scancodes, layout, setLEDs) // keys.SetLayout for SetKeymap
//	com1, err := serialin.Open()
//	...
//	serial := keyboard.SerialEvents(com1)
//	sh := shell.New(sys, console)
//	executor.Spawn(sh.Task(shell.Merge[keyboard.Event](keys, serial)))
func (sh *Shell) Task(in task.Stream[keyboard.Event]) task.Future[struct{}] {
	sh.t = &shellTask{sh: sh, in: in}
	return sh.t
}

// Notice prints msg, a line from another task (a USB device plugged in),
// without mixing it into the line being typed: while the shell waits at
// its prompt, the line is cleared, msg written, and the prompt and the
// line drawn again below it; otherwise msg is written on a line of its
// own. Call it from a task of the shell's executor.
func (sh *Shell) Notice(msg string) {
	if t := sh.t; t == nil || !t.started || t.cmd != nil || t.inEnded {
		io.WriteString(sh.out, msg+"\n")
		return
	}
	io.WriteString(sh.out, "\r\x1b[K"+msg+"\n")
	sh.ed.Redraw()
}

// shellTask is the shell's state machine.
type shellTask struct {
	sh      *Shell
	in      task.Stream[keyboard.Event]
	started bool
	inEnded bool
	cmd     task.Future[struct{}] // the command being awaited, or nil

	ahead []keyboard.Event // typeahead, read while cmd ran; handled first

	// Lost input (losses.go): the line being typed has a hole and is not
	// run; the last report of lost bytes.
	discard       bool
	lostReported  bool
	lastLost      time.Duration
	dropsReported uint64
}

// Poll runs the shell: it awaits the running command, if any (reading
// typeahead and watching for Ctrl+C meanwhile), then handles key events
// until the input is pending, a command is pending, or KeyBudget events
// have been handled.
func (t *shellTask) Poll(cx *task.Context) (struct{}, bool) {
	sh := t.sh
	if !t.started {
		t.started = true
		io.WriteString(sh.out, Hint+"\n")
		sh.ed.Begin()
	}
	for budget := KeyBudget; ; {
		if t.cmd != nil {
			if !t.awaitCommand(cx) {
				return struct{}{}, false
			}
			sh.ed.Begin()
		}
		ev, ok, ready := t.next(cx)
		switch {
		case !ready:
			return struct{}{}, false
		case !ok:
			io.WriteString(sh.out, "\nshell: input ended\n")
			return struct{}{}, true
		}
		if ev == InputLost {
			t.lost()
		} else {
			switch line, st := sh.ed.Key(ev); st {
			case Entered:
				if t.discard {
					t.discard = false
					sh.ed.Begin()
				} else if t.cmd = sh.exec(line); t.cmd == nil {
					sh.ed.Begin()
				}
			case Cancelled:
				t.discard = false
				sh.ed.Begin()
			}
		}
		if budget--; budget == 0 {
			cx.Waker().Wake()
			return struct{}{}, false
		}
	}
}

// next returns the next key event: the typeahead first, then the input.
func (t *shellTask) next(cx *task.Context) (keyboard.Event, bool, bool) {
	if len(t.ahead) > 0 {
		ev := t.ahead[0]
		t.ahead = t.ahead[1:]
		if len(t.ahead) == 0 {
			t.ahead = nil
		}
		return ev, true, true
	}
	if t.inEnded {
		return keyboard.Event{}, false, true
	}
	return t.in.PollNext(cx)
}

// awaitCommand polls the running command and reports whether it is done.
// First it reads the input into the typeahead, so that the keys wake the
// task and Ctrl+C can abandon the command.
func (t *shellTask) awaitCommand(cx *task.Context) bool {
	for !t.inEnded && len(t.ahead) < TypeaheadSize {
		ev, ok, ready := t.in.PollNext(cx)
		if !ready {
			break
		}
		if !ok {
			t.inEnded = true
			break
		}
		if ev.Rune == ctrlC {
			// Abandon the command; the keys typed ahead go with it, as
			// a terminal flushes its input on an interrupt.
			t.cmd, t.ahead = nil, nil
			io.WriteString(t.sh.out, "^C\n")
			return true
		}
		t.ahead = append(t.ahead, ev)
	}
	if _, done := t.cmd.Poll(cx); !done {
		return false
	}
	t.cmd = nil
	return true
}
