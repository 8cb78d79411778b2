package task_test

import (
	"fmt"
	"sync"
	"sync/atomic"

	"gokernel/task"
)

// An executor on two runners, each driven by a Run on a goroutine of its
// own (in the kernel, one per CPU, each locked to its thread with
// runtime.LockOSThread). A task of one runner wakes a task of the other:
// the wake queues it there and unparks that runner. Run returns on both
// once every task has finished.
func ExampleNewExecutorWith() {
	e, err := task.NewExecutorWith(task.Config{MaxTasks: 8, Runners: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	var got atomic.Int64 // the event, published with an atomic before the wake
	var consumer task.AtomicWaker
	e.SpawnOn(1, "consumer", task.FutureFunc[struct{}](func(cx *task.Context) (struct{}, bool) {
		consumer.Register(cx.Waker())
		if n := got.Load(); n != 0 {
			fmt.Println("runner 1 got", n)
			return struct{}{}, true
		}
		return struct{}{}, false
	}))
	e.SpawnOn(0, "producer", task.FutureFunc[struct{}](func(cx *task.Context) (struct{}, bool) {
		got.Store(42)
		consumer.Wake()
		return struct{}{}, true
	}))
	var wg sync.WaitGroup
	for range e.Runners() {
		wg.Go(func() {
			if err := e.Run(); err != nil {
				fmt.Println(err)
			}
		})
	}
	wg.Wait()
	// Output: runner 1 got 42
}
