// Command matrix boots the kernel images across emulator setups and
// prints one Markdown table row per case: the multiboot1 ELF by QEMU's
// -kernel and the GRUB ISO (multiboot2), under SeaBIOS and OVMF, on QEMU's
// pc and q35 machines with the qemu64 and max CPUs, and the ISO under
// Bochs. Each case must reach the kernel's `ready` line and answer
// `echo matrix-ok` typed on COM1.
//
// Usage: go run ./tools/matrix [-set full|quick|usb] [-j N] [-bochs auto|on|off]
// [-bochs-cpu MODEL] [-timeout D] [-kernel build/kernel.elf] [-iso build/kernel.iso]
//
// It exits 1 if a case failed (n/a rows do not count), 2 on bad usage.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"time"

	"gokernel/tools/vm"
)

func main() {
	var cfg Config
	flag.StringVar(&cfg.Kernel, "kernel", "build/kernel.elf", "multiboot ELF for the -kernel cases")
	flag.StringVar(&cfg.ISO, "iso", "build/kernel.iso", "GRUB ISO for the ISO cases")
	flag.DurationVar(&cfg.Timeout, "timeout", 3*time.Minute, "per case: the longest wait for `ready`")
	jobs := flag.Int("j", runtime.NumCPU(), "cases run in parallel")
	set := flag.String("set", "full", "full, quick (four cases for CI) or usb (the USB keyboard cases)")
	bochs := flag.String("bochs", "auto", "Bochs row: auto (if installed), on, off")
	bochsCPU := flag.String("bochs-cpu", vm.DefaultBochsCPU, "Bochs CPU model (bochs -help cpu lists them)")
	flag.Parse()
	cfg.Memory = "128M"

	for _, f := range []string{cfg.Kernel, cfg.ISO} {
		if _, err := os.Stat(f); err != nil {
			fmt.Fprintf(os.Stderr, "matrix: %v (run `make kernel iso` first)\n", err)
			os.Exit(2)
		}
	}
	cases, err := Cases(*set, *bochs, vm.BochsAvailable() == nil, *bochsCPU)
	if err != nil || *jobs < 1 {
		fmt.Fprintf(os.Stderr, "matrix: %v\n", cmpErr(err, "-j must be at least 1"))
		os.Exit(2)
	}

	start := time.Now()
	outcomes := runAll(cases, cfg, *jobs)
	wall := time.Since(start)

	fmt.Printf("# Boot matrix\n\n")
	fmt.Printf("Images: `%s` (-kernel, multiboot1) and `%s` (GRUB, multiboot2); %s.\n", cfg.Kernel, cfg.ISO, qemuVersion())
	fmt.Printf("%d cases, %d at a time on %d CPUs", len(cases), *jobs, runtime.NumCPU())
	if *jobs > 1 {
		fmt.Printf(" (parallel cases compete for the CPUs: times to ready are noisier than with -j 1)")
	}
	fmt.Printf(". Time to ready: from the emulator's start to the kernel's `ready` line.\n\n")
	WriteTable(os.Stdout, outcomes)
	WriteDetails(os.Stdout, outcomes)
	passed, failed, na := Counts(outcomes)
	fmt.Printf("\nmatrix: %d passed, %d failed, %d skipped\n", passed, failed, na)
	fmt.Printf("Total wall time: %.1fs\n", wall.Seconds())
	if failed > 0 {
		os.Exit(1)
	}
}

// runAll runs the cases, jobs at a time, reporting each on stderr as it
// ends, and returns the outcomes in the cases' order.
func runAll(cases []Case, cfg Config, jobs int) []Outcome {
	outcomes := make([]Outcome, len(cases))
	slots := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for i, c := range cases {
		wg.Go(func() {
			if c.NA == "" {
				slots <- struct{}{}
				defer func() { <-slots }()
			}
			o := Run(c, cfg)
			outcomes[i] = o
			mu.Lock()
			done++
			fmt.Fprintf(os.Stderr, "[%d/%d] %s: %s\n", done, len(cases), c.Name(), o.Result())
			mu.Unlock()
		})
	}
	wg.Wait()
	return outcomes
}

func qemuVersion() string {
	out, err := exec.Command(vm.QEMUBinary, "--version").Output()
	if err != nil {
		return vm.QEMUBinary + " not found"
	}
	v, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(v) + " (TCG)"
}

func cmpErr(err error, otherwise string) string {
	if err != nil {
		return err.Error()
	}
	return otherwise
}
