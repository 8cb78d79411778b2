package boottest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gokernel/tools/vm"
)

// The timing tests (timing) check bounds of a few milliseconds: a sleep at
// most 10 ms late, 20 ticks of a 10 ms ticker within 40 ms. The kernel
// meets them on a quiet host, but this one has 2 cores shared with other
// work, and then the guest's timer interrupt itself arrives up to 100-270
// ms late because QEMU's threads wait for a host CPU; the kernel ends the
// wait within a millisecond of that interrupt (test=sleep at a host load
// of 6-10 failed 4-5 times in 20 with -smp 2 and 1-10 times with -smp 1;
// at load 3-4, never in 20 on either). What tells the host's lateness from
// the kernel's is the host's own account of the QEMU process: the time its
// threads spent runnable but not running (the second field of
// /proc/PID/task/TID/schedstat). runTiming retries a failed timing test
// only when that time, over the whole run, reached hostStall, the largest
// slack any timing bound allows; at most twice. A failure on a host that
// ran QEMU's threads when they asked stands at once, and so does the third.
// (Passing runs on this host at load 5 showed 25 ms to 1.5 s of it; on a
// host with cores to spare it stays near 0 and nothing is retried.)

// hostStall is the host run-queue wait of QEMU's threads during one run
// below which a timing failure cannot be the host's.
const hostStall = 40 * time.Millisecond

// runTiming runs the timing test name as vm.RunTest does, retrying as
// the comment above says.
func runTiming(t *testing.T, o vm.Options, name string) vm.Result {
	t.Helper()
	for try := 1; ; try++ {
		var waited time.Duration
		res := bootTimed(t, o, name, &waited)
		passed := res.Passed() && strings.Contains(res.Log, "test "+name+": PASS")
		if passed || waited < hostStall || try == 3 {
			if !passed {
				t.Errorf("test %s: QEMU %s (its threads waited %v for a host CPU)\n%s", name, res.Meaning(), waited.Round(time.Millisecond), res.Report())
			}
			return res
		}
		t.Logf("test %s failed while QEMU's threads waited %v for a host CPU; again:\n%s", name, waited.Round(time.Millisecond), res.Report())
	}
}

// bootTimed boots test name and sets *waited to the host run-queue wait of
// QEMU's threads from start to exit (sampled every 10 ms while it runs).
func bootTimed(t *testing.T, o vm.Options, name string, waited *time.Duration) vm.Result {
	t.Helper()
	o.Cmdline = strings.TrimSpace(o.Cmdline + " test=" + name)
	v := vm.StartT(t, o)
	done := make(chan time.Duration)
	go func() {
		first, _ := runDelay(v.Pid())
		last := first
		for {
			if d, n := runDelay(v.Pid()); n > 0 {
				last = d
			}
			select {
			case <-v.Done():
				done <- max(last-first, 0)
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	res, err := v.Wait()
	*waited = <-done
	if err != nil {
		t.Fatalf("test %s: %v", name, err)
	}
	return res
}

// runDelay returns the time the threads of process pid have spent waiting
// on a host run queue (Linux's schedstat), and how many threads it read: 0
// once the process is gone, or where there is no /proc.
func runDelay(pid int) (time.Duration, int) {
	files, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/schedstat")
	var sum time.Duration
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if fs := strings.Fields(string(b)); len(fs) >= 2 {
			ns, _ := strconv.ParseInt(fs[1], 10, 64)
			sum += time.Duration(ns)
			n++
		}
	}
	return sum, n
}

func TestRunDelayReadsThisProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/task"); err != nil {
		t.Skip("no /proc")
	}
	d0, n := runDelay(os.Getpid())
	if n == 0 {
		t.Fatal("no thread's schedstat read")
	}
	stop := time.Now().Add(50 * time.Millisecond)
	for i := 0; i < 4; i++ {
		go func() {
			for time.Now().Before(stop) {
			}
		}()
	}
	time.Sleep(80 * time.Millisecond)
	if d1, _ := runDelay(os.Getpid()); d1 < d0 {
		t.Errorf("run delay went back from %v to %v", d0, d1)
	}
	if _, n := runDelay(1 << 30); n != 0 {
		t.Errorf("a process that does not exist has %d threads", n)
	}
}
