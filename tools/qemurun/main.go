// Command qemurun boots the kernel in QEMU for a person at a terminal:
// make run, run-iso, run-uefi, debug and gdb call it. (The tests boot
// through tools/vm instead, which adds -no-reboot and the exit device's
// verdicts.)
//
// It chooses the accelerator and says which (ACCEL: auto, kvm or tcg),
// appends $QEMU_ARGS as tools/vm does (one meaning: split at spaces,
// appended last; an -accel there replaces the chosen one), and watches
// QEMU's standard error: a KVM that cannot run the kernel ("KVM internal
// error", as nested KVM gives) stops QEMU with a message naming ACCEL=tcg,
// instead of leaving it paused on a register dump.
//
// With -gdb it starts QEMU waiting for a debugger on a free port and gdb
// itself, with build/go.elf and build/kernel.elf loaded, Go's
// runtime-gdb.py sourced and a hardware breakpoint at -break; gdb owns the
// terminal, QEMU's serial output goes to the terminal too, and QEMU ends
// when gdb does.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"gokernel/tools/vm"
)

// Accelerators.
const (
	KVM = "kvm"
	TCG = "tcg"
)

// chooseAccel picks the accelerator from ACCEL's value, whether
// /dev/kvm can be opened and whether a debugger will attach, and says why
// in words for the user. Debugging defaults to TCG: its gdb stub is the
// one these tests use, and nested KVM often cannot run the kernel at all.
func chooseAccel(env string, kvmUsable, debug bool) (accel, why string, err error) {
	switch env {
	case "", "auto":
		switch {
		case debug:
			return TCG, "the default for debugging; ACCEL=kvm tries KVM", nil
		case kvmUsable:
			return KVM, "/dev/kvm is usable; ACCEL=tcg forces TCG", nil
		}
		return TCG, "no usable /dev/kvm", nil
	case KVM:
		return KVM, "ACCEL=kvm", nil
	case TCG:
		return TCG, "ACCEL=tcg", nil
	}
	return "", "", fmt.Errorf("ACCEL=%s: want auto, kvm or tcg", env)
}

