// Package vm boots the kernel in QEMU for tests and benchmarks.
//
// A VM's COM1 goes to QEMU's stdout, which a goroutine reads for as long as
// QEMU runs, so the guest never stalls on a full pipe and the whole serial
// log is kept whether or not anybody calls Expect. Every line is stamped
// with the time its newline arrived, relative to QEMU's start, which is what
// boot-time measurements need.
//
// The guest reports its verdict through isa-debug-exit: writing v to port
// 0xf4 makes QEMU exit with status (v<<1)|1, so 0x10 gives 33 (PASS) and
// 0x11 gives 35 (FAIL). QEMU runs with -no-reboot, so a guest reset (most
// often a triple fault) ends QEMU with status 0 instead of rebooting.
//
// Firmware and GRUB write their own text and ANSI escapes to the serial
// port before the kernel runs: match marker substrings in lines, never
// whole output.
//
// The kernel's command line differs by loader: QEMU's multiboot1 loader
// (-kernel) passes "KERNELPATH ARGS", GRUB's multiboot2 passes "ARGS". A
// kernel should look for key=value words and ignore the rest.
//
// QEMU is run with os/exec, not github.com/hugelgupf/vmtest/qemu: vmtest
// relays output through a go-expect pty that only drains while Expect or
// Wait runs (a silent test stalls the guest on a full pty), merges QEMU's
// stderr into the serial stream, reads VMTEST_* variables that can add
// -kernel or other arguments, and keeps no arrival times for lines.
package vm

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Exit statuses of QEMU produced by the guest through isa-debug-exit.
const (
	StatusPass = 33 // guest wrote 0x10
	StatusFail = 35 // guest wrote 0x11
)

// Defaults for Options.
const (
	DefaultMemory  = "128M"
	DefaultTimeout = 60 * time.Second
)

// QEMUBinary and OVMFPath suit Debian; set them before starting VMs.
var (
	QEMUBinary = "qemu-system-x86_64"
	OVMFPath   = "/usr/share/ovmf/OVMF.fd"
)

// LogDirEnv, when set, supplies Options.LogDir for VMs that leave it empty,
// so CI can keep every serial log without code changes. Use an absolute
// path: go test runs each package in its own directory.
const LogDirEnv = "GOKERNEL_VM_LOGDIR"

// ArgsEnv, when set, holds QEMU arguments every VM gets (split at
// spaces) before its Options.Args, so one run of the whole suite can try
// another machine: QEMU_ARGS="-smp 4" or "-cpu max". An -accel there replaces
// the default, which is TCG, multi-threaded when -smp asks for CPUs.
// make run and its siblings (tools/qemurun) read it with the same meaning.
const ArgsEnv = "QEMU_ARGS"

// Errors that Expect and Wait wrap; test them with errors.Is.
var (
	ErrTimeout = errors.New("timed out")
	ErrExited  = errors.New("QEMU exited")
)

// Firmware selects what runs before the boot loader.
type Firmware int

const (
	SeaBIOS Firmware = iota // QEMU's default BIOS
	OVMF                    // UEFI; boots ISOs only, via GRUB's EFI image
)

func (f Firmware) String() string {
	switch f {
	case SeaBIOS:
		return "SeaBIOS"
	case OVMF:
		return "OVMF"
	}
	return fmt.Sprintf("Firmware(%d)", int(f))
}

// Options describe one VM. Exactly one of Kernel and ISO must be set.
type Options struct {
	Kernel   string        // multiboot ELF booted with -kernel (multiboot1)
	ISO      string        // bootable ISO, e.g. from BuildISO (multiboot2 via GRUB)
	Cmdline  string        // -append text; Kernel only: an ISO carries its own
	Memory   string        // -m; default DefaultMemory
	Firmware Firmware      // OVMF needs ISO: it cannot run QEMU's multiboot loader
	Timeout  time.Duration // QEMU is killed after this; default DefaultTimeout
	QMP      bool          // connect a QMP monitor before the guest starts
	CPUs     int           // -smp; default 1
	Args     []string      // extra QEMU arguments, appended last (after $QEMU_ARGS)
	LogDir   string        // if set, the raw serial log is written to LogDir/Name.log
	Echo     io.Writer     // if set, gets the raw serial output as it arrives (make test-one)
	Name     string        // names the log file and reports; StartT uses t.Name()
}

