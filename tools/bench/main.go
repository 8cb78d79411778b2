// Command bench runs every benchmark of the async core and the boot, once
// each, and prints a Markdown table: each figure beside its baseline from
// the same run, and their ratio. Ratios within one run are what the
// project compares (a shared, noisy machine makes absolute figures drift);
// no figure fails anything. `make bench` runs it; README.md shows a table.
//
//	go run ./tools/bench [-benchtime 1s] [-boots 10]
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gokernel/tools/vm"
)

// row compares subject with baseline: unit names the figures, better says
// which way the ratio should go, target is the goal.
type row struct {
	what, subject, baseline, unit string
	lowerRatio                    bool // ratio = subject/baseline (lower is better), else baseline/subject
	target                        string
}

var rows = []row{
	{"executor ping-pong (2 wakes, 2 polls) vs goroutines' channel ping-pong", "BenchmarkPingPong/executor", "BenchmarkPingPong/channels", "ns/op", false, "≥ 10x"},
	{"one wake→poll vs channel ping-pong", "BenchmarkWakePoll/wake+poll", "BenchmarkPingPong/channels", "ns/op", false, ""},
	{"wake of a queued task vs channel ping-pong", "BenchmarkWakePoll/queued", "BenchmarkPingPong/channels", "ns/op", false, ""},
	{"MPMC ring vs buffered channel, one goroutine", "BenchmarkRing/uncontended", "BenchmarkChan/uncontended", "ns/op", false, ""},
	{"MPMC ring vs buffered channel, 4 goroutines", "BenchmarkRing/4goroutines", "BenchmarkChan/4goroutines", "ns/op", false, "≥ 1x"},
	{"SPSC ring vs buffered channel, one goroutine", "BenchmarkSPSC/uncontended", "BenchmarkChan/uncontended", "ns/op", false, ""},
	{"SPSC ring vs buffered channel, producer and consumer", "BenchmarkSPSC/1to1", "BenchmarkChan/1to1", "ns/op", false, ""},
	{"release store (MOV) vs atomic.Store (XCHG)", "BenchmarkRelease/storeRelease", "BenchmarkRelease/atomicStore", "ns/op", false, ""},
	{"memory per idle task vs per goroutine", "BenchmarkIdleMemory/tasks", "BenchmarkIdleMemory/goroutines", "bytes/task", false, "task ≤ 128 B"},
	{"boot to `go: runtime up` vs the empty kernel (-kernel, TCG)", "BenchmarkBoot/kernel", "BenchmarkBoot/empty", "ms/boot", true, "≤ 1.3x"},
	{"time.Now(): vDSO vs system call (in the kernel, TCG)", "clock/vdso", "clock/novdso", "ns/op", false, ""},
}

func main() {
	benchtime := flag.String("benchtime", "1s", "go test -benchtime for the host benchmarks")
	boots := flag.Int("boots", 10, "boots of each kernel for the boot benchmark")
	flag.Parse()
	got := map[string]float64{}
	run(got, "go", "test", "-run", "^$", "-bench", "PingPong|WakePoll|IdleMemory", "-benchtime", *benchtime, "-benchmem", "./task/")
	run(got, "go", "test", "-run", "^$", "-bench", ".", "-benchtime", *benchtime, "./task/ring/")
	run(got, "go", "test", "-run", "^$", "-bench", "Boot", "-benchtime", strconv.Itoa(*boots)+"x", "./tools/boottest")
	for _, opt := range []string{"vdso", "novdso"} {
		if ns, err := clockNs(opt); err != nil {
			log.Printf("time.Now with %s: %v", opt, err)
		} else {
			got["clock/"+opt] = ns
		}
	}
	fmt.Printf("| what | figure | baseline | ratio | target |\n|---|---:|---:|---:|---|\n")
	for _, r := range rows {
		s, okS := got[r.subject+" "+r.unit]
		b, okB := got[r.baseline+" "+r.unit]
		if r.unit == "bytes/task" {
			b, okB = got[r.baseline+" bytes/goroutine"]
		}
		if strings.HasPrefix(r.subject, "clock/") {
			s, okS = got[r.subject]
			b, okB = got[r.baseline]
		}
		if !okS || !okB || s == 0 || b == 0 {
			fmt.Printf("| %s | – | – | not measured | %s |\n", r.what, r.target)
			continue
		}
		ratio := b / s
		if r.lowerRatio {
			ratio = s / b
		}
		fmt.Printf("| %s | %s %s | %s %s | %.2fx | %s |\n", r.what, num(s), r.unit, num(b), baseUnit(r), ratio, r.target)
	}
}

func baseUnit(r row) string {
	if r.unit == "bytes/task" {
		return "bytes/goroutine"
	}
	return r.unit
}

func num(v float64) string {
	if v >= 100 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// benchLine is "BenchmarkX/y-2   N   123 ns/op   4.5 unit ...".
var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(-\d+)?\s+\d+\s+(.*)$`)

// run runs a go test benchmark command and records each "value unit"
// pair of its result lines as got["BenchmarkX/y unit"].
func run(got map[string]float64, name string, args ...string) {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		log.Printf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		f := strings.Fields(m[3])
		for i := 0; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				got[m[1]+" "+f[i+1]] = v
			}
		}
	}
}

// clockNs boots test=clock (with novdso for "novdso") and reads the
// ns per time.Now() it prints.
func clockNs(opt string) (float64, error) {
	cmdline := "test=clock"
	if opt == "novdso" {
		cmdline += " novdso"
	}
	v, err := vm.Start(vm.Options{Kernel: "build/kernel.elf", Cmdline: cmdline, Name: "bench-clock"})
	if err != nil {
		return 0, err
	}
	defer func() { v.Kill(); v.Wait() }()
	m, err := v.ExpectRegexp(regexp.MustCompile(`^clock: time\.Now\(\) (\d+) ns through`), 60*time.Second)
	if err != nil {
		return 0, err
	}
	return strconv.ParseFloat(m[1], 64)
}
