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
		expire(clock.Nanotime())
		if i := dequeue(); i >= 0 {
			return i
		}
		d := earliestDeadline()
		if d == 0 {
			deadlock()
		}
		idle(d)
	}
}

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

// idle waits until the deadline. Without a timer interrupt yet, it polls
// the clock; PAUSE keeps the spin cheap for a hyperthread sibling.
//
//go:nosplit
func idle(deadline int64) {
	for clock.Nanotime() < deadline {
		arch.Pause()
	}
}

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
