package sched

// WakeFutex wakes up to n threads blocked in FUTEX_WAIT on addr, oldest
// slot first, and returns how many it woke. Their futex call returns 0.
//
//go:nosplit
func WakeFutex(addr uint64, n int) int {
	woken := 0
	for i := int32(0); i < MaxThreads && woken < n; i++ {
		t := &threads[i]
		if t.State == Blocked && t.Wait == WaitFutex && t.Addr == addr {
			t.Frame.RAX = 0
			enqueue(i)
			woken++
		}
	}
	return woken
}

// WakePoll wakes every thread blocked in WaitPoll on obj. Each restarts
// its system call, which then finds the event that woke it: the frame's
// RIP steps back over the 2-byte SYSCALL instruction and RAX gets the call
// number back.
//
//go:nosplit
func WakePoll(obj uint64, nr uint64) {
	for i := int32(0); i < MaxThreads; i++ {
		t := &threads[i]
		if t.State == Blocked && t.Wait == WaitPoll && t.Addr == obj {
			t.Frame.RIP -= 2
			t.Frame.RAX = nr
			enqueue(i)
		}
	}
}

// Freeze stops the running thread for good at the next Switch.
//
//go:nosplit
func Freeze() {
	if t := Current(); t != nil {
		t.State = Frozen
	}
}

// WakeFaultWaiter makes the thread waiting in WaitFault runnable first in
// line, and reports whether there was one.
//
//go:nosplit
func WakeFaultWaiter() bool {
	for i := int32(0); i < MaxThreads; i++ {
		t := &threads[i]
		if t.State == Blocked && t.Wait == WaitFault {
			t.Frame.RAX = 0
			t.State = Runnable
			t.next = runHead
			runHead = i + 1
			if runTail == 0 {
				runTail = i + 1
			}
			return true
		}
	}
	return false
}
