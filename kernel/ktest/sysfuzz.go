package ktest

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
	"unsafe"

	"gokernel/kernel/ktest/sysfuzz"
	"gokernel/kernel/linux"
)

// The system-call fuzzer (kernel/ktest/sysfuzz) as a test. The command
// line's environment sets it up: SYSFUZZ_SEED (default: random, printed),
// SYSFUZZ_DURATION (a Go duration, default 20s), SYSFUZZ_WORKERS (default
// 8). make test runs it with a fixed seed, make fuzz-sys with a random one.

func init() {
	later(func() {
		register("system calls",
			Test{Name: "sysfuzz", Run: testSysfuzz, Note: "random system calls with edge-value arguments from many goroutines; the kernel and the program live on"},
		)
	})
}

func testSysfuzz() error {
	cfg := sysfuzz.Config{Out: os.Stdout, Duration: 20 * time.Second, Workers: 8}
	if s := os.Getenv("SYSFUZZ_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 0, 64)
		if err != nil {
			return fmt.Errorf("SYSFUZZ_SEED=%s: %v", s, err)
		}
		cfg.Seed = v
	} else {
		// getrandom, not crypto/rand: that package's DRBG brings a 32 MiB
		// array into the kernel image's bss.
		syscall.RawSyscall(linux.SYS_GETRANDOM, uintptr(unsafe.Pointer(&cfg.Seed)), 8, 0)
		cfg.Seed >>= 1
	}
	if s := os.Getenv("SYSFUZZ_DURATION"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("SYSFUZZ_DURATION=%s: %v", s, err)
		}
		cfg.Duration = d
	}
	if s := os.Getenv("SYSFUZZ_WORKERS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 64 {
			return fmt.Errorf("SYSFUZZ_WORKERS=%s: not a number from 1 to 64", s)
		}
		cfg.Workers = n
	}
	rep, err := sysfuzz.Run(cfg)
	if err != nil {
		return err
	}
	fmt.Printf("\nsysfuzz: %d calls in %v (%.0f a second): %d failed with an errno, %d to numbers the kernel lacks, %d clones; %d checks passed\n",
		rep.Calls, cfg.Duration, float64(rep.Calls)/cfg.Duration.Seconds(), rep.Failed, rep.Unknown, rep.Clones, rep.Checks)
	for _, s := range sysfuzz.Skipped {
		fmt.Printf("sysfuzz: skipped %s: %s\n", s.Name, s.Why)
	}
	for _, c := range sysfuzz.Constrained {
		fmt.Printf("sysfuzz: constrained %s: %s\n", c.Name, c.Rule)
	}
	if len(rep.Bugs) > 0 {
		return fmt.Errorf("%d bugs with seed %d (the first: %s)", len(rep.Bugs), cfg.Seed, rep.Bugs[0])
	}
	return nil
}
