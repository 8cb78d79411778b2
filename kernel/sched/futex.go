package sched

import "gokernel/kernel/futex"

// Waits go through one futex.Queue. Futex waits use the futex word's
// address; epoll waits a tagged address no user pointer can have; sleeps
// have only a deadline.
const pollTag = 1 << 63

var (
	waits futex.Queue
	woken [futex.MaxWaiters]int32
)

// wait puts the running thread in the wait queue.
//
//go:nosplit
func wait(kind WaitKind, addr uint64, deadline int64) {
	t := Current()
	if t == nil {
		return
	}
	t.State = Blocked
	t.Wait = kind
	t.Addr = addr
	t.Deadline = deadline
	if kind == WaitFault {
		return // found by scanning: only a kernel fault wakes it
	}
	if kind == WaitIRQ {
		irqWaiters++
		if deadline == 0 && addr == 0 {
			return // found by scanning: only an interrupt wakes it
		}
	}
	key := addr
	switch kind {
	case WaitSleep:
		key = futex.None
	case WaitIRQ:
		if addr == 0 {
			key = futex.None
		} // else a FUTEX_WAKE of its park word ends it too
	case WaitPoll:
		key = pollTag | addr
	}
	if !waits.Add(key, current(), deadline) {
		// Cannot happen: the queue holds as many waiters as there are
		// threads. Do not lose the thread: let it run again.
		t.State = Runnable
		return
	}
	wakeBoot(deadline)
}

// WakeFutex wakes up to n threads blocked in FUTEX_WAIT on addr, oldest
// first, and returns how many it woke. Their futex call returns 0.
//
//go:nosplit
func WakeFutex(addr uint64, n int) int {
	if addr&pollTag != 0 {
		return 0
	}
	k := waits.Wake(addr, n, &woken)
	for i := 0; i < k && i < len(woken); i++ {
		if t := thread(woken[i]); t != nil {
			t.Frame.RAX = 0
			enqueue(woken[i])
		}
	}
	return k
}

// WakePoll wakes every thread blocked in epoll on obj. Each restarts its
// system call, which then finds the event that woke it: the frame's RIP
// steps back over the 2-byte SYSCALL instruction and RAX gets the call
// number back.
//
//go:nosplit
func WakePoll(obj uint64, nr uint64) {
	k := waits.Wake(pollTag|obj, futex.MaxWaiters, &woken)
	for i := 0; i < k && i < len(woken); i++ {
		if t := thread(woken[i]); t != nil {
			t.Frame.RIP -= 2
			t.Frame.RAX = nr
			enqueue(woken[i])
		}
	}
}

// expire ends the waits whose deadline has passed, with the result each
// kind of wait gives on a timeout.
//
//go:nosplit
func expire(now int64) {
	k := waits.Expire(now, &woken)
	for i := 0; i < k && i < len(woken); i++ {
		t := thread(woken[i])
		if t == nil {
			continue
		}
		if t.Wait == WaitFutex {
			t.Frame.RAX = ETIMEDOUT
		} else {
			t.Frame.RAX = 0
		}
		enqueue(woken[i])
	}
}

//go:nosplit
func thread(i int32) *Thread {
	if uint32(i) < MaxThreads {
		return &threads[i]
	}
	return nil
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
			q := rq(me())
			t.next = q.head
			q.head = i + 1
			if q.tail == 0 {
				q.tail = i + 1
			}
			q.n++
			return true
		}
	}
	return false
}

// FaultWaiting reports whether a thread waits in WaitFault: the fault
// reporter is ready.
//
//go:nosplit
func FaultWaiting() bool {
	for i := range threads {
		if t := &threads[i]; t.State == Blocked && t.Wait == WaitFault {
			return true
		}
	}
	return false
}

var irqWaiters int

// WakeIRQWaiters makes every thread waiting for an interrupt runnable.
// Every hardware interrupt handler calls it.
//
//go:nosplit
func WakeIRQWaiters() {
	if irqWaiters == 0 {
		return
	}
	for i := int32(0); i < MaxThreads; i++ {
		if t := &threads[i]; t.State == Blocked && t.Wait == WaitIRQ {
			if t.Deadline != 0 || t.Addr != 0 {
				waits.Remove(i) // its timeout and park word no longer apply
			}
			t.Frame.RAX = 0
			enqueue(i)
		}
	}
	irqWaiters = 0
}
