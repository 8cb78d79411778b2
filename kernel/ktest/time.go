package ktest

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"syscall"
	"time"
	"unsafe"

	"gokernel/kernel/clock"
	"gokernel/kernel/kcall"
	"gokernel/kernel/tasks"
	"gokernel/task"
)

// Time tests: the tick against the TSC clock, the runtime's timers, the
// cost of a clock read, and the executor's timers with the real idle.

func init() {
	later(func() {
		register("time",
			Test{Name: "ticks", Run: testTicks, Note: "the PIT tick counter and the TSC clock agree within 5% over 200 ms"},
			Test{Name: "sleep", Run: testSleep, Note: "time.Sleep and a Ticker keep time by the TSC clock"},
			Test{Name: "clock", Run: testClock, Note: "ns per time.Now() through the vDSO (or the system call with novdso)"},
			Test{Name: "timers", Run: testTimers, Note: "1000 tasks sleep on the executor and wake in order, the timer ends a halt about once per deadline, not per tick; a ticker ticks"},
			Test{Name: "clocksources", Run: testClockSources, Note: "the TSC measured against every clock source present; they agree within 0.5%"},
		)
	})
}

// testTicks compares the PIT tick counter with the TSC clock over 200 ms,
// then at the tickless idle's worst moment: the tick stopped while a tick
// is pending, then a one-shot that runs out. The count must follow the
// clock within two ticks.
func testTicks() error {
	before, err := kcall.ReadStats()
	if err != nil {
		return err
	}
	t0 := time.Now()
	time.Sleep(200 * time.Millisecond)
	elapsed := time.Since(t0)
	after, err := kcall.ReadStats()
	if err != nil {
		return err
	}
	hz := time.Duration(after.TickHz)
	if hz == 0 {
		return errors.New("the kernel reports a tick rate of 0")
	}
	n := after.Ticks - before.Ticks
	byTicks := time.Duration(n) * time.Second / hz
	ratio := float64(byTicks) / float64(elapsed)
	fmt.Printf("ticks: %d ticks at %d Hz = %v; TSC clock %v; ratio %.4f\n", n, after.TickHz, byTicks, elapsed, ratio)
	if elapsed < 200*time.Millisecond {
		return fmt.Errorf("time.Sleep(200ms) returned after %v", elapsed)
	}
	if ratio < 0.95 || ratio > 1.05 {
		return fmt.Errorf("tick counter and TSC clock disagree by more than 5%%: ratio %.4f", ratio)
	}
	for _, full := range []uintptr{0, 1} {
		n, ns, err := kcall.Test(kcall.TestTickRace, full)
		if errors.Is(err, syscall.ENODEV) {
			fmt.Println("ticks: the timer is not the 8254 on the PIC: no tick race to check")
			break
		}
		if err != nil {
			return fmt.Errorf("tick race: %v", err)
		}
		byTicks := time.Duration(n) * time.Second / hz
		fmt.Printf("ticks: tick stopped with one pending (one-shot run out: %v): %d ticks = %v; TSC clock %v\n",
			full == 1, n, byTicks, time.Duration(ns))
		if d := byTicks - time.Duration(ns); d > 2*time.Millisecond || d < -2*time.Millisecond {
			return fmt.Errorf("after stopping the tick with one pending, the tick count is %v off the clock", d)
		}
	}
	return nil
}

func testSleep() error {
	t0 := time.Now()
	time.Sleep(50 * time.Millisecond)
	d := time.Since(t0)
	fmt.Printf("sleep: time.Sleep(50ms) took %v by the TSC clock\n", d)
	if d < 50*time.Millisecond || d > 60*time.Millisecond {
		return fmt.Errorf("time.Sleep(50ms) took %v, want 50-60 ms", d)
	}
	t0 = time.Now()
	tk := time.NewTicker(10 * time.Millisecond)
	defer tk.Stop()
	for i := 0; i < 20; i++ {
		<-tk.C
	}
	d = time.Since(t0)
	fmt.Printf("sleep: 20 ticks of a 10 ms ticker took %v\n", d)
	if d < 200*time.Millisecond || d > 240*time.Millisecond {
		return fmt.Errorf("20 ticks took %v, want 200-240 ms", d)
	}
	select {
	case <-time.After(20 * time.Millisecond):
	case <-time.After(time.Second):
		return errors.New("time.After fired out of order")
	}
	return nil
}

