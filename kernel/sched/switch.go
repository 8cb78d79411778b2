package sched

import (
	"sync/atomic"

	"gokernel/arch"
	"gokernel/kernel/bkl"
	"gokernel/kernel/clock"
	"gokernel/kernel/console"
	"gokernel/kernel/cpu"
	"gokernel/kernel/dev/lapic"
	"gokernel/kernel/machine"
	"gokernel/kernel/timer"
)

// Block marks the running thread as waiting. It keeps running until the
// caller's kernel entry ends with Switch. addr is the futex word or the
// epoll descriptor; deadline is a clock.Nanotime() value, 0 for none.
//
//go:nosplit
func Block(kind WaitKind, addr uint64, deadline int64) {
	wait(kind, addr, deadline)
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
// loaded into f, after waiting for one if need be. The thread's FS base
// goes with the frame: the entry stubs keep it in the CPU block while the
// kernel runs on its own (kernel/cpu) and load it on the return to ring 3.
// switchFrame is the rest, which host tests drive.
//
//go:nosplit
func Switch(f *arch.Frame) {
	t := Current()
	if t != nil && t.State == Running {
		return
	}
	var fs uint64
	if t != nil && t.State != Exited {
		fs = cpu.UserFS()
	}
	cpu.SetUserFS(switchFrame(f, fs))
}

// switchFrame stores frame f and FS base fs in the current thread as its
// state requires, makes the next runnable thread current, loads its frame
// into f and returns its FS base.
//
//go:nosplit
func switchFrame(f *arch.Frame, fs uint64) uint64 {
	checkSwitch()
	if t := Current(); t != nil {
		switch t.State {
		case Runnable:
			t.Frame = *f
			t.FSBase = fs
			push(me(), current()) // its own CPU's queue: no IPI for a yield
		case Blocked, Frozen:
			t.Frame = *f
			t.FSBase = fs
		case Exited:
			t.State = Free
			nthreads--
		}
		setCurrent(-1)
	}
	i := next() & (MaxThreads - 1)
	t := &threads[i]
	setCurrent(i)
	q := rq(me())
	q.runs++
	q.sliceStart = clock.Nanotime()
	t.State = Running
	t.Wait = WaitNone
	*f = t.Frame
	return t.FSBase
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
		d := waits.Next()
		if d == 0 && watchdog == 0 && irqWaiters == 0 && running() == 0 {
			deadlock()
		}
		if me() != 0 {
			d = 0 // the boot CPU keeps the deadlines; the others wait for work
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

// Preemption: the timer interrupt takes the CPU from a thread that has run
// for a whole time slice while others wait, so a goroutine spinning in a
// loop without system calls cannot starve the rest of the Go program.
const TimeSlice = 10_000_000 // ns, the Go runtime's own scheduling quantum

// Preempt is called by the timer interrupt when it interrupted a thread in
// ring 3: if the thread's slice is used up and another thread is runnable,
// it goes to the back of the run queue at the entry's Switch.
//
//go:nosplit
func Preempt(now int64) {
	if t := Current(); t != nil && t.State == Running && runnable() && now-rq(me()).sliceStart >= TimeSlice {
		t.State = Runnable
		Preemptions++
	}
}

// running counts the CPUs running a thread.
//
//go:nosplit
func running() int {
	n := 0
	for o := 0; o < ncpus(); o++ {
		if rq(o).cur != 0 {
			n++
		}
	}
	return n
}

// Preemptions counts the threads the timer took the CPU from.
var Preemptions uint64

// InterruptsWake is set once a timer is known to fire (the boot checks):
// the idle loop then halts until the next interrupt instead of polling the
// clock.
var InterruptsWake bool

// idle waits once for the deadline (0: none) or for an interrupt, with the
// big kernel lock dropped, so other CPUs run the kernel meanwhile; next
// then looks again for work and the earliest deadline, which may have
// changed meanwhile. With the timer running it halts: STI;HLT enables
// interrupts and halts in one step, so an interrupt that arrives after the
// checks below cannot be missed, and the CPU sleeps until the next one.
// When nothing is due for a while it also stops the periodic tick and arms
// the timer for the deadline (timer.StopTick), so an idle CPU sleeps until
// its next deadline (the 8254's counter bounds that at 55 ms). A thread
// queued meanwhile by another CPU comes with a wake-up IPI (kick): the CPU
// says it is idle before it drops the lock, so the other either sees that
// and sends the IPI, which then ends the halt, or queued the thread before
// and this CPU sees it. The same holds for a deadline earlier than the one
// the boot CPU sleeps until (wakeBoot). Without a timer that fires (early
// boot, or none works), it polls the clock.
//
//go:nosplit
func idle(deadline int64) {
	c := me()
	now := clock.Nanotime()
	if runnable() || (deadline != 0 && now >= deadline) {
		return
	}
	wake := deadline
	if watchdog != 0 && (wake == 0 || watchdog < wake) {
		wake = watchdog
	}
	if c == 0 {
		bootSleeps.Store(wake | sleeping)
	}
	idleCPU[c&(cpu.Max-1)].Store(1)
	idleFrom[c&(cpu.Max-1)].Store(now)
	held := bkl.Drop()
	if !InterruptsWake || (deadline != 0 && deadline-now < spinBelow) {
		// Poll the clock, taking interrupts between polls as the halt
		// would: no timer fires (or the wait is too short to halt for),
		// but devices still interrupt.
		arch.Sti()
		arch.Pause()
		arch.Cli()
	} else {
		gap := int64(1) << 62
		if wake != 0 {
			gap = wake - now
		}
		timer.StopTick(gap)
		fired := timer.MyFired()
		arch.StiHlt()
		arch.Cli()
		if timer.MyFired() != fired {
			timerWakes.Add(1)
			rq(c).timerWakes++
		}
		timer.RestartTick()
		rq(c).halts++
		halts.Add(1)
	}
	bkl.Take(held)
	idleFrom[c&(cpu.Max-1)].Store(0)
	rq(c).idleNs += clock.Nanotime() - now
	idleCPU[c&(cpu.Max-1)].Store(0)
	if c == 0 {
		bootSleeps.Store(0)
	}
}

// bootSleeps is, while the boot CPU idles, the deadline it sleeps until
// (0: none) with the sleeping bit set; 0 while it works.
var bootSleeps atomic.Int64

const sleeping = 1 << 62

// wakeBoot sends the boot CPU a wake-up IPI when another CPU adds a
// deadline earlier than the one the boot CPU sleeps until: only the boot
// CPU keeps the deadlines.
//
//go:nosplit
func wakeBoot(deadline int64) {
	if hostTest || deadline == 0 || me() == 0 {
		return
	}
	s := bootSleeps.Load()
	if s&sleeping == 0 {
		return
	}
	if armed := s &^ sleeping; armed == 0 || deadline < armed {
		kicks.Add(1)
		lapic.SendIPI(cpu.Blocks[0].APICID, WakeVector, lapic.Fixed)
	}
}

// spinBelow is the wait below which the idle loop polls the clock rather
// than halt: a halt lasts until the next interrupt, a whole tick at worst,
// so a sleep of microseconds (the Go runtime's sysmon naps for 20 us when
// a thread enters a system call) would otherwise cost a halt and a tick's
// delay.
const spinBelow = 100_000 // ns

// halts counts the HLTs the idle loops executed, on every CPU.
var halts atomic.Uint64

// timerWakes counts the halts the timer ended, on every CPU: a ticking
// idle would have TickHz a second per CPU, a tickless one about one per
// deadline.
var timerWakes atomic.Uint64

// Halts returns the HLTs the idle loops executed; TimerWakes those that
// the timer ended.
//
//go:nosplit
func Halts() uint64 { return halts.Load() }

//go:nosplit
func TimerWakes() uint64 { return timerWakes.Load() }

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
		console.WriteString(" state ")
		console.Dec(int64(t.State))
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
