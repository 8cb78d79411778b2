package storm

import (
	"os"
	"sync/atomic"
	"testing"
	"time"

	"gokernel/task"
)

// TestWakeStorm runs the storm on an executor of three runners (more
// than the project machines' two cores, so that runners park and are
// unparked all the time), 16 tasks each, until 1,000,000 wakes have been
// made (100,000 with -short). GOKERNEL_STRESS=5m repeats it for that long.
func TestWakeStorm(t *testing.T) {
	var wakes int64 = 1_000_000
	if testing.Short() {
		wakes = 100_000
	}
	var soak time.Duration
	if s := os.Getenv("GOKERNEL_STRESS"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("GOKERNEL_STRESS=%q: %v", s, err)
		}
		soak = d
	}
	for end := time.Now().Add(soak); ; {
		res, parks := run(t, 3, 16, wakes)
		t.Logf("%v; %d parks", res, parks)
		if t.Failed() || !time.Now().Before(end) {
			return
		}
	}
}

// TestWakeStormOneRunner: with one runner every wake is local.
func TestWakeStormOneRunner(t *testing.T) {
	res, _ := run(t, 1, 16, 100_000)
	t.Logf("%v", res)
}

// run runs a storm of wakes on runners × perRunner tasks with the default
// idle, counting the parks, and checks it.
func run(t *testing.T, runners, perRunner int, wakes int64) (Result, int64) {
	t.Helper()
	var parks atomic.Int64
	e, err := task.NewExecutorWith(task.Config{
		MaxTasks: runners * perRunner,
		Runners:  runners,
		Wait: func(w *uint32, v uint32, d time.Duration) {
			parks.Add(1)
			task.FutexWait(w, v, d)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.SetPanicHandler(func(p *task.TaskPanic) { t.Errorf("%v\n%s", p, p.Stack) })
	s, err := Spawn(e, perRunner, wakes)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, runners)
	for range runners {
		go func() { errs <- e.Run() }()
	}
	timeout := time.After(5 * time.Minute)
	for range runners {
		select {
		case err := <-errs:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-timeout:
			t.Fatalf("the storm did not end; tasks left: %+v", e.Snapshot())
		}
	}
	res, err := s.Check()
	if err != nil {
		t.Errorf("%v: %v", res, err)
	}
	return res, parks.Load()
}
