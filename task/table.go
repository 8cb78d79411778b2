package task

import "sync/atomic"

// The task table: the post's `tasks: BTreeMap<TaskId, Task>`, as an array
// of slots that Run indexes without a lock or a map lookup.

// TaskID identifies a task. IDs come from one process-wide counter, as in
// the post's TaskId::new: they are unique in the process, never reused,
// increase in the order tasks are spawned (on any executor), and are never
// 0.
type TaskID uint64

// lastID is the last TaskID handed out (atomic).
var lastID uint64

func newTaskID() TaskID { return TaskID(atomic.AddUint64(&lastID, 1)) }

// MaxTasks is the largest task limit NewExecutor accepts. The run queue
// costs 16 bytes per allowed task up front, so this bounds it to 256 MiB.
const MaxTasks = 1 << 24

// Slot states.
const (
	slotFree     = iota
	slotLive     // waiting or queued
	slotRunning  // being polled
	slotDraining // finished, but its handle is (or is being put) in the run queue
)

// entry is one slot of the task table: the post's Task, plus what the
// executor keeps about it.
type entry struct {
	fut   Future[struct{}]
	hdr   *header // nil when free; the task's Wakers are Waker{hdr}: the waker cache
	id    TaskID
	polls uint64
	next  uint32 // free list: the next free slot + 1, 0 at the end
	state uint8
}

// chunkSize is the number of entries per table chunk: 255 entries of 48
// bytes and the 8-byte header the allocator puts before objects of this
// size that contain pointers fill 12,248 bytes of the 12 KiB size class.
// (256 entries would need the next class, 13,568 bytes.)
const chunkSize = 255

// chunk is a part of the task table, allocated when its first slot is
// handed out and never moved.
type chunk [chunkSize]entry

// entry returns slot's entry, or nil if its chunk was never allocated.
func (e *Executor) entry(slot uint64) *entry {
	c := e.dir[slot/chunkSize]
	if c == nil {
		return nil
	}
	return &c[slot%chunkSize]
}

// alloc hands out a free slot, or reports false when the task limit is
// reached. e.mu must be held.
func (e *Executor) alloc() (slot uint64, ok bool) {
	switch {
	case e.free != 0:
		slot = uint64(e.free - 1)
		e.free = e.entry(slot).next
	case e.nslots < e.max:
		slot = uint64(e.nslots)
		if e.dir[slot/chunkSize] == nil {
			e.dir[slot/chunkSize] = new(chunk)
		}
		e.nslots++
	default:
		return 0, false
	}
	return slot, true
}

// release frees slot. e.mu must be held.
func (e *Executor) release(slot uint64) {
	*e.entry(slot) = entry{next: e.free}
	e.free = uint32(slot + 1)
}
