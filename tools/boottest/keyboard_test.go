package boottest

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"gokernel/tools/vm"
)

// Typing goes QMP send-key -> QEMU's PS/2 keyboard -> the 8042 -> IRQ 1 ->
// the scancode ring -> the decoder with the keymap= layout.

const hold = 5 * time.Millisecond // key hold time: fast but realistic

func typeKeys(t *testing.T, v *vm.VM, keys ...string) {
	t.Helper()
	if err := v.SendKeysHold(hold, keys...); err != nil {
		t.Fatal(err)
	}
}

// TestKeyboardTest runs test=keyboard: lines typed with letters, digits,
// Shift symbols, Caps Lock, Backspace, an arrow key and Escape.
func TestKeyboardTest(t *testing.T) {
	t.Parallel()
	v := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf"), Cmdline: "test=keyboard", QMP: true, Memory: "64M"})
	if _, err := v.Expect("keyboard: ready (layout us)", 30*time.Second); err != nil {
		t.Fatal(err)
	}
	typeKeys(t, v, "h", "e", "l", "l", "o", "ret")
	typeKeys(t, v, "shift-h", "i", "shift-1", "ret")
	typeKeys(t, v, "caps_lock", "a", "b", "caps_lock", "c", "ret")
	typeKeys(t, v, "1", "2", "3", "spc", "shift-equal", "ret")
	typeKeys(t, v, "a", "b", "backspace", "c", "ret")
	typeKeys(t, v, "up", "esc")
	expectKeyboardLines(t, v)
}

// expectKeyboardLines waits for test=keyboard to end after the script
// typed by TestKeyboard and the USB keyboard tests (hello, Hi!, ABc with
// Caps Lock, 123 +, ac after a backspace, ArrowUp, Esc) and checks that
// it passed with a line for each.
func expectKeyboardLines(t *testing.T, v *vm.VM) {
	t.Helper()
	res, err := v.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if !res.Passed() {
		t.Fatalf("QEMU %s\n%s", res.Meaning(), res.Report())
	}
	expectLines(t, res, `^keyboard: line hello$`, `^keyboard: line Hi!$`, `^keyboard: line ABc$`,
		`^keyboard: line 123 \+$`, `^keyboard: line ac$`, `^keyboard: key <ArrowUp>$`, `^test keyboard: PASS$`)
}

// With keymap=de the keys labelled y and z on a US keyboard give z and y.
func TestKeyboardGerman(t *testing.T) {
	t.Parallel()
	v := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf"), Cmdline: "test=keyboard keymap=de", QMP: true, Memory: "64M"})
	if _, err := v.Expect("keyboard: ready (layout de)", 30*time.Second); err != nil {
		t.Fatal(err)
	}
	typeKeys(t, v, "y", "z", "shift-y", "ret", "esc")
	res, _ := v.Wait()
	expectLines(t, res, `^keyboard: line zyZ$`, `^test keyboard: PASS$`)
}

// An unknown keymap falls back to US with a warning.
func TestKeyboardUnknownKeymap(t *testing.T) {
	t.Parallel()
	v := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf"), Cmdline: "test=keyboard keymap=klingon", QMP: true, Memory: "64M"})
	if _, err := v.Expect("keyboard: ready (layout us)", 30*time.Second); err != nil {
		t.Fatal(err)
	}
	typeKeys(t, v, "z", "esc")
	res, _ := v.Wait()
	expectLines(t, res, `^cmdline: keymap=klingon: not one of us, uk, de, fr, dvorak, colemak; using us$`,
		`^keyboard: line z$`, `^test keyboard: PASS$`)
}

// A machine without an 8042 gets one line and boots on.
func TestNoPS2Controller(t *testing.T) {
	t.Parallel()
	v := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf"), Memory: "64M", Args: []string{"-machine", "pc,i8042=off"}})
	for _, m := range []string{"keyboard: no PS/2 controller", "ready", "async number: 42"} {
		if _, err := v.Expect(m, 30*time.Second); err != nil {
			t.Fatal(err)
		}
	}
}

