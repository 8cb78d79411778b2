package task_test

import (
	"fmt"
	"time"

	"gokernel/task"
)

// sleepUntilDeadline is an idle function for a hosted executor whose
// tasks are woken only by timers: it sleeps until the next deadline. The
// kernel's halts until the next interrupt or the deadline instead, so that
// a key press also ends it.
func sleepUntilDeadline(queueEmpty func() bool, deadline time.Duration, ok bool) {
	if queueEmpty() && ok {
		time.Sleep(deadline - task.DefaultTimers().Now())
	}
}

// countdown is a task, written by hand, that sleeps between its lines: its
// state is the count and the Timer it awaits.
type countdown struct {
	n     int
	sleep *task.Timer
}

func (c *countdown) Poll(cx *task.Context) (struct{}, bool) {
	for {
		if c.sleep != nil {
			if _, ok := c.sleep.Poll(cx); !ok {
				return struct{}{}, false // pending: Fire wakes us at the deadline
			}
		}
		if c.n == 0 {
			fmt.Println("liftoff")
			return struct{}{}, true
		}
		fmt.Println(c.n)
		c.n--
		c.sleep = task.Sleep(40 * time.Millisecond)
	}
}

// Tasks that sleep: a hand-written one that awaits task.Sleep in a loop,
// and one written with Map. The executor fires the timers and its idle
// function sleeps until the next deadline.
func ExampleSleep() {
	ex, err := task.NewExecutor(16, sleepUntilDeadline)
	if err != nil {
		panic(err)
	}
	ex.Spawn(&countdown{n: 3})
	ex.Spawn(task.Map(task.Sleep(60*time.Millisecond), func(struct{}) struct{} {
		fmt.Println("60ms later")
		return struct{}{}
	}))
	ex.Run()
	// Output:
	// 3
	// 2
	// 60ms later
	// 1
	// liftoff
}

// A ticker is a stream of tick deadlines; Stop ends it.
func ExampleTicker() {
	ex, _ := task.NewExecutor(16, sleepUntilDeadline)
	start := task.DefaultTimers().Now()
	t := task.NewTicker(20 * time.Millisecond)
	n := 0
	ex.Spawn(task.ForEach(t, func(tick time.Duration) {
		n++
		fmt.Printf("tick %d at +%v\n", n, (tick - start).Round(time.Millisecond))
		if n == 3 {
			t.Stop()
		}
	}))
	ex.Run()
	// Output:
	// tick 1 at +20ms
	// tick 2 at +40ms
	// tick 3 at +60ms
}