// VM is a running (or finished) QEMU process.
type VM struct {
	opts   Options
	args   []string // full QEMU command line
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	start  time.Time
	tmpDir string
	mon    *Monitor
	timer  *time.Timer
	done   chan struct{} // closed once QEMU exited and its output is drained
	result Result
	stderr lockedBuffer

	// reported is set once a report with the serial tail went into an
	// error, so StartT's cleanup does not print the same tail again.
	reported atomic.Bool

	mu       sync.Mutex
	serial   serialLog
	next     int  // Expect's cursor: first line index it may match
	exited   bool // done is closed; result is final
	timedOut bool
	killed   bool
}

// Start validates opts and starts QEMU. With opts.QMP it returns only after
// the monitor is connected, which happens before the guest's first
// instruction, so no guest is too fast for QMP.
func Start(opts Options) (*VM, error) {
	if err := opts.fill(); err != nil {
		return nil, err
	}
	v := &VM{opts: opts, done: make(chan struct{})}
	v.serial.init()

	qemu, err := exec.LookPath(QEMUBinary)
	if err != nil {
		return nil, fmt.Errorf("vm: %s not found (Debian package qemu-system-x86): %w", QEMUBinary, err)
	}
	var qmpPath string
	if opts.QMP {
		// Unix socket paths are limited to 108 bytes, so the directory
		// comes from os.MkdirTemp, not from a test's long TempDir.
		if v.tmpDir, err = os.MkdirTemp("", "gokernel-vm-"); err != nil {
			return nil, fmt.Errorf("vm: %w", err)
		}
		qmpPath = filepath.Join(v.tmpDir, "qmp.sock")
	}
	v.args = append([]string{qemu}, opts.qemuArgs(qmpPath)...)

	stdout, stdoutW, err := os.Pipe()
	if err != nil {
		v.cleanupTmp()
		return nil, fmt.Errorf("vm: %w", err)
	}
	stdinR, stdinW, err := os.Pipe()
	if err != nil {
		stdout.Close()
		stdoutW.Close()
		v.cleanupTmp()
		return nil, fmt.Errorf("vm: %w", err)
	}
	v.cmd = exec.Command(v.args[0], v.args[1:]...)
	// Real pipes, not a pty: QEMU writes straight into a pipe that
	// readSerial drains, with no line discipline or terminal state.
	v.cmd.Stdout = stdoutW
	v.cmd.Stdin = stdinR
	v.cmd.Stderr = &v.stderr
	v.cmd.SysProcAttr = sysProcAttr()
	v.stdin = stdinW

	v.start = time.Now()
	err = v.cmd.Start()
	stdoutW.Close()
	stdinR.Close()
	if err != nil {
		stdout.Close()
		stdinW.Close()
		v.cleanupTmp()
		return nil, fmt.Errorf("vm: starting %s: %w", v.CmdlineQuoted(), err)
	}
	v.timer = time.AfterFunc(opts.Timeout, func() {
		v.mu.Lock()
		if !v.exited {
			v.timedOut = true
		}
		v.mu.Unlock()
		v.signalKill()
	})
	serialDone := make(chan struct{})
	go func() {
		v.readSerial(stdout)
		close(serialDone)
	}()
	go v.waitExit(serialDone)

	if opts.QMP {
		if err := v.connectQMP(qmpPath); err != nil {
			v.Kill()
			res, _ := v.Wait()
			return nil, fmt.Errorf("vm: connecting QMP: %w\n%s", err, res.Report())
		}
	}
	return v, nil
}

