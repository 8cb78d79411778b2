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
	Running                  // being polled (the caller of Snapshot, if it is a task)
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
	ID    TaskID
	State TaskState
	Polls uint64 // times the task was polled
	Wakes uint64 // Wake calls on its Waker while it lived, duplicates included
}

// Len returns the number of tasks that have been spawned and have not
// finished (nor been dropped).
func (e *Executor) Len() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.live
}

// Snapshot returns the live tasks, by ID, with their state and counters:
// what a `tasks` command shows. Call it from a task of this executor, or
// from any goroutine while Run is not running (Run updates the counters
// without synchronization). It allocates the result.
func (e *Executor) Snapshot() []TaskInfo {
	e.mu.Lock()
	infos := make([]TaskInfo, 0, e.live)
	for slot := range uint64(e.nslots) {
		t := e.entry(slot)
		if t.state != slotLive && t.state != slotRunning {
			continue
		}
		// Each time the task was queued (in the run queue or the run
		// list) but the first, Spawn's, a wake queued it, and each leads
		// to one poll: the times queued are the polls, plus the one in
		// the run list and the one in the run queue, if any. The wakes
		// that found the task queued are counted in the header.
		queued := atomic.LoadUint32(&t.hdr.state)&queuedBit != 0
		pushes := t.polls
		if t.queued {
			pushes++
		}
		if queued {
			pushes++
		}
		dups := atomic.LoadUint64(&t.hdr.dupWakes) + uint64(t.hdr.dups)
		info := TaskInfo{ID: t.id, Polls: t.polls, Wakes: dups + pushes - 1}
		switch {
		case t.state == slotRunning:
			info.State = Running
		case queued || t.queued:
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
