package sched

import (
	"testing"

	"gokernel/arch"
	"gokernel/kernel/futex"
)

// The scheduler's decisions on the host: switchFrame and everything but
// the MSR writes and the halt, driven with frames whose RIP names the
// thread. The clock reads 0 on the host (the TSC is never calibrated), so
// tests pass deadlines and times explicitly.

func reset() {
	hostTest, hostCPU, hostCPUs = true, 0, 1
	threads = [MaxThreads]Thread{}
	rqs = [len(rqs)]runq{}
	lastTID, nthreads = 0, 0
	waits = futex.Queue{}
	irqWaiters, watchdog, Preemptions = 0, 0, 0
}

// spawn makes a runnable thread whose frame has RIP rip and whose FS base
// is 16 times its thread ID.
func spawn(t *testing.T, rip uint64) *Thread {
	t.Helper()
	th, ok := New(&arch.Frame{RIP: rip}, uint64(lastTID+1)*16)
	if !ok {
		t.Fatal("thread table full")
	}
	return th
}

// run switches away from the current thread and returns the RIP of the
// one that runs next, checking that the FS base travels with the thread.
func run(t *testing.T, f *arch.Frame) uint64 {
	t.Helper()
	var fs uint64
	if c := Current(); c != nil {
		fs = uint64(c.TID) * 16
	}
	fs = switchFrame(f, fs)
	if c := Current(); fs != uint64(c.TID)*16 {
		t.Fatalf("thread %d came back with FS base %#x", c.TID, fs)
	}
	return f.RIP
}

func TestRunQueueFIFO(t *testing.T) {
	reset()
	spawn(t, 1)
	spawn(t, 2)
	spawn(t, 3)
	var f arch.Frame
	order := []uint64{run(t, &f)}
	for i := 0; i < 5; i++ {
		Yield()
		order = append(order, run(t, &f))
	}
	want := []uint64{1, 2, 3, 1, 2, 3}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("ran %v, want %v", order, want)
		}
	}
	if Count() != 3 {
		t.Errorf("Count() = %d", Count())
	}
}

func TestFutexWaitWake(t *testing.T) {
	reset()
	spawn(t, 1)
	spawn(t, 2)
	spawn(t, 3)
	var f arch.Frame
	run(t, &f) // 1 runs
	Block(WaitFutex, 0x1000, 0)
	if got := run(t, &f); got != 2 {
		t.Fatalf("after 1 blocked, %d runs", got)
	}
	Block(WaitFutex, 0x1000, 0)
	if got := run(t, &f); got != 3 {
		t.Fatalf("after 2 blocked, %d runs", got)
	}
	if n := WakeFutex(0x2000, 1); n != 0 {
		t.Errorf("a wake on another word woke %d", n)
	}
	if n := WakeFutex(0x1000, 1); n != 1 {
		t.Fatalf("WakeFutex woke %d, want 1", n)
	}
	Yield()
	if got := run(t, &f); got != 1 || f.RAX != 0 {
		t.Errorf("the oldest waiter must wake first with 0: ran %d, RAX %#x", got, f.RAX)
	}
}

func TestTimeouts(t *testing.T) {
	reset()
	spawn(t, 1)
	spawn(t, 2)
	spawn(t, 3)
	var f arch.Frame
	run(t, &f)
	Block(WaitFutex, 0x1000, 500) // futex with a timeout: ETIMEDOUT
	run(t, &f)
	Block(WaitSleep, 0, 300) // nanosleep: 0
	run(t, &f)               // 3 runs
	Tick(299)
	if rqs[0].head != 0 {
		t.Fatal("a wait ended before its deadline")
	}
	Tick(300)
	Yield()
	if got := run(t, &f); got != 2 || f.RAX != 0 {
		t.Errorf("sleep: ran %d with RAX %#x, want 2 with 0", got, f.RAX)
	}
	Tick(1000)
	Yield()
	if run(t, &f) != 3 {
		t.Fatal("3 should run before the waiter that timed out later")
	}
	Yield()
	if got := run(t, &f); got != 1 || f.RAX != ETIMEDOUT {
		t.Errorf("futex timeout: ran %d with RAX %#x, want 1 with -ETIMEDOUT", got, f.RAX)
	}
}