func (o *Options) fill() error {
	switch {
	case o.Kernel == "" && o.ISO == "":
		return errors.New("vm: Options need Kernel or ISO")
	case o.Kernel != "" && o.ISO != "":
		return errors.New("vm: Options.Kernel and Options.ISO are exclusive")
	case o.ISO != "" && o.Cmdline != "":
		return errors.New("vm: Options.Cmdline needs Kernel; an ISO carries its command line (BuildISO)")
	case o.Kernel != "" && o.Firmware == OVMF:
		return errors.New("vm: OVMF cannot boot a multiboot ELF through -kernel; boot an ISO from BuildISO")
	case o.Firmware != SeaBIOS && o.Firmware != OVMF:
		return fmt.Errorf("vm: unknown %v", o.Firmware)
	}
	for _, f := range []string{o.Kernel, o.ISO} {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			return fmt.Errorf("vm: %w", err)
		}
	}
	if o.Firmware == OVMF {
		if _, err := os.Stat(OVMFPath); err != nil {
			return fmt.Errorf("vm: OVMF firmware (Debian package ovmf): %w", err)
		}
	}
	if o.Memory == "" {
		o.Memory = DefaultMemory
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.LogDir == "" {
		o.LogDir = os.Getenv(LogDirEnv)
	}
	if o.Name == "" {
		o.Name = defaultName()
	}
	return nil
}

var vmCount atomic.Int64

func defaultName() string {
	return fmt.Sprintf("vm-%d-%d", os.Getpid(), vmCount.Add(1))
}

func (o *Options) qemuArgs(qmpPath string) []string {
	// $QEMU_ARGS first: where it and Args both set an option, the VM's
	// own (a machine without a local APIC has one CPU) comes later and wins.
	extra := append(strings.Fields(os.Getenv(ArgsEnv)), o.Args...)
	accel := []string{"-accel", "tcg"}
	if o.CPUs > 1 || slices.Contains(extra, "-smp") {
		// One host thread per guest CPU: without it TCG runs the CPUs
		// in turn and a race between them rarely shows.
		accel = []string{"-accel", "tcg,thread=multi"}
	}
	if slices.Contains(extra, "-accel") {
		accel = nil
	}
	args := append(accel,
		"-m", o.Memory,
		"-display", "none",
		"-serial", "stdio",
		"-monitor", "none",
		"-no-reboot",
		"-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
	)
	if o.CPUs > 1 {
		args = append(args, "-smp", strconv.Itoa(o.CPUs))
	}
	if o.Firmware == OVMF {
		args = append(args, "-bios", OVMFPath)
	}
	if o.Kernel != "" {
		args = append(args, "-kernel", o.Kernel)
		if o.Cmdline != "" {
			args = append(args, "-append", o.Cmdline)
		}
	} else {
		args = append(args, "-cdrom", o.ISO, "-boot", "d")
	}
	if qmpPath != "" {
		// wait=on holds QEMU before machine start until Start has
		// connected, so even a guest that exits at once is observable.
		args = append(args, "-qmp", "unix:"+qmpPath+",server=on,wait=on")
	}
	return append(args, extra...)
}

func (v *VM) readSerial(r io.ReadCloser) {
	defer r.Close()
	buf := make([]byte, 64<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			at := time.Since(v.start)
			v.mu.Lock()
			v.serial.write(buf[:n], at)
			v.mu.Unlock()
			if v.opts.Echo != nil {
				v.opts.Echo.Write(buf[:n])
			}
		}
		if err != nil {
			return
		}
	}
}

func (v *VM) waitExit(serialDone <-chan struct{}) {
	err := v.cmd.Wait()
	elapsed := time.Since(v.start)
	v.timer.Stop()
	<-serialDone // QEMU is gone, so its end of the pipe is closed too
	v.stdin.Close()
	v.mu.Lock()
	mon := v.mon
	v.mu.Unlock()
	if mon != nil {
		mon.Close()
	}
	v.cleanupTmp()

	v.mu.Lock()
	v.serial.flush()
	// The last output may be read just after Wait returned; the exit
	// cannot have come before it.
	if n := len(v.serial.lines); n > 0 {
		elapsed = max(elapsed, v.serial.lines[n-1].At)
	}
	// A kill that raced with QEMU's own exit did not end it: only a
	// signalled process counts as killed.
	status := exitStatus(v.cmd.ProcessState, err)
	res := Result{
		Status:   status,
		TimedOut: v.timedOut && status < 0,
		Killed:   v.killed && !v.timedOut && status < 0,
		Timeout:  v.opts.Timeout,
		Elapsed:  elapsed,
		Log:      string(v.serial.raw),
		Lines:    append([]Line(nil), v.serial.lines...),
		Stderr:   cleanStderr(v.stderr.String()),
		Cmdline:  v.CmdlineQuoted(),
		Name:     v.opts.Name,
	}
	v.mu.Unlock()

	if v.opts.LogDir != "" {
		path, werr := writeLog(v.opts.LogDir, v.opts.Name, v.serial.raw)
		if werr != nil {
			res.Stderr += fmt.Sprintf("vm: writing serial log: %v\n", werr)
		}
		res.LogFile = path
	}

	v.mu.Lock()
	v.result = res
	v.exited = true
	v.serial.broadcast()
	v.mu.Unlock()
	close(v.done)
}

