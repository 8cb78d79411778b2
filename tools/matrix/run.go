package main

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"gokernel/tools/vm"
)

// Config is what every case shares.
type Config struct {
	Kernel, ISO string
	Timeout     time.Duration // for `ready`
	Memory      string
}

// echoTimeout bounds the wait for the shell's answer once `ready` came.
const echoTimeout = 30 * time.Second

// tailLines is how much serial log a failure row carries.
const tailLines = 15

// readyOrHalt is `ready`, or a line that ends the boot early: every fatal
// path of the kernel ends its message with "halted" (boot/start32.s,
// kernel/gokernel.go, kernel/sys/sys_thread.go).
var readyOrHalt = regexp.MustCompile(`^ready$|^.*\bhalted\b.*$`)

var echoed = regexp.MustCompile(`^matrix-ok$`)

// usbKeyboard is the USB keyboard's line; a line printed while the
// prompt is up follows it (the shell clears the prompt with CR and an
// escape, which the serial log strips).
var usbKeyboard = regexp.MustCompile(`usb: keyboard attached \(.*\)$`)

// usbKeyHold paces the keys typed on the USB keyboard: QEMU's usb-kbd
// queues 16 scan codes and hands the guest one per 8 ms report
// (tools/boottest/usb_test.go says more).
const usbKeyHold = 10 * time.Millisecond

// Run boots one case, waits for `ready`, checks that the shell echoes a
// line typed on COM1 (on the USB keyboard in a USB case, once it is
// attached), and kills the emulator.
func Run(c Case, cfg Config) Outcome {
	o := Outcome{Case: c}
	if c.NA != "" {
		return o
	}
	v, err := start(c, cfg)
	if err != nil {
		o.Failed = firstLine(err.Error())
		return o
	}
	m, err := v.ExpectRegexp(readyOrHalt, cfg.Timeout)
	switch {
	case err != nil:
		o.Failed = waitFailure(v, "ready", cfg.Timeout, err)
	case m[0] != "ready":
		o.Failed = "kernel halted: " + m[0]
	default:
		o.Ready = readyAt(v.Lines())
		if err := typeEcho(c, v); err != nil {
			o.Failed = err.Error()
		} else if _, err := v.ExpectRegexp(echoed, echoTimeout); err != nil {
			o.Failed = waitFailure(v, "the echo of `echo matrix-ok`", echoTimeout, err)
		}
	}
	v.Kill()
	res, _ := v.Wait()

	texts := make([]string, len(res.Lines))
	for i, l := range res.Lines {
		texts[i] = l.Text
	}
	o.Facts = ParseFacts(texts)
	if o.Failed != "" {
		o.Tail = tail(texts, tailLines)
		o.Stderr = tail(strings.Split(strings.TrimSpace(res.Stderr), "\n"), tailLines)
	}
	return o
}

// typeEcho types `echo matrix-ok` and Enter: on COM1, or in a USB case
// on the USB keyboard through QMP once the kernel has attached it.
func typeEcho(c Case, v *vm.VM) error {
	if !c.USB {
		if err := v.SendSerial("echo matrix-ok\r"); err != nil {
			return errors.New("sending to COM1: " + err.Error())
		}
		return nil
	}
	if _, err := v.ExpectRegexp(usbKeyboard, echoTimeout); err != nil {
		return errors.New(waitFailure(v, "USB keyboard", echoTimeout, err))
	}
	keys, err := vm.KeysFor("echo matrix-ok\n")
	if err == nil {
		err = v.SendKeysTo("", usbKeyHold, keys...)
	}
	if err != nil {
		return errors.New("typing on the USB keyboard: " + firstLine(err.Error()))
	}
	return nil
}

func start(c Case, cfg Config) (*vm.VM, error) {
	name := "matrix-" + c.Name()
	// The emulator outlives the waits, so that they, not its kill, end a
	// case that hangs.
	life := cfg.Timeout + echoTimeout + 10*time.Second
	if c.Bochs() {
		return vm.StartBochs(vm.BochsOptions{ISO: cfg.ISO, Memory: cfg.Memory, CPU: c.CPU, Timeout: life, Name: name})
	}
	o := vm.Options{Memory: cfg.Memory, Timeout: life, Name: name,
		Args: []string{"-machine", c.Machine, "-cpu", c.CPU}}
	if c.SMP != "" {
		o.Args = append(o.Args, "-smp", c.SMP) // vm runs each CPU on a host thread
	}
	if c.USB {
		o.QMP = true
		o.Args = append(o.Args, "-device", "qemu-xhci", "-device", "usb-kbd")
	}
	if c.Image == KernelImage {
		o.Kernel = cfg.Kernel
		o.Cmdline = c.Cmdline
	} else {
		o.ISO = cfg.ISO
	}
	if c.Firmware == OVMF {
		o.Firmware = vm.OVMF
	}
	return vm.Start(o)
}

// waitFailure says briefly why what never came.
func waitFailure(v *vm.VM, what string, timeout time.Duration, err error) string {
	switch {
	case errors.Is(err, vm.ErrTimeout):
		return fmt.Sprintf("no %s within %v", what, timeout)
	case errors.Is(err, vm.ErrExited):
		res, _ := v.Wait()
		why := fmt.Sprintf("emulator exited before %s: %s", what, res.Meaning())
		if p := lastPanic(res.Stderr); p != "" {
			why += "; " + p
		}
		return why
	}
	return firstLine(err.Error())
}

// lastPanic finds Bochs's last fatal complaint in its log (its stderr),
// such as a triple fault. term's complaint about 32-bit graphics modes is
// expected and harmless (see tools/vm/bochs.go).
func lastPanic(log string) string {
	lines := strings.Split(log, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := lines[i]; strings.Contains(l, ">>PANIC<<") && !strings.Contains(l, "[TERM") {
			_, msg, _ := strings.Cut(l, ">>PANIC<<")
			return "Bochs: " + strings.TrimSpace(msg)
		}
	}
	return ""
}

func tail(s []string, n int) []string { return s[max(0, len(s)-n):] }

// readyAt is the arrival of the `ready` line.
func readyAt(lines []vm.Line) time.Duration {
	for _, l := range lines {
		if l.Text == "ready" {
			return l.At
		}
	}
	return 0
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
