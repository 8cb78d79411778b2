package task

import "sync/atomic"

// Stopping: Stop from anywhere, and what is left when the runners leave
// (runner.leave).

// Stop makes every runner's Run return after the poll in progress (or at
// once, if a runner is in its idle function, when that returns: park
// returns at once) and makes every later Spawn fail with ErrStopped. The
// unfinished tasks are dropped: their futures are released, their Wakers
// do nothing from then on, and the JoinHandles of those started by Spawn
// complete with ErrStopped. Stop may be called from a task, from another
// goroutine, before Run or after it.
func (e *Executor) Stop() {
	e.mu.Lock()
	e.stopped = true
	atomic.StoreUint32(&e.stopFlag, 1)
	if e.running == 0 {
		e.dropAll()
	}
	e.mu.Unlock()
	e.unparkAll()
}

// dropAll drops every task. e.mu must be held and no runner may be
// polling.
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
	for _, r := range e.runners {
		r.live = 0
	}
}