func exitStatus(ps *os.ProcessState, err error) int {
	if ps == nil {
		return -1
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -1
	}
	return ps.ExitCode()
}

// cleanStderr drops the notice that wait=on makes QEMU print on every
// QMP start; it is noise in failure reports.
func cleanStderr(s string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		if l != "" && !strings.Contains(l, "QEMU waiting for connection on") {
			b.WriteString(l)
		}
	}
	return b.String()
}

func (v *VM) cleanupTmp() {
	if v.tmpDir != "" {
		os.RemoveAll(v.tmpDir)
	}
}

// Expect waits until a serial line containing substr arrives and returns
// that line, ANSI escapes and control characters removed. The line being
// written (no newline yet) counts too, so prompts can be matched.
//
// Like expect(1), matching consumes: the next Expect call looks only at
// lines after the matched one. Lines and Log show everything. A timeout of
// 0 waits as long as the VM runs. The error wraps ErrTimeout or ErrExited
// and carries the tail of the serial log and the QEMU command line.
func (v *VM) Expect(substr string, timeout time.Duration) (line string, err error) {
	l, err := v.ExpectTimed(substr, timeout)
	return l.Text, err
}

// ExpectTimed is Expect returning the line with its arrival time.
func (v *VM) ExpectTimed(substr string, timeout time.Duration) (Line, error) {
	return v.expect(fmt.Sprintf("%q", substr), func(s string) bool {
		return strings.Contains(s, substr)
	}, true, timeout)
}

// ExpectRegexp waits for a complete serial line matching re and returns
// re's submatches in it. Unlike Expect it ignores the unfinished line,
// where a match could still change as the line grows.
func (v *VM) ExpectRegexp(re *regexp.Regexp, timeout time.Duration) ([]string, error) {
	var m []string
	_, err := v.expect("/"+re.String()+"/", func(s string) bool {
		m = re.FindStringSubmatch(s)
		return m != nil
	}, false, timeout)
	return m, err
}

// ExpectRegexpTimed is ExpectRegexp returning the line with its arrival
// time too.
func (v *VM) ExpectRegexpTimed(re *regexp.Regexp, timeout time.Duration) (Line, []string, error) {
	var m []string
	l, err := v.expect("/"+re.String()+"/", func(s string) bool {
		m = re.FindStringSubmatch(s)
		return m != nil
	}, false, timeout)
	return l, m, err
}

func (v *VM) expect(what string, match func(string) bool, partial bool, timeout time.Duration) (Line, error) {
	var deadline <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		deadline = t.C
	}
	v.mu.Lock()
	from := v.next
	for {
		from = max(from, v.next)
		lines := v.serial.lines
		for i := from; i < len(lines); i++ {
			if match(lines[i].Text) {
				v.next = i + 1
				v.mu.Unlock()
				return lines[i], nil
			}
		}
		from = len(lines)
		// The unfinished line will become lines[len(lines)].
		if partial && len(v.serial.partial) > 0 && v.next <= len(lines) {
			text := StripANSI(string(v.serial.partial))
			if match(text) {
				v.next = len(lines) + 1
				at := v.serial.partialAt
				v.mu.Unlock()
				return Line{Text: text, At: at}, nil
			}
		}
		if v.exited {
			res := v.result
			v.mu.Unlock()
			v.reported.Store(true)
			return Line{}, fmt.Errorf("vm %s: %s never seen: %w: %s\n%s",
				v.opts.Name, what, ErrExited, res.Meaning(), res.Report())
		}
		changed := v.serial.changed
		v.mu.Unlock()
		select {
		case <-changed:
		case <-deadline:
			v.reported.Store(true)
			return Line{}, fmt.Errorf("vm %s: %s not seen within %v: %w (VM still running at %.3fs)\n%s",
				v.opts.Name, what, timeout, ErrTimeout, v.Since().Seconds(), v.report())
		}
		v.mu.Lock()
	}
}

