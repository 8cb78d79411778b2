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

// MaxTasks is the largest task limit NewExecutor accepts: slot numbers
// (plus one) must fit the run queue's 32-bit links, and the table's
// directory has a pointer per 255 allowed tasks (512 KiB at this limit).
const MaxTasks = 1 << 24

// Slot states, in the low byte of entry.flags.
const (
	slotFree     = iota
	slotLive     // waiting, queued or being polled
	slotDraining // finished while queued: its slot waits until its runner takes it (see finish)
)

// entry.flags: the slot state, whether the task is in its runner's run
// list, and the CPU that last polled it.
const (
	slotStateMask = 0xff
	inRunList     = 1 << 8 // in the run list (see local.go)
	cpuShift      = 16
	cpuMask       = 0xffff << cpuShift // CPU+1; 0 until the first poll
)

// cpuFlags returns cpu as entry.flags keeps it: cpu+1 in the high half,
// 0 (unknown) for a negative cpu or one beyond 16 bits.
func cpuFlags(cpu int) uint32 {
	if cpu < 0 || cpu >= 0xffff {
		return 0
	}
	return uint32(cpu+1) << cpuShift
}

// entry is one slot of the task table: the post's Task, plus what the
// executor keeps about it. Only the task's runner writes polls, link and
// the flags' run-list bit and CPU; Spawn and finish write the rest under
// the mutex (see Executor). Snapshot, which may run on another
// runner, loads polls and flags atomically; the runner stores them with
// release stores (plain MOVs on amd64), so keeping them readable costs
// nothing.
type entry struct {
	fut   Future[struct{}]
	hdr   *header // nil when free; the task's Wakers are Waker{hdr}: the waker cache
	id    TaskID
	polls uint64
	link  uint32 // slot+1 of the next entry in the free list or the run list, 0 at the end
	flags uint32 // slot state | inRunList | CPU (see above)
}

// queued reports whether the task is in its runner's run list.
//
//go:nosplit
func (t *entry) queued() bool { return t.flags&inRunList != 0 }

// chunkSize is the number of entries per table chunk: a power of two, so
// that finding an entry is a shift and a mask (Run does it a few times per
// poll; 255 entries, which fill the 12 KiB size class, cost 3 ns more per
// BenchmarkPingPong round trip in divisions). 128 entries of 48 bytes and
// the 8-byte header the allocator puts before objects of this size that
// contain pointers take 6,152 bytes of the 6,528-byte size class: 3 bytes
// per task of waste.
const chunkSize = 128

// chunk is a part of the task table, allocated when its first slot is
// handed out and never moved.
type chunk [chunkSize]entry

// entry returns slot's entry, or nil if its chunk was never allocated or
// the slot is beyond the limit.
func (e *Executor) entry(slot uint64) *entry { return entryIn(e.dir, slot) }

// entryIn is entry on the table's directory dir. It has no bounds check
// that could panic: Wake's local path calls it (see local.go).
//
//go:nosplit
func entryIn(dir []*chunk, slot uint64) *entry {
	i := slot / chunkSize
	if i >= uint64(len(dir)) {
		return nil
	}
	c := dir[i]
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
		e.free = e.entry(slot).link
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
	*e.entry(slot) = entry{link: e.free}
	e.free = uint32(slot + 1)
}
