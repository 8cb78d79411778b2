package task

import (
	"fmt"
	"slices"
	"sync/atomic"
)

// Introspection: what a `tasks` command shows.

// TaskState is what a task is doing, as Snapshot reports it.
type TaskState uint8

const (
	Waiting TaskState = iota // polled, returned pending, not woken since
	Queued                   // spawned or woken: in the run queue
	Running                  // being polled by its runner (the caller of Snapshot, if it is a task)
)

func (s TaskState) String() string {
	switch s {
	case Waiting:
		return "waiting"
	case Queued:
		return "queued"
	case Running:
		return "running"
	}
	return fmt.Sprintf("TaskState(%d)", uint8(s))
}

// TaskInfo is one task's line in Snapshot.
type TaskInfo struct {
	ID     TaskID
	Name   string // given to SpawnNamed or SpawnOn; "" for Spawn's
	State  TaskState
	Runner int    // the task's runner (see Executor)
	CPU    int    // the CPU the runner was on when it last polled the task (Config.CPU); -1 before the first poll
	Polls  uint64 // times the task was polled
	Wakes  uint64 // Wake calls on its Waker while it lived, duplicates included
}

// Len returns the number of tasks that have been spawned and have not
// finished (nor been dropped).
func (e *Executor) Len() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.live
}

// Snapshot returns the live tasks, by ID, with their state and counters:
// what a `tasks` command shows. It may be called from anywhere. The
// figures of a task of the calling runner (or of any task when no runner
// runs) are exact; those of a task that another runner is polling and
// waking at the same moment are each read atomically, but not all at the
// same instant, so its Wakes may be off by the wakes in flight. It
// allocates the result.
func (e *Executor) Snapshot() []TaskInfo {
	e.mu.Lock()
	infos := make([]TaskInfo, 0, e.live)
	for slot := range uint64(e.nslots) {
		t := e.entry(slot)
		f := atomic.LoadUint32(&t.flags)
		if f&slotStateMask != slotLive {
			continue
		}
		h := t.hdr
		// Each time the task was queued (in the run queue or the run
		// list) but the first, Spawn's, a wake queued it, and each leads
		// to one poll: the times queued are the polls, plus the one in
		// the run list and the one in the run queue, if any. The wakes
		// that found the task queued are counted in the header.
		polls := atomic.LoadUint64(&t.polls)
		queued := atomic.LoadUint32(&h.state)&queuedBit != 0
		pushes := polls
		if f&inRunList != 0 {
			pushes++
		}
		if queued {
			pushes++
		}
		dups := atomic.LoadUint64(&h.dupWakes) + uint64(atomic.LoadUint32(&h.dups))
		info := TaskInfo{ID: t.id, Name: h.name, Runner: h.r.index, CPU: int(f>>cpuShift) - 1,
			Polls: polls, Wakes: dups + max(pushes, 1) - 1}
		switch {
		case atomic.LoadUint64(&h.r.polling) == slot+1:
			info.State = Running
		case queued || f&inRunList != 0:
			info.State = Queued
		}
		infos = append(infos, info)
	}
	e.mu.Unlock()
	slices.SortFunc(infos, func(a, b TaskInfo) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return infos
}
