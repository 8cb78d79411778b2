package task

import "sync/atomic"

// Stopping: Stop from anywhere, and the end of Run.

// Stop makes Run return after the poll in progress (or at once, if Run is
// in its idle function, when that returns) and makes every later Spawn
// fail with ErrStopped. The unfinished tasks are dropped: their futures
// are released, their Wakers do nothing from then on, and the JoinHandles
// of those started by Spawn complete with ErrStopped. Stop may be called
// from a task, from another goroutine, before Run or after it.
func (e *Executor) Stop() {
	e.mu.Lock()
	e.stopped = true
	atomic.StoreUint32(&e.stopFlag, 1)
	if atomic.LoadUint32(&e.q.sleeping) != 0 {
		e.q.wakeSleeper()
	}
	if !e.running {
		e.dropAll()
	}
	e.mu.Unlock()
}

// shutdown ends Run: the executor is stopped and what is left is dropped.
func (e *Executor) shutdown() {
	e.mu.Lock()
	e.stopped = true
	e.running = false
	atomic.StoreUint32(&e.stopFlag, 1)
	atomic.StoreUintptr(&e.q.owner, 0) // no more local wakes
	e.dropAll()
	e.cx = Context{}
	e.tq = nil
	storeRelease32(&e.runHead, 0)
	e.runTail = 0
	e.mu.Unlock()
}

// dropAll drops every task. e.mu must be held and Run must not be polling.
func (e *Executor) dropAll() {
	for i, c := range e.dir {
		if c == nil {
			continue
		}
		for j := range c {
			if h := c[j].hdr; h != nil {
				atomic.OrUint32(&h.state, doneBit)
			}
			if a, ok := c[j].fut.(abandoner); ok {
				a.abandon(ErrStopped) // a JoinHandle reports the drop
			}
		}
		e.dir[i] = nil
	}
	e.nslots, e.free, e.live = 0, 0, 0
}