// TestEcho is the post's screen: the boot lines, async number: 42, ready,
// and typed keys echoed at once by the keypress task (shell=off).
func TestEcho(t *testing.T) {
	t.Parallel()
	v := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf"), QMP: true, Memory: "64M", Cmdline: "shell=off"})
	for _, m := range []string{"go: runtime up", "ready", "async number: 42"} {
		if _, err := v.Expect(m, 30*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	typeKeys(t, v, "h", "i", "shift-1", "spc", "caps_lock", "a", "caps_lock", "b", "backspace", "1", "2", "ret",
		"shift-2", "shift-3", "spc", "down", "ret")
	want := "hi! A12\n@# <ArrowDown>\n"
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := strings.ReplaceAll(v.Log(), "\r", "")
		got = strings.ReplaceAll(got, "b\b \b", "") // b typed, then erased
		if strings.Contains(got, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("echo %q not found in:\n%q", want, got)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Keys sent as fast as QEMU carries them all come back, in order, or the
// kernel's drop counter accounts for the missing ones; and the kernel still
// answers. QEMU's own queues drop silently, so the test must not overfill
// them. Its PS/2 keyboard keeps at most 16 bytes (PS2_QUEUE_SIZE in
// hw/input/ps2.c since QEMU 6.1; the 256-byte array behind it is only
// headroom for command replies), and a key is up to 3 bytes in scancode
// set 2 (make 1C, break F0 1C); its input queue feeds that one event per
// hold time (1 ms) whether or not the guest reads port 0x60. When the host
// is busy and the guest's CPU thread does not run for more than a few
// milliseconds, bytes beyond the 16 are lost before the guest can see them:
// with batches of 80 keys, 5 to 48 keys went missing in 8 of 10 runs on a
// loaded host, while the kernel had taken every byte the 8042 offered (IRQ
// 1 count = scancodes queued + the 2 LED acknowledgements, output buffer
// empty, ring empty) and dropped none. So at most floodWindow keys are in
// flight (sent but neither echoed nor counted as dropped): at 3 bytes each
// QEMU's queue never overflows, whatever the guest's delay, and every key
// missing is one the kernel dropped and counted.
const floodWindow = 4

func TestKeyFlood(t *testing.T) {
	t.Parallel()
	v := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf"), QMP: true, Memory: "64M", Timeout: 5 * time.Minute, Cmdline: "shell=off"})
	if _, err := v.Expect("async number: 42", 30*time.Second); err != nil {
		t.Fatal(err)
	}
	const n = 2000
	letters := "abcdefghijklmnopqrstuvwxyz"
	var sent strings.Builder
	echo := func() (string, int) {
		log := strings.ReplaceAll(v.Log(), "\r", "")
		log = log[strings.Index(log, "async number: 42\n")+len("async number: 42\n"):]
		var dropped int
		var text []string
		for _, l := range strings.Split(log, "\n") {
			if d, ok := strings.CutPrefix(l, "keyboard: scancode queue full; dropped "); ok {
				dropped, _ = strconv.Atoi(d)
				continue
			}
			text = append(text, l)
		}
		return strings.Join(text, ""), dropped
	}
	// waitInFlight waits until fewer than max keys are in flight.
	waitInFlight := func(max int) {
		deadline := time.Now().Add(30 * time.Second)
		for {
			got, dropped := echo()
			if sent.Len()-len(got)-dropped < max {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("after %d keys sent only %d echoed and %d scancodes dropped", sent.Len(), len(got), dropped)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	start := time.Now()
	for i := 0; i < n; i++ {
		waitInFlight(floodWindow)
		k := letters[i%26 : i%26+1]
		if err := v.SendKeysHold(time.Millisecond, k); err != nil {
			t.Fatal(err)
		}
		sent.WriteString(k)
	}
	waitInFlight(1)
	elapsed := time.Since(start)
	got, dropped := echo()
	t.Logf("%d keys in %v: %d echoed in order, %d scancodes dropped by the kernel", n, elapsed.Round(time.Millisecond), len(got), dropped)
	if !isSubsequence(got, sent.String()) {
		t.Fatalf("echo is not the sent keys in order:\n%q", got)
	}
	if missing := n - len(got); missing > dropped {
		t.Fatalf("%d keys missing but only %d scancodes dropped", missing, dropped)
	}
	// Still responsive.
	typeKeys(t, v, "ret", "z", "z", "z")
	if _, err := v.Expect("zzz", 10*time.Second); err != nil {
		t.Fatal(err)
	}
}

func isSubsequence(s, of string) bool {
	j := 0
	for i := 0; i < len(s); i++ {
		for j < len(of) && of[j] != s[i] {
			j++
		}
		if j == len(of) {
			return false
		}
		j++
	}
	return true
}

// After boot, an idle kernel costs the QEMU process little CPU: the CPU
// halts until the next deadline, timed by the local APIC's timer; with 4
// CPUs the other three halt until an IPI, their timers stopped.
func TestIdleCPU(t *testing.T) {
	for _, cpus := range []int{1, 4} {
		t.Run(fmt.Sprintf("smp=%d", cpus), func(t *testing.T) {
			v := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf"), Memory: "64M", CPUs: cpus, Timeout: 2 * time.Minute})
			expectLine(t, v, `^timer: LAPIC one-shot at \d+ MHz, 1000 Hz tick$`)
			if _, err := v.Expect("async number: 42", 30*time.Second); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Second)
			c0, t0 := cpuTicks(t, v.Pid()), time.Now()
			time.Sleep(10 * time.Second)
			c1, t1 := cpuTicks(t, v.Pid()), time.Now()
			const hz = 100 // USER_HZ, the unit of /proc/PID/stat times
			frac := float64(c1-c0) / hz / t1.Sub(t0).Seconds()
			t.Logf("idle QEMU with %d CPUs used %.1f%% of a core over %v", cpus, 100*frac, t1.Sub(t0).Round(time.Millisecond))
			if frac >= 0.02 {
				t.Errorf("idle kernel on %d CPUs costs QEMU %.1f%% of a core, want under 2%%", cpus, 100*frac)
			}
		})
	}
}

// cpuTicks returns utime+stime of process pid (proc(5), fields 14 and 15).
func cpuTicks(t *testing.T, pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}

// On q35 without an 8042, the FADT says so (IAPC_BOOT_ARCH) and the kernel
// does not probe the controller unless told to; the shell still runs on
// the serial line.
func TestNo8042ByACPI(t *testing.T) {
	t.Parallel()
	v := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf"), Memory: "64M", Args: []string{"-machine", "q35,i8042=off"}})
	expectLine(t, v, `^acpi: .*; no 8042$`)
	expectLine(t, v, `^keyboard: ACPI says there is no 8042 \(FADT IAPC_BOOT_ARCH\); not probing \(ps2=force probes anyway\)$`)
	expectLine(t, v, `^ready$`)
	serialCommand(t, v, "echo serial works")
	expectLine(t, v, `^serial works$`)

	forced := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf"), Memory: "64M", Cmdline: "ps2=force", Args: []string{"-machine", "q35,i8042=off"}})
	expectLine(t, forced, `^keyboard: no PS/2 controller$`)
	expectLine(t, forced, `^ready$`)
}
