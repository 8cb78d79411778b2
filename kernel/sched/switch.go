package sched

import (
	"gokernel/arch"
	"gokernel/kernel/clock"
	"gokernel/kernel/console"
	"gokernel/kernel/linux"
	"gokernel/kernel/machine"
)

// Block marks the running thread as waiting. It keeps running until the
// caller's kernel entry ends with Switch. deadline is a clock.Nanotime()
// value, 0 for none.
//
//go:nosplit
func Block(kind WaitKind, addr uint64, deadline int64) {
	t := Current()
	if t == nil {
		return
	}
	t.State = Blocked
	t.Wait = kind
	t.Addr = addr
	t.Deadline = deadline
}

// Yield puts the running thread at the back of the run queue at the next
// Switch.
//
//go:nosplit
func Yield() {
	if t := Current(); t != nil {
		t.State = Runnable
	}
}

// Exit ends the running thread at the next Switch.
//
//go:nosplit
func Exit() {
	if t := Current(); t != nil {
		t.State = Exited
	}
}

// Switch ends a kernel entry: f is the frame the entry saved for the
// running thread, and the entry returns to whatever f holds afterwards. If
// the running thread still runs, f is left alone. Otherwise f is stored in
// the thread (unless it exited) and the next runnable thread's frame is
// loaded into f, after waiting for one if need be.
//
//go:nosplit
func Switch(f *arch.Frame) {
	if t := Current(); t != nil {
		switch t.State {
		case Running:
			return
		case Runnable:
			t.Frame = *f
			t.FSBase = arch.Rdmsr(arch.MSR_FS_BASE)
			enqueue(cur)
		case Blocked:
			t.Frame = *f
			t.FSBase = arch.Rdmsr(arch.MSR_FS_BASE)
		case Exited:
			t.State = Free
			nthreads--
		case Frozen:
			t.Frame = *f
		}
		cur = -1
	}
	i := next()
	t := &threads[i&(MaxThreads-1)]
	cur = i & (MaxThreads - 1)
	t.State = Running
	t.Wait = WaitNone
	*f = t.Frame
	arch.Wrmsr(arch.MSR_FS_BASE, t.FSBase)
}

// next returns the index of the next thread to run, waiting until one is
// runnable.
//
//go:nosplit
func next() int32 {
	for {
		Tick(clock.Nanotime())
		if i := dequeue(); i >= 0 {
			return i
		}
		d := earliestDeadline()
		if d == 0 && watchdog == 0 {
			deadlock()
		}
		idle(d)
	}
}

// Tick ends expired waits and checks the watchdog. The timer interrupt
// calls it, and so does the scheduler before it picks a thread.
//
//go:nosplit
func Tick(now int64) {
	if watchdog != 0 && now >= watchdog {
		watchdog = 0
		console.Line("kernel: the fault reporter did not finish in time; stopping")
		machine.Stop(false)
	}
	expire(now)
}

var watchdog int64

// SetWatchdog stops the machine at deadline unless cleared (deadline 0).
//
//go:nosplit
func SetWatchdog(deadline int64) { watchdog = deadline }

// InterruptsWake is set once the timer interrupt runs: the idle loop then
// halts until the next interrupt instead of polling the clock.
var InterruptsWake bool

// expire ends the waits whose deadline has passed.
//
//go:nosplit
func expire(now int64) {
	for i := int32(0); i < MaxThreads; i++ {
		t := &threads[i]
		if t.State != Blocked || t.Deadline == 0 || t.Deadline > now {
			continue
		}
		switch t.Wait {
		case WaitFutex:
			t.Frame.RAX = linux.ETIMEDOUT.Ret()
		case WaitSleep, WaitPoll:
			t.Frame.RAX = 0
		}
		enqueue(i)
	}
}

//go:nosplit
func earliestDeadline() int64 {
	var d int64
	for i := range threads {
		t := &threads[i]
		if t.State == Blocked && t.Deadline != 0 && (d == 0 || t.Deadline < d) {
			d = t.Deadline
		}
	}
	return d
}

// idle waits for the deadline (0: none) or for an interrupt that makes a
// thread runnable. With the timer running it halts: STI;HLT enables
// interrupts and halts in one step, so an interrupt that arrives after the
// checks below cannot be missed, and the CPU sleeps until the next one.
// Without it (early boot), it polls the clock.
//
//go:nosplit
func idle(deadline int64) {
	for runHead == 0 && (deadline == 0 || clock.Nanotime() < deadline) {
		if InterruptsWake {
			arch.StiHlt()
			arch.Cli()
			Halts++
		} else {
			arch.Pause()
		}
	}
}

// Halts counts the HLTs the idle loop executed.
var Halts uint64

// deadlock reports that every thread waits with no deadline: nothing can
// ever run again, so the kernel stops rather than hang silently.
//
//go:nosplit
func deadlock() {
	console.Line("kernel: deadlock: every thread is blocked and none has a timeout")
	for i := range threads {
		t := &threads[i]
		if t.State == Free {
			continue
		}
		console.WriteString("  tid ")
		console.Dec(int64(t.TID))
		console.WriteString(" wait ")
		console.Dec(int64(t.Wait))
		console.WriteString(" addr ")
		console.Hex(t.Addr)
		console.WriteString(" rip ")
		console.Hex(t.Frame.RIP)
		console.WriteString("\n")
	}
	machine.Stop(false)
}
