package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// config is one run's setup.
type config struct {
	kernel, prog, archive string
	args, env             []string
	cwd, goroot           string
	mem, smp              string
	timeout               time.Duration
	log                   string
	verbose               bool
}

// passEnv are the variables goexec hands on from its own environment.
var passEnv = []string{"GODEBUG", "GOTRACEBACK", "GOGC", "GOMEMLIMIT", "GOMAXPROCS", "GOROOT", "TZ"}

func configure(prog string, args []string) (*config, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	prog, err = filepath.Abs(prog)
	if err != nil {
		return nil, err
	}
	c := &config{
		prog:    prog,
		args:    args,
		cwd:     guestPath(cwd),
		goroot:  runtime.GOROOT(),
		mem:     envOr("GOEXEC_MEM", "512M"),
		smp:     envOr("GOEXEC_SMP", "1"),
		log:     os.Getenv("GOEXEC_LOG"),
		verbose: os.Getenv("GOEXEC_VERBOSE") == "1",
	}
	if g := os.Getenv("GOROOT"); g != "" {
		c.goroot = g
	}
	if c.kernel, err = findKernel(); err != nil {
		return nil, err
	}
	c.timeout = 20 * time.Minute
	if t := os.Getenv("GOEXEC_TIMEOUT"); t != "" {
		if c.timeout, err = time.ParseDuration(t); err != nil {
			return nil, fmt.Errorf("GOEXEC_TIMEOUT=%s: %v", t, err)
		}
	} else if t := testTimeout(args); t > 0 {
		c.timeout = t + time.Minute
	}
	c.env = append(c.env, "TMPDIR=/tmp", "HOME=/tmp", "PWD="+c.cwd)
	for _, name := range passEnv {
		if v, ok := os.LookupEnv(name); ok {
			c.env = append(c.env, name+"="+v)
		}
	}
	c.env = append(c.env, strings.Fields(os.Getenv("GOEXEC_ENV"))...)
	for _, w := range append(append([]string{prog}, args...), c.env...) {
		if err := checkWord(w); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// guestPath is where a host directory is in the guest: the same path,
// except that /tmp is the guest's own in-memory file system, so a
// directory below it moves to /host/tmp.
func guestPath(dir string) string {
	if dir == "/tmp" || strings.HasPrefix(dir, "/tmp/") {
		return "/host" + dir
	}
	return dir
}

// checkWord refuses what the module's command line cannot carry: the
// kernel splits it at blanks and has no quoting.
func checkWord(w string) error {
	if w == "" || strings.ContainsAny(w, " \t\n\r") {
		return fmt.Errorf("argument %q: the kernel's module command line splits at blanks and has no quoting", w)
	}
	return nil
}

// testTimeout returns -test.timeout's value, if given.
func testTimeout(args []string) time.Duration {
	for i, a := range args {
		v, ok := strings.CutPrefix(a, "-test.timeout=")
		if !ok && a == "-test.timeout" && i+1 < len(args) {
			v, ok = args[i+1], true
		}
		if ok {
			d, _ := time.ParseDuration(v)
			return d
		}
	}
	return 0
}

// findKernel looks for the kernel: GOEXEC_KERNEL, kernel.elf beside the
// goexec binary (make builds both into build/), or build/kernel.elf in
// the working directory or a parent.
func findKernel() (string, error) {
	if k := os.Getenv("GOEXEC_KERNEL"); k != "" {
		return filepath.Abs(k)
	}
	var tried []string
	if exe, err := os.Executable(); err == nil {
		k := filepath.Join(filepath.Dir(exe), "kernel.elf")
		if _, err := os.Stat(k); err == nil {
			return k, nil
		}
		tried = append(tried, k)
	}
	dir, _ := os.Getwd()
	for {
		k := filepath.Join(dir, "build", "kernel.elf")
		if _, err := os.Stat(k); err == nil {
			return k, nil
		}
		tried = append(tried, k)
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "", fmt.Errorf("no kernel: set GOEXEC_KERNEL or run make kernel (tried %s)", strings.Join(tried, ", "))
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
