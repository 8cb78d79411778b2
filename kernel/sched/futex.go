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
