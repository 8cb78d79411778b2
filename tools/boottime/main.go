// Command boottime shows where the kernel's boot time goes: it boots
// build/kernel.elf under -kernel (TCG) n times with the boottime option,
// which makes the kernel print its phases as a Markdown table after
// "go: runtime up" (kernel/stamp), and prints the per-row medians, with
// the host's own time to the marker and the empty kernel's time to its
// line for comparison.
//
//	go run ./tools/boottime [-n 7] [-append "..."]
package main

import (
	"flag"
	"fmt"
	"log"
	"sort"
	"strconv"
	"strings"
	"time"

	"gokernel/tools/vm"
)

func main() {
	kernel := flag.String("kernel", "build/kernel.elf", "the kernel")
	empty := flag.String("empty", "build/empty.elf", "the baseline kernel")
	n := flag.Int("n", 7, "boots of each")
	extra := flag.String("append", "", "more command line")
	flag.Parse()
	var order []string
	ms := map[string][][2]float64{}
	var host, base []float64
	for i := 0; i < *n; i++ {
		lines, at := boot(*kernel, "boottime "+*extra, "go: runtime up", "page faults, in")
		host = append(host, at)
		for _, l := range lines {
			cells := strings.Split(l, "|")
			if len(cells) != 5 || strings.HasPrefix(cells[2], "-") || strings.TrimSpace(cells[1]) == "phase" {
				continue
			}
			name := strings.TrimSpace(cells[1])
			if strings.HasPrefix(name, "(") { // "(N system calls, ...)": N varies
				name = "(" + strings.TrimLeft(name, "(0123456789 ")
			}
			a, _ := strconv.ParseFloat(strings.TrimSpace(cells[2]), 64)
			b, _ := strconv.ParseFloat(strings.TrimSpace(cells[3]), 64)
			if _, ok := ms[name]; !ok {
				order = append(order, name)
			}
			ms[name] = append(ms[name], [2]float64{a, b})
		}
		_, at = boot(*empty, "", "empty: ok", "empty: ok")
		base = append(base, at)
	}
	fmt.Printf("Medians of %d boots (ms; \"at\" counts from the guest's TSC zero, the virtual machine's start).\n\n", *n)
	fmt.Println("| phase | ms | at ms |\n|---|---:|---:|")
	for _, name := range order {
		var a, b []float64
		for _, v := range ms[name] {
			a, b = append(a, v[0]), append(b, v[1])
		}
		if strings.HasPrefix(name, "(") {
			fmt.Printf("| %s | %.1f | |\n", name, median(a))
			continue
		}
		fmt.Printf("| %s | %.1f | %.1f |\n", name, median(a), median(b))
	}
	h, e := median(host), median(base)
	fmt.Printf("\nHost time from QEMU's start to `go: runtime up`: %.1f ms; to the empty kernel's line: %.1f ms; ratio %.2f.\n", h, e, h/e)
}

// boot runs one kernel until a line containing last and returns its lines
// and the host's time to the first line containing marker, in ms.
func boot(kernel, cmdline, marker, last string) ([]string, float64) {
	v, err := vm.Start(vm.Options{Kernel: kernel, Cmdline: cmdline, Name: "boottime"})
	if err != nil {
		log.Fatal(err)
	}
	defer func() { v.Kill(); v.Wait() }()
	l, err := v.ExpectTimed(marker, 30*time.Second)
	if err == nil && last != marker {
		_, err = v.Expect(last, 30*time.Second)
	}
	if err != nil {
		log.Fatalf("%s: %v\n%s", kernel, err, v.Log())
	}
	var lines []string
	for _, x := range v.Lines() {
		lines = append(lines, x.Text)
	}
	return lines, float64(l.At.Microseconds()) / 1000
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	sort.Float64s(v)
	return v[len(v)/2]
}
