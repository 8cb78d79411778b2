// Package storm is the wake storm: tasks on every runner of an executor
// pass tokens to tasks of other runners, a Wake with each, until a given
// number of wakes has been made, and the counts then show whether every
// wake led to a poll. The task package's host test (TestWakeStorm, under
// -race) and the kernel's test=wakestorm (a runner per CPU) run the same
// storm.
//
// Each task starts with one token. A poll registers the task's Waker,
// takes every token sent to it (an atomic swap: the tokens received) and
// sends each on to a task of another runner, picked at random: an atomic
// add to the target's count, then Wake (the event is published with an
// atomic before the wake, as Waker.Wake requires). Once the wakes are
// made, a token that arrives is retired instead, and the task that
// retires the last one ends the storm: it wakes every task, and each
// completes at its next poll.
//
// No wake is lost: a token is counted as received only by a poll of its
// target that comes after the add, so if a wake were lost its token would
// stay unreceived, the storm would never retire its last token and the
// runners would never return; Check finds the counts off if anything else
// went wrong. AtomicWaker's register-then-check argument covers the tokens
// sent before a target's first poll.
package storm

import (
	"fmt"
	"sync/atomic"
	"time"

	"gokernel/task"
)

// Storm is a wake storm spawned on an executor.
type Storm struct {
	runners, tasks int
	wakes          int64
	nodes          []*node
	sent, retired  atomic.Int64
	done           atomic.Bool
	polls          []counter // by runner
	start          time.Time
	end            atomic.Int64 // ns since start, set when the last token retires
}

// node is one task of the storm.
type node struct {
	pending atomic.Int64 // tokens sent to it and not yet received
	waker   task.AtomicWaker
	got     int64  // tokens received, written by its polls only
	rng     uint64 // xorshift state, for picking targets
	_       [64]byte
}

// counter is a count on a cache line of its own.
type counter struct {
	n atomic.Int64
	_ [56]byte
}

// Result is what a storm measured.
type Result struct {
	Runners, Tasks int
	Wakes          int64         // wakes made
	Received       int64         // tokens received by polls: Wakes plus the first tokens
	Polls          []int64       // polls by runner
	Elapsed        time.Duration // from Spawn to the retirement of the last token
}

// String is the summary line, "N wakes on R runners ...".
func (r Result) String() string {
	var polls int64
	for _, p := range r.Polls {
		polls += p
	}
	return fmt.Sprintf("%d wakes on %d runners (%d tasks) in %v, %.0f ns a wake: %d tokens received, %d polls %v",
		r.Wakes, r.Runners, r.Tasks, r.Elapsed.Round(time.Millisecond),
		float64(r.Elapsed.Nanoseconds())/float64(max(r.Wakes, 1)), r.Received, polls, r.Polls)
}

// Spawn spawns perRunner storm tasks on each runner of e (SpawnOn), which
// will make wakes wakes between them once e runs. The caller then runs
// every runner of e; the runners return when the storm is over, and
// Check tells how it went.
func Spawn(e *task.Executor, perRunner int, wakes int64) (*Storm, error) {
	runners := e.Runners()
	s := &Storm{runners: runners, tasks: runners * perRunner, wakes: wakes,
		polls: make([]counter, runners), start: time.Now()}
	s.nodes = make([]*node, s.tasks)
	for i := range s.nodes {
		s.nodes[i] = &node{rng: uint64(i)*0x9e3779b97f4a7c15 + 1}
		s.nodes[i].pending.Store(1)
	}
	for i := range s.nodes {
		if _, err := e.SpawnOn(i%runners, fmt.Sprint("storm ", i), s.task(i)); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// task returns the future of node i, on runner i%runners.
func (s *Storm) task(i int) task.Future[struct{}] {
	nd, r, n := s.nodes[i], i%s.runners, len(s.nodes)
	return task.FutureFunc[struct{}](func(cx *task.Context) (struct{}, bool) {
		s.polls[r].n.Add(1)
		nd.waker.Register(cx.Waker())
		k := nd.pending.Swap(0)
		nd.got += k
		for range k {
			if s.sent.Add(1) > s.wakes {
				if s.retired.Add(1) == int64(n) { // the last token: the end
					s.end.Store(int64(time.Since(s.start)))
					s.done.Store(true)
					for _, o := range s.nodes {
						o.waker.Wake()
					}
				}
				continue
			}
			nd.rng ^= nd.rng << 13
			nd.rng ^= nd.rng >> 7
			nd.rng ^= nd.rng << 17
			j := int(nd.rng % uint64(n))
			if s.runners > 1 && j%s.runners == r {
				j = (j + 1) % n // another runner's: n is a multiple of runners
			}
			s.nodes[j].pending.Add(1)
			s.nodes[j].waker.Wake()
		}
		return struct{}{}, s.done.Load()
	})
}

// Check returns the storm's figures, and an error if they do not add up:
// some token was never received (a wake without a poll), or more were
// received than sent. Call it after the runners have returned.
func (s *Storm) Check() (Result, error) {
	res := Result{Runners: s.runners, Tasks: s.tasks, Wakes: min(s.sent.Load(), s.wakes),
		Elapsed: time.Duration(s.end.Load())}
	var left int64
	for _, nd := range s.nodes {
		res.Received += nd.got
		left += nd.pending.Load()
	}
	for i := range s.polls {
		res.Polls = append(res.Polls, s.polls[i].n.Load())
	}
	switch {
	case !s.done.Load():
		return res, fmt.Errorf("the storm did not end: %d of %d wakes made, %d of %d tokens retired",
			res.Wakes, s.wakes, s.retired.Load(), s.tasks)
	case left != 0:
		return res, fmt.Errorf("%d tokens sent were never received: wakes without a poll", left)
	case res.Wakes != s.wakes || res.Received != s.wakes+int64(s.tasks) || s.retired.Load() != int64(s.tasks):
		return res, fmt.Errorf("%d wakes made (want %d), %d tokens received (want %d), %d retired (want %d)",
			res.Wakes, s.wakes, res.Received, s.wakes+int64(s.tasks), s.retired.Load(), s.tasks)
	}
	for r, p := range res.Polls {
		if p < int64(s.tasks/s.runners) {
			return res, fmt.Errorf("runner %d made %d polls for its %d tasks", r, p, s.tasks/s.runners)
		}
	}
	return res, nil
}
