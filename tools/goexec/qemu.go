package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
)

// Lines the kernel writes around a program (kernel/boot, kernel/sys).
const (
	execLine   = "program: exec "
	exitLine   = "program exited with status "
	reportLine = "sys: failed with ENOSYS or EINVAL:"
)

// QEMU's exit statuses: the kernel's own pass and fail (isa-debug-exit
// codes 0x10 and 0x11), and a program's status N as 65+2N (kernel/machine,
// ProgramExit).
const (
	statusKernelPass = 33
	statusKernelFail = 35
	statusBase       = 65
	maxStatus        = 95
)

// qemuArgs is the QEMU command line for a run.
func qemuArgs(c *config) []string {
	module := strings.Join(append(append([]string{c.prog}, c.args...), c.env...), " ")
	return []string{
		"-accel", "tcg", "-m", c.mem, "-smp", c.smp, "-no-reboot",
		"-display", "none", "-monitor", "none", "-serial", "stdio",
		"-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
		"-kernel", c.kernel,
		// QEMU splits -initrd at commas; ",," is a comma in a name or line.
		"-initrd", strings.ReplaceAll(module, ",", ",,") + "," + strings.ReplaceAll(c.archive, ",", ",,"),
		"-append", "exit=qemu cwd=" + c.cwd,
	}
}

// boot runs QEMU and relays the program's output to out: the kernel's
// boot lines (up to "program: exec") are kept back, and shown on errOut
// if the program never starts or the kernel fails (always with
// GOEXEC_VERBOSE=1); the kernel's closing lines are kept back too.
func boot(c *config, out, errOut io.Writer) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "qemu-system-x86_64", qemuArgs(c)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // no QEMU outlives goexec
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return 1, err
	}
	var log io.Writer = io.Discard
	if c.log != "" {
		f, err := os.Create(c.log)
		if err != nil {
			return 1, err
		}
		defer f.Close()
		log = f
	}
	if err := cmd.Start(); err != nil {
		return 1, fmt.Errorf("starting QEMU: %v", err)
	}
	r := relay{out: out, errOut: errOut, verbose: c.verbose, exact: -1}
	r.copy(io.TeeReader(pipe, log))
	werr := cmd.Wait()
	code := cmd.ProcessState.ExitCode()
	status, err := r.status(code, ctx.Err() != nil)
	if err != nil {
		fmt.Fprintf(errOut, "goexec: QEMU: %s\n", strings.Join(append([]string{"qemu-system-x86_64"}, qemuArgs(c)...), " "))
		if s := strings.TrimSpace(stderr.String()); s != "" {
			fmt.Fprintf(errOut, "goexec: QEMU said: %s\n", s)
		}
		if code < 0 && werr != nil && ctx.Err() == nil {
			err = fmt.Errorf("%v (%v)", err, werr)
		}
	}
	return status, err
}

// relay sorts the serial lines.
type relay struct {
	out, errOut io.Writer
	verbose     bool
	started     bool     // "program: exec" was seen
	bootLog     []string // the kernel's lines before it
	exact       int      // the status the kernel printed, or -1
	failures    string   // the ENOSYS/EINVAL report
}

func (r *relay) copy(in io.Reader) {
	br := bufio.NewReaderSize(in, 64<<10)
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			r.line(strings.TrimRight(line, "\r\n"), strings.HasSuffix(line, "\n"))
		}
		if err != nil {
			return
		}
	}
}

func (r *relay) line(s string, nl bool) {
	s = strings.ReplaceAll(s, "\r", "")
	switch {
	case !r.started:
		r.bootLog = append(r.bootLog, s)
		if r.verbose {
			fmt.Fprintln(r.errOut, s)
		}
		r.started = strings.HasPrefix(s, execLine)
		return
	case strings.HasPrefix(s, exitLine):
		if n, err := strconv.Atoi(strings.TrimPrefix(s, exitLine)); err == nil {
			r.exact = n
		}
		return
	case strings.HasPrefix(s, reportLine):
		r.failures = s
		return
	}
	if nl {
		s += "\n"
	}
	io.WriteString(r.out, s)
}

// status maps QEMU's exit code to the program's status.
func (r *relay) status(code int, timedOut bool) (int, error) {
	switch {
	case timedOut:
		return 1, errors.New("timed out; QEMU killed")
	case code >= statusBase && code%2 == 1 && code <= statusBase+2*maxStatus:
		st := (code - statusBase) / 2
		if st == maxStatus && r.exact >= maxStatus {
			st = r.exact
		}
		return st, nil
	}
	if !r.verbose {
		for _, l := range r.bootLog {
			fmt.Fprintln(r.errOut, l)
		}
	}
	switch code {
	case statusKernelFail:
		if !r.started {
			return 1, errors.New("the kernel did not start the program (its lines above say why)")
		}
		return 1, errors.New("the kernel stopped the machine while the program ran")
	case statusKernelPass:
		return 1, errors.New("the kernel ran its own program, not this one")
	case 0:
		return 1, errors.New("the machine reset (a triple fault?) before the program exited")
	}
	return 1, fmt.Errorf("QEMU exited with status %d", code)
}