// testClock measures the cost of time.Now(), which reads the clock through
// the vDSO when the kernel maps one (the default) and through the
// clock_gettime system call otherwise (novdso on the command line), and of
// the system call itself, and checks that the clock moves forward and that
// the system call succeeds.
func testClock() error {
	const n = 100000
	st, err := kcall.ReadStats()
	if err != nil {
		return err
	}
	mode := "vDSO"
	if st.VDSO == 0 {
		mode = "system call (novdso)"
	}
	var last time.Time
	t0 := time.Now()
	for i := 0; i < n; i++ {
		now := time.Now()
		if now.Before(last) {
			return fmt.Errorf("time.Now went backwards: %v after %v", now, last)
		}
		last = now
	}
	perNow := time.Since(t0) / n
	var ts syscall.Timespec
	t0 = time.Now()
	for i := 0; i < n/10; i++ {
		if _, _, e := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, 1, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
			return fmt.Errorf("clock_gettime(CLOCK_MONOTONIC): %v", e)
		}
	}
	perSyscall := time.Since(t0) / (n / 10)
	if ts.Sec == 0 && ts.Nsec == 0 {
		return errors.New("clock_gettime(CLOCK_MONOTONIC) returned 0")
	}
	fmt.Printf("clock: time.Now() %d ns through the %s; clock_gettime system call %d ns\n",
		perNow.Nanoseconds(), mode, perSyscall.Nanoseconds())
	if wall := time.Now().Year(); wall < 2020 {
		return fmt.Errorf("wall clock says %d", wall)
	}
	return nil
}

// The timers test's deadlines: timerDeadlines distinct ones, timerGap
// apart from timerFirst on, shared by 1000 tasks. timerFirst leaves the
// executor time to poll every task once before the first deadline, even
// on a busy host: a task first polled after its deadline completes then,
// in spawn order, not in deadline order.
const (
	timerTasks     = 1000
	timerDeadlines = 100
	timerFirst     = 100 * time.Millisecond
	timerGap       = 10 * time.Millisecond
)