func TestIRQWaiters(t *testing.T) {
	reset()
	spawn(t, 1)
	spawn(t, 2)
	var f arch.Frame
	run(t, &f)
	Block(WaitIRQ, 0, 5000) // the executor's idle, with a timer
	run(t, &f)
	WakeIRQWaiters()
	Yield()
	if got := run(t, &f); got != 1 {
		t.Fatalf("an interrupt did not wake the waiter: %d runs", got)
	}
	// Its timeout no longer applies: a later tick wakes nobody twice.
	Tick(10000)
	if rqs[0].head != 0 && threads[rqs[0].head-1].Frame.RIP == 1 {
		t.Error("the woken waiter was woken again by its stale timeout")
	}
}

func TestWakePollRestarts(t *testing.T) {
	reset()
	spawn(t, 1)
	spawn(t, 2)
	var f arch.Frame
	run(t, &f)
	f.RIP = 0x402 // just after the SYSCALL of thread 1's frame
	Block(WaitPoll, 7, 0)
	run(t, &f) // saves thread 1's frame, 2 runs
	WakePoll(7, 281)
	Yield()
	run(t, &f)
	if f.RIP != 0x400 || f.RAX != 281 {
		t.Errorf("epoll restart: RIP %#x RAX %d, want 0x400 and the call number 281", f.RIP, f.RAX)
	}
}

func TestPreempt(t *testing.T) {
	reset()
	spawn(t, 1)
	var f arch.Frame
	run(t, &f)
	Preempt(TimeSlice * 2)
	if Current().State != Running || Preemptions != 0 {
		t.Error("a thread alone was preempted")
	}
	spawn(t, 2)
	Preempt(TimeSlice - 1)
	if Current().State != Running {
		t.Error("preempted before its slice was used")
	}
	Preempt(TimeSlice)
	if Current().State != Runnable || Preemptions != 1 {
		t.Fatal("not preempted after its slice with another thread waiting")
	}
	if got := run(t, &f); got != 2 {
		t.Errorf("after the preemption %d runs, want 2", got)
	}
}

func TestExitFreesTheSlot(t *testing.T) {
	reset()
	spawn(t, 1)
	spawn(t, 2)
	var f arch.Frame
	run(t, &f)
	Exit()
	if got := run(t, &f); got != 2 || Count() != 1 {
		t.Errorf("after exit: %d runs, %d threads", got, Count())
	}
	for i := 0; i < MaxThreads-1; i++ {
		spawn(t, uint64(10+i))
	}
	if _, ok := New(&arch.Frame{}, 0); ok {
		t.Error("a thread beyond MaxThreads was created")
	}
}

// TestSteal: two CPUs; CPU 0 queues three threads; CPU 1, with an empty
// queue, steals the oldest; each CPU keeps its own running thread, and a
// yield goes back on the yielding CPU's queue.
func TestSteal(t *testing.T) {
	reset()
	hostCPUs = 2
	spawn(t, 1)
	spawn(t, 2)
	spawn(t, 3)
	var f0, f1 arch.Frame
	hostCPU = 0
	if got := run(t, &f0); got != 1 {
		t.Fatalf("CPU 0 runs %d", got)
	}
	hostCPU = 1
	if got := run(t, &f1); got != 2 {
		t.Fatalf("CPU 1 stole %d, want 2", got)
	}
	if Current().Frame.RIP != 2 && f1.RIP != 2 {
		t.Error("CPU 1's current thread is not the stolen one")
	}
	if rqs[0].n != 1 || rqs[1].n != 0 || running() != 2 {
		t.Errorf("queues %d and %d, %d running", rqs[0].n, rqs[1].n, running())
	}
	Yield()
	if got := run(t, &f1); got != 2 {
		// Its own queue has the yielder: it runs again before stealing.
		t.Errorf("after a yield CPU 1 runs %d, want 2 again", got)
	}
	hostCPU = 0
	Yield()
	if got := run(t, &f0); got != 3 {
		t.Errorf("CPU 0 after a yield runs %d, want 3", got)
	}
}