// report describes a VM that may still be running.
func (v *VM) report() string {
	v.mu.Lock()
	lines := v.serial.snapshot()
	v.mu.Unlock()
	return formatReport("still running", v.CmdlineQuoted(), cleanStderr(v.stderr.String()), lines, "")
}

// Wait waits for QEMU to exit. The guest's verdict is in Result; err is
// non-nil only when QEMU was killed by Options.Timeout (wrapping
// ErrTimeout, with the serial tail).
func (v *VM) Wait() (Result, error) {
	<-v.done
	res := v.result
	if res.TimedOut {
		v.reported.Store(true)
		return res, fmt.Errorf("vm %s: %w: %s\n%s", v.opts.Name, ErrTimeout, res.Meaning(), res.Report())
	}
	return res, nil
}

// Done is closed when QEMU has exited and Wait will not block.
func (v *VM) Done() <-chan struct{} { return v.done }

// Kill kills QEMU unless it has exited already. Call Wait for the Result.
func (v *VM) Kill() {
	v.mu.Lock()
	if !v.exited {
		v.killed = true
	}
	v.mu.Unlock()
	v.signalKill()
}

func (v *VM) signalKill() {
	// The only failure is a process that is already gone, which waitExit
	// handles anyway.
	_ = v.cmd.Process.Kill()
}

// Log returns the raw serial output so far, escapes included.
func (v *VM) Log() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return string(v.serial.raw)
}

// Lines returns the serial lines so far; an unfinished line comes last.
func (v *VM) Lines() []Line {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.serial.snapshot()
}

// SendSerial writes s to the guest's COM1 input.
func (v *VM) SendSerial(s string) error {
	_, err := io.WriteString(v.stdin, s)
	return err
}

// Pid returns the QEMU process's ID, for reading its CPU time.
func (v *VM) Pid() int { return v.cmd.Process.Pid }

// Since returns the time since QEMU was started, on the clock of Line.At.
func (v *VM) Since() time.Duration { return time.Since(v.start) }

// Cmdline returns QEMU's argv.
func (v *VM) Cmdline() []string { return append([]string(nil), v.args...) }

// CmdlineQuoted returns QEMU's command line quoted for a POSIX shell.
func (v *VM) CmdlineQuoted() string { return shellQuote(v.args) }

func shellQuote(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=/.,:@%") == "" {
			q[i] = a
		} else {
			q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(q, " ")
}

var logNames = struct {
	sync.Mutex
	used map[string]int
}{used: map[string]int{}}

// writeLog names the file after the VM, numbering repeats within this
// process so two VMs of one test keep both logs, while a rerun of the
// tests overwrites the previous run's files.
func writeLog(dir, name string, data []byte) (string, error) {
	base := strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '.' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
			return r
		}
		return '_'
	}, name)
	path := filepath.Join(dir, base)
	logNames.Lock()
	logNames.used[path]++
	if n := logNames.used[path]; n > 1 {
		path = fmt.Sprintf("%s-%d", path, n)
	}
	logNames.Unlock()
	path += ".log"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return path, os.WriteFile(path, data, 0o644)
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf []byte
}

// maxStderr bounds what a QEMU stuck printing warnings can cost.
const maxStderr = 1 << 20

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.buf) < maxStderr {
		b.buf = append(b.buf, p...)
	}
	return len(p), nil
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

// Stderr returns what QEMU wrote to its standard error so far: warnings,
// and the lines of -trace events (such as hid_kbd_queue_full, a key
// QEMU's USB keyboard refused).
func (v *VM) Stderr() string { return cleanStderr(v.stderr.String()) }
