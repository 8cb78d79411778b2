package ktest

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"time"

	"gokernel/kernel/kcall"
	"gokernel/task"
	"gokernel/task/storm"
)

// The executor on every CPU: the wake storm of issue 13 (task/storm).

func init() {
	later(func() {
		register("smp",
			Test{Name: "wakestorm", Run: testWakeStorm, Note: "an executor runner per CPU, tasks on every CPU waking each other 1,000,000 times: every wake polled, none lost"},
		)
	})
}

// The storm's size: wakes in all, tasks per runner.
const (
	stormWakes     = 1_000_000
	stormPerRunner = 16
	stormTimeout   = 5 * time.Minute
)

// testWakeStorm runs an executor with a runner per CPU, each on a
// goroutine locked to its thread, parking as the kernel's own executor
// does (kcall.Park: WaitIRQ with the runner's park word, which a
// FUTEX_WAKE of the word ends), and runs the storm on it: tasks of every runner pass
// tokens to tasks of the others, a Wake each, 1,000,000 times. It fails
// if a token sent was never received by a poll, or if the storm does not
// end in time (a lost wake leaves a runner parked for good), and with
// more than one CPU if the runners were all seen on one.
func testWakeStorm() error {
	n := runtime.NumCPU()
	seen := make([]atomic.Bool, n) // the CPUs the runners were found on
	var parks atomic.Int64
	e, err := task.NewExecutorWith(task.Config{
		MaxTasks: n * stormPerRunner,
		Runners:  n,
		CPU: func() int {
			c := kcall.GetCPU()
			if c >= 0 && c < n {
				seen[c].Store(true)
			}
			return c
		},
		Wait: func(w *uint32, v uint32, d time.Duration) {
			parks.Add(1)
			kcall.Park(w, v, d)
		},
	})
	if err != nil {
		return err
	}
	var panicked atomic.Pointer[task.TaskPanic]
	e.SetPanicHandler(func(p *task.TaskPanic) { panicked.Store(p) })
	s, err := storm.Spawn(e, stormPerRunner, stormWakes)
	if err != nil {
		return err
	}
	errs := make(chan error, n)
	for range n {
		go func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			errs <- e.Run()
		}()
	}
	timeout := time.After(stormTimeout)
	for range n {
		select {
		case err := <-errs:
			if err != nil {
				return err
			}
		case <-timeout:
			return fmt.Errorf("the storm did not end within %v (a lost wake?): %d tasks left", stormTimeout, e.Len())
		}
	}
	res, err := s.Check()
	var cpus []int
	for c := range seen {
		if seen[c].Load() {
			cpus = append(cpus, c)
		}
	}
	var polls int64
	for _, p := range res.Polls {
		polls += p
	}
	fmt.Printf("wakestorm: %d wakes on %d CPUs in %v (%.0f ns a wake): %d tokens received, %d polls %v, %d parks; runners seen on CPUs %v\n",
		res.Wakes, n, res.Elapsed.Round(time.Millisecond), float64(res.Elapsed.Nanoseconds())/float64(max(res.Wakes, 1)),
		res.Received, polls, res.Polls, parks.Load(), cpus)
	switch {
	case err != nil:
		return err
	case panicked.Load() != nil:
		return panicked.Load()
	case n > 1 && len(cpus) < 2:
		return fmt.Errorf("%d runners, all seen on CPU %v", n, cpus)
	}
	return nil
}
