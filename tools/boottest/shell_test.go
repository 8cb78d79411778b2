package boottest

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gokernel/tools/vm"
)

// The shell, as a user meets it after `make run`: commands typed on the
// serial line (QEMU's stdio) and on the PS/2 keyboard (QMP send-key) reach
// the same shell, a panicking task leaves it alive, and reboot resets the
// machine.

// shellVM boots run mode and waits for "ready", after which the shell
// starts. (Not for its prompt: Expect would consume the unfinished line
// that the prompt begins, which the first command's echo completes.)
func shellVM(t *testing.T, opts vm.Options) *vm.VM {
	t.Helper()
	opts.Kernel = artifact(t, "kernel.elf")
	if opts.Memory == "" {
		opts.Memory = "64M"
	}
	v := vm.StartT(t, opts)
	expectLine(t, v, `^ready$`)
	return v
}

// expectLine waits for a whole serial line matching the regexp re.
func expectLine(t *testing.T, v *vm.VM, re string) []string {
	t.Helper()
	m, err := v.ExpectRegexp(regexp.MustCompile(re), 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// serialCommand types line and Enter on the serial terminal and waits for
// the line to come back after the prompt, so that what follows is its
// output.
func serialCommand(t *testing.T, v *vm.VM, line string) {
	t.Helper()
	if err := v.SendSerial(line + "\r"); err != nil {
		t.Fatal(err)
	}
	expectLine(t, v, `^> `+regexp.QuoteMeta(line)+`$`)
}

func TestShellSerial(t *testing.T) {
	t.Parallel()
	v := shellVM(t, vm.Options{})
	serialCommand(t, v, `echo hello "two words"`)
	expectLine(t, v, `^hello two words$`)

	serialCommand(t, v, "tasks")
	expectLine(t, v, `^\s+ID\s+NAME\s+STATE\s+CPU\s+POLLS\s+WAKES$`)
	expectLine(t, v, `^\s+\d+\s+shell\s+running\s+\d+\s+\d+\s+\d+\s+\(this shell\)$`)

	serialCommand(t, v, "frobnicate")
	expectLine(t, v, `^unknown command: frobnicate \(try help\)$`)

	serialCommand(t, v, "uptime")
	expectLine(t, v, `^up [0-9.]+(ms|s) on QEMU Standard PC \(i440FX \+ PIIX, 1996\)`)

	serialCommand(t, v, "mem")
	expectLine(t, v, `^Kernel frames:$`)
	expectLine(t, v, `^\s+free [0-9.]+ MiB of [0-9.]+ MiB`)
	expectLine(t, v, `^\s+0x0000000000100000-0x[0-9a-f]{16}\s+[0-9.]+ MiB\s+available$`)

	// A task that panics is removed; the shell lives on and answers.
	serialCommand(t, v, "panic")
	expectLine(t, v, `^task \d+ panicked: `)
	expectLine(t, v, `^shell: task \d+ failed and was removed; the shell \(task \d+\) lives on$`)
	serialCommand(t, v, "fault")
	expectLine(t, v, `^shell: task \d+ failed and was removed; the shell \(task \d+\) lives on$`)
	serialCommand(t, v, "echo alive")
	expectLine(t, v, `^alive$`)

	// sleep waits on a timer, and the line typed meanwhile runs after it.
	start := time.Now()
	serialCommand(t, v, "sleep 1")
	if err := v.SendSerial("echo woke\r"); err != nil {
		t.Fatal(err)
	}
	expectLine(t, v, `^woke$`)
	if d := time.Since(start); d < time.Second {
		t.Errorf("sleep 1 ended after %v", d)
	}

	// reboot resets the machine: QEMU, run with -no-reboot, exits with
	// status 0 instead of restarting it.
	serialCommand(t, v, "reboot")
	select {
	case <-v.Done():
		res, _ := v.Wait()
		if !res.Reset() {
			t.Fatalf("after reboot QEMU ended with %s, want a reset", res.Meaning())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("reboot: the machine did not reset")
	}
}

// poweroff switches the machine off through ACPI S5 (the DSDT's \_S5, the
// FADT's PM1 control block) on both of QEMU's chipsets and under both
// firmwares: QEMU exits. It is told to reboot on a reset (-action
// reboot=reset undoes -no-reboot), so a reset cannot pass for a power-off;
// QEMU's SHUTDOWN event, when it arrives before the exit, must name the
// guest's own shutdown.
func TestShellPoweroff(t *testing.T) {
	for _, c := range []struct {
		name string
		opts vm.Options
	}{
		{"pc", vm.Options{}},
		{"q35", vm.Options{Args: []string{"-machine", "q35"}}},
		{"ovmf-q35", vm.Options{ISO: "kernel.iso", Firmware: vm.OVMF, Args: []string{"-machine", "q35"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			opts := c.opts
			opts.QMP, opts.Memory = true, "64M"
			opts.Args = append(opts.Args, "-action", "reboot=reset")
			if opts.ISO != "" {
				opts.ISO = artifact(t, opts.ISO)
			} else {
				opts.Kernel = artifact(t, "kernel.elf")
			}
			v := vm.StartT(t, opts)
			events, err := v.QMP().Events(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			reason := make(chan any, 1)
			go func() {
				for ev := range events {
					if ev.Event == "SHUTDOWN" {
						reason <- ev.Data["reason"]
						return
					}
				}
			}()
			if _, err := v.ExpectRegexp(regexp.MustCompile(`^ready$`), 60*time.Second); err != nil {
				t.Fatal(err)
			}
			serialCommand(t, v, "poweroff")
			select {
			case <-v.Done():
			case <-time.After(20 * time.Second):
				t.Fatalf("poweroff: the machine is still on\n%s", strings.Join(tail(v), "\n"))
			}
			res, _ := v.Wait()
			if res.Status != 0 || strings.Count(res.Log, "go: runtime up") != 1 {
				t.Fatalf("QEMU %s after poweroff, want its exit after one boot\n%s", res.Meaning(), res.Report())
			}
			select {
			case r := <-reason:
				if r != "guest-shutdown" {
					t.Fatalf("QEMU's SHUTDOWN event says %v, want guest-shutdown", r)
				}
			default:
			}
		})
	}
}

func tail(v *vm.VM) []string {
	var out []string
	for _, l := range v.Lines() {
		out = append(out, l.Text)
	}
	if len(out) > 20 {
		out = out[len(out)-20:]
	}
	return out
}

// The PS/2 keyboard types into the same shell, with keymap switching the
// layout: on a German keyboard the key labelled Y on a US one gives z.
func TestShellKeyboard(t *testing.T) {
	t.Parallel()
	v := shellVM(t, vm.Options{QMP: true})
	typeKeys(t, v, "e", "c", "h", "o", "spc", "shift-h", "i", "ret")
	expectLine(t, v, `^> echo Hi$`)
	expectLine(t, v, `^Hi$`)
	typeKeys(t, v, "k", "e", "y", "m", "a", "p", "spc", "d", "e", "ret")
	expectLine(t, v, `^> keymap de$`)
	typeKeys(t, v, "e", "c", "h", "o", "spc", "y", "ret")
	expectLine(t, v, `^> echo z$`)
	expectLine(t, v, `^z$`)
	// Keyboard and serial input mix in one line.
	typeKeys(t, v, "e", "c", "h", "o", "spc", "a")
	if _, err := v.Expect("> echo a", 20*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := v.SendSerial("b\r"); err != nil {
		t.Fatal(err)
	}
	expectLine(t, v, `^ab$`)
}

// halt stops the CPU for good: the message, then no answer to input, while
// QEMU keeps running. Nothing wakes the halted CPU: every 8259 line is
// masked, and QEMU, with no timer left to run, spends next to no CPU
// time (it was 3% with the tick still running).
func TestShellHalt(t *testing.T) {
	t.Parallel()
	v := shellVM(t, vm.Options{QMP: true, Timeout: 2 * time.Minute})
	serialCommand(t, v, "halt")
	expectLine(t, v, `^kernel: halted; the machine may be turned off$`)
	if err := v.SendSerial("echo still\r"); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Expect("still", time.Second); err == nil {
		t.Fatal("the halted kernel answered")
	}
	select {
	case <-v.Done():
		res, _ := v.Wait()
		t.Fatalf("QEMU ended (%s); a halted machine stays on", res.Meaning())
	default:
	}
	out, err := v.RunQMP("human-monitor-command", map[string]string{"command-line": "info pic"})
	if err != nil {
		t.Fatal(err)
	}
	var pic string
	if err := jsonString(out, &pic); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(pic, "imr=ff"); n != 2 {
		t.Errorf("after halt, %d of the two 8259s mask every line:\n%s", n, pic)
	}
	c0, t0 := cpuTicks(t, v.Pid()), time.Now()
	time.Sleep(10 * time.Second)
	c1, t1 := cpuTicks(t, v.Pid()), time.Now()
	frac := float64(c1-c0) / 100 / t1.Sub(t0).Seconds() // USER_HZ ticks
	t.Logf("halted QEMU used %.2f%% of a core over %v", 100*frac, t1.Sub(t0).Round(time.Millisecond))
	if frac >= 0.01 {
		t.Errorf("a halted machine costs QEMU %.1f%% of a core, want under 1%%", 100*frac)
	}
}

// A shell= value other than on or off warns and starts the shell.
func TestShellSetting(t *testing.T) {
	t.Parallel()
	v := shellVM(t, vm.Options{Cmdline: "shell=maybe"})
	want := regexp.MustCompile(`(?m)^cmdline: shell=maybe: not one of on, off; using on\r?$`)
	if !want.MatchString(v.Log()) {
		t.Fatalf("no warning for shell=maybe:\n%s", v.Log())
	}
}

// Pasting 100 lines into the serial terminal at QEMU's full speed, while
// the shell sleeps, loses nothing: the kernel holds the sender back
// (QEMU's 16550 takes no byte while its FIFO is full) instead of dropping
// what its queue cannot take, and every line runs, in order.
func TestShellSerialPaste(t *testing.T) {
	t.Parallel()
	v := shellVM(t, vm.Options{Timeout: 2 * time.Minute})
	serialCommand(t, v, "sleep 2")
	var paste strings.Builder
	const n = 100
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&paste, "echo pasted line %d of %d, with some words to make it longer\r", i, n)
	}
	if err := v.SendSerial(paste.String()); err != nil {
		t.Fatal(err)
	}
	expectLine(t, v, fmt.Sprintf(`^pasted line %d of %d, with some words to make it longer$`, n, n))
	re := regexp.MustCompile(`^pasted line (\d+) of 100,`)
	next := 1
	for _, l := range v.Lines() {
		if m := re.FindStringSubmatch(l.Text); m != nil {
			if m[1] != strconv.Itoa(next) {
				t.Fatalf("line %s ran where line %d should have\n%s", m[1], next, v.Log())
			}
			next++
		}
		if strings.Contains(l.Text, "input dropped") {
			t.Errorf("input was dropped: %s", l.Text)
		}
	}
	if next != n+1 {
		t.Errorf("%d of %d pasted lines ran", next-1, n)
	}
}

// GRUB says "Booting `gokernel'" once on the serial line under either
// firmware (issue 16, item 15): under OVMF the firmware's console already
// copies GRUB's text there.
func TestGrubBootingOnce(t *testing.T) {
	for _, fw := range []vm.Firmware{vm.SeaBIOS, vm.OVMF} {
		t.Run(fw.String(), func(t *testing.T) {
			t.Parallel()
			v := vm.StartT(t, vm.Options{ISO: artifact(t, "kernel.iso"), Firmware: fw, Memory: "64M"})
			if _, err := v.ExpectRegexp(regexp.MustCompile(`^ready$`), 90*time.Second); err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(vm.StripANSI(v.Log()), "Booting `gokernel'"); n != 1 {
				t.Errorf("GRUB's \"Booting `gokernel'\" is on the serial line %d times, want once\n%s", n, strings.Join(tail(v), "\n"))
			}
		})
	}
}
