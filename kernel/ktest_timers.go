package main

import (
	"fmt"
	"runtime"
	"time"

	"gokernel/task"
)

// testTimers runs task.Sleep and a Ticker on the kernel's executor, with
// its real idle: 1000 tasks sleep 20-219 ms and must wake no earlier than
// their deadlines and in deadline order, while the CPU halts between
// deadlines (the count of halts stays near the count of distinct
// deadlines, not the tick rate); then a 10 ms ticker yields 20 ticks.
func testTimers() error {
	runtime.LockOSThread() // the idle runs CLI in this thread, see runTasks
	e, err := task.NewExecutor(2048, idle)
	if err != nil {
		return err
	}
	const n = 1000
	type wake struct {
		i            int
		want, actual time.Duration
	}
	var woke []wake
	timers := task.DefaultTimers()
	start := timers.Now()
	before, err := readKernelStats()
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		d := time.Duration(20+(i*7919)%200) * time.Millisecond
		sleep := task.Sleep(d)
		want := sleep.Deadline()
		_, err := e.Spawn(task.Map[struct{}, struct{}](sleep, func(struct{}) struct{} {
			woke = append(woke, wake{i, want, timers.Now()})
			if len(woke) == n {
				e.Stop()
			}
			return struct{}{}
		}))
		if err != nil {
			return err
		}
	}
	if err := e.Run(); err != nil {
		return err
	}
	after, err := readKernelStats()
	if err != nil {
		return err
	}
	elapsed := timers.Now() - start
	var late time.Duration
	for k, w := range woke {
		if w.actual < w.want {
			return fmt.Errorf("task %d woke %v before its deadline", w.i, w.want-w.actual)
		}
		if k > 0 && w.want < woke[k-1].want {
			return fmt.Errorf("task %d (deadline %v) woke after one due at %v", w.i, w.want-start, woke[k-1].want-start)
		}
		late = max(late, w.actual-w.want)
	}
	halts := after.Halts - before.Halts
	fmt.Printf("timers: %d sleeping tasks woke in deadline order within %v; latest %v late; %d halts in %v\n",
		n, elapsed.Round(time.Millisecond), late.Round(time.Microsecond), halts, elapsed.Round(time.Millisecond))
	// 200 distinct deadlines over 220 ms: a halt per deadline, a few
	// more for ticks while other threads ran. A ticking idle would halt
	// about once per millisecond of the run as well (tickHz).
	if halts == 0 || halts > 2*200+50 {
		return fmt.Errorf("%d halts while %d tasks slept", halts, n)
	}
	if late > 50*time.Millisecond {
		return fmt.Errorf("a task woke %v after its deadline", late)
	}
	return tickerRun()
}

// tickerRun takes 20 ticks of a 10 ms Ticker on the kernel's executor.
func tickerRun() error {
	e, err := task.NewExecutor(4, idle)
	if err != nil {
		return err
	}
	k := task.NewTicker(10 * time.Millisecond)
	start := task.DefaultTimers().Now()
	ticks := 0
	_, err = e.Spawn(task.ForEach[time.Duration](k, func(time.Duration) {
		if ticks++; ticks == 20 {
			k.Stop()
		}
	}))
	if err != nil {
		return err
	}
	if err := e.Run(); err != nil {
		return err
	}
	d := task.DefaultTimers().Now() - start
	fmt.Printf("timers: 20 ticks of a 10 ms ticker took %v\n", d.Round(time.Millisecond))
	if d < 200*time.Millisecond || d > time.Second {
		return fmt.Errorf("20 ticks of 10 ms took %v", d)
	}
	return nil
}
