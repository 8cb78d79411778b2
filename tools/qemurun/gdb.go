package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// gdbOptions are make gdb's settings.
type gdbOptions struct {
	goELF, kernelELF string
	breakAt          string
	goroot           string
	ex               []string
	batch            bool
}

// gdbScript is what gdb runs first. build/go.elf is the main symbol file:
// the Go linker's output, with DWARF, at the addresses the kernel runs at.
// kernel.elf adds the boot stub's symbols; with confirm off gdb does not
// ask before loading it. Sources are named by module path (-trimpath):
// substitute-path maps gokernel/ to the tree and the standard library's
// "runtime/proc.go" is found under GOROOT/src. runtime-gdb.py is Go's
// gdb extension (info goroutines, goroutine N bt); the ELF's
// .debug_gdb_scripts entry cannot find it under -trimpath, so it is
// sourced by path.
//
// The breakpoint is a hardware one: QEMU's -kernel loader copies the
// kernel into memory after gdb has attached, over any int3 written there.
func gdbScript(o gdbOptions, root string, port int) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("set confirm off")
	w("set pagination off")
	w("file %s", o.goELF)
	w("add-symbol-file %s", o.kernelELF)
	w("set substitute-path gokernel %s", root)
	if o.goroot != "" {
		w("directory %s", filepath.Join(o.goroot, "src"))
		w("source %s", filepath.Join(o.goroot, "src", "runtime", "runtime-gdb.py"))
	}
	w("target remote localhost:%d", port)
	if o.breakAt != "" {
		w("hbreak %s", o.breakAt)
		w("continue")
	}
	for _, x := range o.ex {
		w("%s", x)
	}
	return b.String()
}

// runGDB starts QEMU waiting for gdb, then gdb with the script, and
// returns gdb's exit status once gdb and QEMU have ended.
func runGDB(c *config, o gdbOptions) int {
	if _, err := exec.LookPath("gdb"); err != nil {
		fail("gdb is not on PATH (Debian package gdb)")
	}
	root, _ := os.Getwd()
	o.goELF, o.kernelELF = abs(o.goELF), abs(o.kernelELF)
	if o.goroot == "" {
		out, err := exec.Command("go", "env", "GOROOT").Output()
		if err == nil {
			o.goroot = strings.TrimSpace(string(out))
		}
	}
	if _, err := os.Stat(filepath.Join(o.goroot, "src", "runtime", "runtime-gdb.py")); err != nil {
		fmt.Fprintf(os.Stderr, "qemurun: no runtime-gdb.py under GOROOT %q: info goroutines will be missing\n", o.goroot)
		o.goroot = ""
	}

	qemu := exec.Command(c.qemu, c.qemuArgs()...)
	qemu.Stdout = os.Stdout
	// Its own process group: Ctrl-C in gdb interrupts the guest through
	// gdb, and must not reach QEMU as a signal.
	qemu.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	qemuDone := make(chan int, 1)
	stderr, err := qemu.StderrPipe()
	if err != nil {
		fail(err.Error())
	}
	if err := qemu.Start(); err != nil {
		fail(fmt.Sprintf("starting %s: %v", c.qemu, err))
	}
	sawKVM := make(chan bool, 1)
	go func() { sawKVM <- watchStderr(stderr, os.Stderr, func() { qemu.Process.Signal(syscall.SIGTERM) }) }()
	go func() {
		err := qemu.Wait()
		if err != nil {
			qemuDone <- exitCode(err)
		} else {
			qemuDone <- 0
		}
	}()

	script, err := os.CreateTemp("", "gokernel-gdb-*.gdb")
	if err != nil {
		fail(err.Error())
	}
	defer os.Remove(script.Name())
	script.WriteString(gdbScript(o, root, c.gdbPort))
	script.Close()

	// gdb connects as soon as it starts; QEMU opens its port first.
	if !waitPort(c.gdbPort, 5*time.Second) {
		qemu.Process.Signal(syscall.SIGTERM)
		fail("QEMU did not open its gdb port")
	}
	args := []string{"-q", "-iex", "set auto-load python-scripts off", "-x", script.Name()}
	if o.batch {
		args = append([]string{"-nx", "-batch"}, args...)
	}
	gdb := exec.Command("gdb", args...)
	gdb.Stdin, gdb.Stdout, gdb.Stderr = os.Stdin, os.Stdout, os.Stderr
	signal.Notify(make(chan os.Signal, 1), os.Interrupt) // gdb's, not ours
	status := 0
	if err := gdb.Run(); err != nil {
		status = exitCode(err)
	}
	qemu.Process.Signal(syscall.SIGTERM)
	<-qemuDone
	if <-sawKVM {
		fmt.Fprintln(os.Stderr, kvmAdvice)
		return 1
	}
	return status
}

// waitPort waits until something accepts connections on the port.
func waitPort(port int, d time.Duration) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if c, err := dialLocal(port); err == nil {
			c.Close()
			return true
		}
	}
	return false
}

func dialLocal(port int) (net.Conn, error) {
	return net.DialTimeout("tcp", fmt.Sprintf("localhost:%d", port), time.Second)
}