// kvmUsable reports whether this user can open /dev/kvm for reading and
// writing, which is what QEMU's -accel kvm needs.
func kvmUsable() bool {
	f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// config is one run.
type config struct {
	qemu    string
	kernel  string // -kernel (multiboot1), or
	iso     string // -cdrom
	uefi    bool   // OVMF instead of SeaBIOS
	ovmf    string
	cmdline string
	mem     string
	display bool // a window; otherwise -display none
	accel   string
	extra   []string // $QEMU_ARGS

	debug   bool   // wait for gdb (-S) on gdbPort
	gdbPort int    // 0: 1234
	serial  string // -serial; default mon:stdio

	stdin          io.Reader // QEMU's; os.Stdin by default
	stdout, stderr io.Writer
}

// qemuArgs is QEMU's command line for c, without the binary.
func (c *config) qemuArgs() []string {
	var a []string
	hasAccel := false
	for _, x := range c.extra {
		hasAccel = hasAccel || x == "-accel"
	}
	if !hasAccel {
		a = append(a, "-accel", c.accel)
	}
	a = append(a, "-m", c.mem, "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04")
	if !c.display {
		a = append(a, "-display", "none")
	}
	serial := c.serial
	if serial == "" {
		serial = "mon:stdio"
	}
	a = append(a, "-serial", serial)
	if c.uefi {
		a = append(a, "-bios", c.ovmf)
	}
	if c.kernel != "" {
		a = append(a, "-kernel", c.kernel, "-append", c.cmdline)
	} else {
		a = append(a, "-cdrom", c.iso)
	}
	if c.debug {
		port := c.gdbPort
		if port == 0 {
			port = 1234
		}
		a = append(a, "-gdb", fmt.Sprintf("tcp:localhost:%d", port), "-S")
	}
	return append(a, c.extra...)
}

// kvmFailure reports whether a line of QEMU's standard error says that
// KVM could not run the guest. After "KVM internal error" QEMU stops the
// guest and dumps its registers, but keeps running.
func kvmFailure(line string) bool {
	return strings.Contains(line, "KVM internal error") ||
		strings.Contains(line, "kvm run failed") ||
		strings.Contains(line, "failed to initialize kvm") ||
		strings.Contains(line, "Could not access KVM kernel module")
}

const (
	kvmAdvice = "qemurun: KVM could not run this kernel (nested KVM often cannot); run it with TCG: ACCEL=tcg"
	kvmRetry  = "qemurun: KVM could not run this kernel (nested KVM often cannot); booting again with TCG (ACCEL=tcg skips KVM)"
)

func main() {
	var c config
	flag.StringVar(&c.qemu, "qemu", vm.QEMUBinary, "QEMU binary")
	flag.StringVar(&c.kernel, "kernel", "", "multiboot ELF to boot with -kernel")
	flag.StringVar(&c.iso, "iso", "", "ISO to boot from the CD drive")
	flag.BoolVar(&c.uefi, "uefi", false, "boot under OVMF (UEFI)")
	flag.StringVar(&c.ovmf, "ovmf", vm.OVMFPath, "OVMF firmware image")
	flag.StringVar(&c.cmdline, "append", "", "kernel command line (-kernel only)")
	flag.StringVar(&c.mem, "m", vm.DefaultMemory, "RAM size")
	flag.BoolVar(&c.debug, "debug", false, "QEMU waits for gdb on -port before the first instruction")
	flag.IntVar(&c.gdbPort, "port", 1234, "gdb port for -debug")
	gdb := flag.Bool("gdb", false, "start gdb too, connected, with the symbols loaded (implies -debug)")
	goELF := flag.String("go-elf", "build/go.elf", "the Go program with DWARF (gdb's main symbol file)")
	breakAt := flag.String("break", "main.main", "gdb: hardware breakpoint at this function (empty: none)")
	goroot := flag.String("goroot", "", "gdb: GOROOT whose src/runtime/runtime-gdb.py to load (default: go env GOROOT)")
	var gdbEx multiFlag
	flag.Var(&gdbEx, "ex", "gdb: a command to run after reaching the breakpoint (repeatable)")
	batch := flag.Bool("batch", false, "gdb: run the -ex commands and quit (for tests)")
	flag.Parse()
	if (c.kernel == "") == (c.iso == "") {
		fail("give one of -kernel and -iso")
	}

	c.display = os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
	c.extra = strings.Fields(os.Getenv(vm.ArgsEnv))
	env := os.Getenv("ACCEL")
	accel, why, err := chooseAccel(env, kvmUsable(), c.debug || *gdb)
	if err != nil {
		fail(err.Error())
	}
	c.accel = accel
	fromArgs := false
	for _, x := range c.extra {
		if x == "-accel" {
			why, fromArgs = "the -accel in QEMU_ARGS", true
		}
	}
	fmt.Fprintf(os.Stderr, "qemurun: accelerator %s (%s)\n", strings.ToUpper(accel), why)

	if *gdb {
		c.debug, c.display = true, false
		port, err := freePort()
		if err != nil {
			fail(err.Error())
		}
		c.gdbPort = port
		// gdb owns the terminal; the serial output goes there as
		// well, and QEMU reads nothing from it.
		c.serial = "stdio"
		os.Exit(runGDB(&c, gdbOptions{goELF: *goELF, kernelELF: c.kernel, breakAt: *breakAt,
			goroot: *goroot, ex: gdbEx, batch: *batch}))
	}
	if c.debug {
		c.display = false
		fmt.Fprintf(os.Stderr, "qemurun: QEMU waits for gdb on port %d; in another terminal:\n", c.gdbPort)
		fmt.Fprintf(os.Stderr, "  gdb %s -ex 'add-symbol-file %s' -ex 'target remote localhost:%d'\n", *goELF, c.kernel, c.gdbPort)
		fmt.Fprintf(os.Stderr, "or run make gdb instead of make debug: it starts both\n")
	}
	c.stdin, c.stdout, c.stderr = os.Stdin, os.Stdout, os.Stderr
	os.Exit(runWithRetry(&c, !fromArgs && (env == "" || env == "auto")))
}

// runWithRetry runs QEMU; when KVM fails and retry is set (the accelerator
// was chosen here, not asked for), it boots again under TCG.
func runWithRetry(c *config, retry bool) int {
	status, kvmFailed := runQEMU(c)
	if kvmFailed && retry {
		// KVM gives up at once, before the kernel has printed much:
		// boot again under TCG rather than leave the user stuck.
		fmt.Fprintln(c.stderr, kvmRetry)
		c.accel = TCG
		status, _ = runQEMU(c)
	} else if kvmFailed {
		fmt.Fprintln(c.stderr, kvmAdvice)
		status = 1
	}
	return status
}

// runQEMU runs QEMU in the foreground with this terminal and returns its
// exit status, and whether KVM failed.
func runQEMU(c *config) (int, bool) {
	cmd := exec.Command(c.qemu, c.qemuArgs()...)
	cmd.Stdin, cmd.Stdout = c.stdin, c.stdout
	// QEMU's own serial console (mon:stdio) takes Ctrl-C as a byte for
	// the guest; a SIGINT reaches us only without a terminal. Either way
	// QEMU decides when to end, and we wait for it.
	signal.Notify(make(chan os.Signal, 1), os.Interrupt)
	return runWatched(cmd, c.stderr, c.accel == KVM)
}

// runWatched starts cmd with its standard error copied to ours and
// watched for KVM failures, and returns its exit status and whether KVM
// failed (a line saying so, or QEMU's status 1 under KVM).
func runWatched(cmd *exec.Cmd, errOut io.Writer, kvm bool) (int, bool) {
	stderr, err := cmd.StderrPipe()
	if err != nil {
		fail(err.Error())
	}
	if err := cmd.Start(); err != nil {
		fail(fmt.Sprintf("starting %s: %v", cmd.Path, err))
	}
	sawKVM := watchStderr(stderr, errOut, func() {
		// SIGTERM, not SIGKILL: QEMU then restores the terminal.
		cmd.Process.Signal(syscall.SIGTERM)
	})
	err = cmd.Wait()
	status := 0
	if err != nil {
		status = exitCode(err)
	}
	return status, sawKVM || (kvm && status == 1)
}

// watchStderr copies r to w line by line until r ends, calls stop once on
// the first line that says KVM failed, and reports whether one did.
func watchStderr(r io.Reader, w io.Writer, stop func()) bool {
	saw := false
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			io.WriteString(w, line)
			if !saw && kvmFailure(line) {
				saw = true
				stop()
			}
		}
		if err != nil {
			return saw
		}
	}
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ee.ExitCode() >= 0 {
			return ee.ExitCode()
		}
		return 128 + int(ee.Sys().(syscall.WaitStatus).Signal())
	}
	return 1
}

// freePort returns a TCP port on localhost that nothing listens on now,
// so that two make gdb runs (or a test beside a make debug) do not meet.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "localhost:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "qemurun:", msg)
	os.Exit(2)
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, "; ") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

// abs makes p absolute for gdb's script, which may run elsewhere.
func abs(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