// testTimers runs task.Sleep and a Ticker on the kernel's executor, with
// its real idle: 1000 tasks sleep until one of 100 deadlines 4 ms apart,
// and must wake no earlier than their deadlines and in deadline order,
// while the CPU halts between deadlines: the count of halts stays near the
// count of distinct deadlines (a ticking idle would halt at every one of
// the 1000 ticks a second, four per deadline); then a 10 ms ticker yields
// 20 ticks.
func testTimers() error {
	runtime.LockOSThread() // the idle runs CLI in this thread, see tasks.Idle
	e, err := task.NewExecutor(2*timerTasks, tasks.Idle)
	if err != nil {
		return err
	}
	type wake struct {
		i            int
		want, actual time.Duration
	}
	var woke []wake
	timers := e.Timers() // the executor that polls the tasks fires their timers
	start := timers.Now()
	before, err := kcall.ReadStats()
	if err != nil {
		return err
	}
	cpusBefore, err := kcall.ReadCPUs()
	if err != nil {
		return err
	}
	for i := 0; i < timerTasks; i++ {
		// Absolute deadlines, so that the tasks of a deadline share it
		// exactly (Sleep would add each one's own start).
		sleep := timers.At(start + timerFirst + time.Duration((i*7919)%timerDeadlines)*timerGap)
		want := sleep.Deadline()
		_, err := e.Spawn(task.Map[struct{}, struct{}](sleep, func(struct{}) struct{} {
			woke = append(woke, wake{i, want, timers.Now()})
			if len(woke) == timerTasks {
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
	after, err := kcall.ReadStats()
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
	wakes := after.TimerWakes - before.TimerWakes
	if cpusAfter, err := kcall.ReadCPUs(); err == nil && len(cpusAfter) > 1 {
		fmt.Printf("timers: halts (ended by the timer) by CPU:")
		for c := range min(len(cpusAfter), len(cpusBefore)) {
			fmt.Printf(" %d (%d)", cpusAfter[c].Halts-cpusBefore[c].Halts, cpusAfter[c].TimerWakes-cpusBefore[c].TimerWakes)
		}
		fmt.Println()
	}
	fmt.Printf("timers: %d sleeping tasks woke in deadline order within %v; latest %v late; %d halts, %d ended by the timer, for %d deadlines on %d CPUs (%d wake-up IPIs)\n",
		timerTasks, elapsed.Round(time.Millisecond), late.Round(time.Microsecond), halts, wakes, timerDeadlines, after.CPUs, after.WakeIPIs-before.WakeIPIs)
	// One CPU: the timer ends a halt once per deadline, and a few times
	// for other threads' timers (the runtime's sysmon); a ticking idle
	// would end one at every tick. With more CPUs, the others halt too,
	// each time the runtime wakes a thread there and it finds no work:
	// IPIs end those halts. The boot CPU keeps every thread's deadlines,
	// and with more Ps the runtime has more of them (sysmon naps, its
	// timed waits), some 2 to 3 per deadline; a tick on any one idle CPU
	// would still end TickHz halts a second, twice that bound.
	limit := uint64(timerDeadlines + timerDeadlines/4)
	if after.CPUs > 1 {
		limit = uint64(elapsed.Seconds()*float64(after.TickHz)) / 2
	}
	if halts == 0 || wakes > limit || (after.CPUs <= 1 && halts > limit) {
		return fmt.Errorf("%d halts, %d ended by the timer, for %d distinct deadlines (at most %d): the idle is not tickless", halts, wakes, timerDeadlines, limit)
	}
	if late > 50*time.Millisecond {
		return fmt.Errorf("a task woke %v after its deadline", late)
	}
	return tickerRun()
}

// tickerRun takes 20 ticks of a 10 ms Ticker on the kernel's executor.
func tickerRun() error {
	e, err := task.NewExecutor(4, tasks.Idle)
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

// testClockSources measures the TSC's frequency against every source the
// machine has (CPUID leaves, HPET, PM timer, 8254), prints each figure,
// and requires the measured ones to agree within 0.5%, and with the
// frequency the clock runs at.
func testClockSources() error {
	st, err := kcall.ReadStats()
	if err != nil {
		return err
	}
	var got []uint64
	for s := clock.CPUID15; s < clock.Guess; s++ {
		hz, _, err := kcall.Test(kcall.TestCalibrate, uintptr(s))
		if err != nil {
			fmt.Printf("clocksources: %-9s -\n", s)
			continue
		}
		fmt.Printf("clocksources: %-9s %.3f MHz\n", s, float64(hz)/1e6)
		got = append(got, uint64(hz))
	}
	if len(got) == 0 {
		return errors.New("no clock source measured the TSC")
	}
	lo, hi := slices.Min(got), slices.Max(got)
	if spread := float64(hi-lo) / float64(lo); spread > 0.005 {
		return fmt.Errorf("the sources disagree by %.2f%% (%d to %d Hz)", 100*spread, lo, hi)
	}
	if d := float64(max(st.TSCHz, lo) - min(st.TSCHz, lo)); d/float64(lo) > 0.005 {
		return fmt.Errorf("the clock runs at %d Hz, the sources say %d", st.TSCHz, lo)
	}
	fmt.Printf("clocksources: %d sources agree within %.3f%%; the clock uses %s\n",
		len(got), 100*float64(hi-lo)/float64(lo), clock.Source(st.ClockSource))
	return nil
}
