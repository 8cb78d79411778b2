package boottest

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gokernel/tools/vm"
)

// USB keyboards (issue 14): QEMU's xHCI controller (qemu-xhci) on a q35
// machine without an 8042 (i8042=off: a PC whose firmware no longer fakes
// one), with QEMU's usb-kbd, a HID boot keyboard, on a root port or
// behind a usb-hub, under the three ways the kernel boots.
//
// Which keyboard QMP types on (QEMU's ui/input.c, qemu_input_find_handler):
// send-key goes to the keyboard activated last among those bound to no
// display. A usb-kbd, realized after the machine's 8042, takes the keys
// from it, and one plugged in later takes them from the others. A
// usb-kbd bound to a display (display=ID) gets only the events that name
// that display (vm.SendKeysTo): with one bound, send-key types on the
// PS/2 keyboard. That is how TestUSBAndPS2 types on both.

// usbHold is the time between key events on a USB keyboard: QMP
// send-key presses a key, waits hold, releases it, and waits hold again
// (vm.SendKeysTo the same). QEMU's usb-kbd queues 16 scan codes and
// gives the guest one per report, and a report at most once per period
// of its interrupt endpoint (bInterval: 8 ms at high speed, which QEMU's
// xHCI keeps to): faster keys overflow that queue, and QEMU drops them
// silently (TestUSBKeyFlood counts them by a trace event). A real
// keyboard reports its state, not a queue of events: no such limit.
const usbHold = 10 * time.Millisecond

// typeUSB types keys on the USB keyboard send-key would reach, at
// usbHold, and returns once QEMU has given it every event (vm.SendKeysTo:
// with send-key a keyboard plugged in just after could take the last
// key's release, and the other keyboard would hold the key down).
func typeUSB(t *testing.T, v *vm.VM, keys ...string) {
	t.Helper()
	if err := v.SendKeysTo("", usbHold, keys...); err != nil {
		t.Fatal(err)
	}
}

// usbBoots are the ways a PC boots the kernel: QEMU's multiboot loader
// under SeaBIOS, and GRUB from the ISO under SeaBIOS and under OVMF.
var usbBoots = []usbBoot{
	{"kernel-SeaBIOS", false, vm.SeaBIOS},
	{"ISO-SeaBIOS", true, vm.SeaBIOS},
	{"ISO-OVMF", true, vm.OVMF},
}

type usbBoot struct {
	name string
	iso  bool // GRUB from an ISO, else -kernel
	fw   vm.Firmware
}

// options boots b's image with QMP and args: the ISO iso, or the
// kernel with cmdline.
func (b usbBoot) options(t *testing.T, iso, cmdline string, args []string) vm.Options {
	o := vm.Options{QMP: true, Memory: "64M", Firmware: b.fw, Timeout: usbBootLimit + 2*time.Minute, Args: args}
	if b.iso {
		o.ISO = iso
	} else {
		o.Kernel, o.Cmdline = artifact(t, "kernel.elf"), cmdline
	}
	return o
}

// usbArgs is a q35 without an 8042, an xHCI controller (id xhci, bus
// xhci.0) and the devices given.
func usbArgs(devices ...string) []string {
	args := []string{"-machine", "q35,i8042=off", "-device", "qemu-xhci,id=xhci"}
	for _, d := range devices {
		args = append(args, "-device", d)
	}
	return args
}

// The controller's line names the interrupt it uses: MSI-X, MSI or
// polling (with why). A line printed while the shell's prompt is up
// follows the prompt (the shell's Notice clears it with CR and an
// escape, which the serial log strips), hence no ^ on usb: lines.
var (
	xhciLine     = regexp.MustCompile(`usb: xHCI [0-9a-f]{4}:[0-9a-f]{4} at [0-9a-f:.]+, (MSI-X|MSI|polling.*), (\d+) ports$`)
	kbdAttached  = regexp.MustCompile(`usb: keyboard attached \(port ([\d.]+), (full|high|super) speed\)$`)
	kbdDetached  = regexp.MustCompile(`usb: keyboard detached \(port ([\d.]+)\)$`)
	hubAttached  = regexp.MustCompile(`usb: hub attached \(port (\d+), (full|high|super) speed, (\d+) ports\)$`)
	usbBootLimit = 3 * time.Minute // OVMF under TCG on a busy host
)

// awaitLines waits until n serial lines match re, without consuming
// anything (Expect's cursor is left alone: USB lines come from other
// tasks, in any order against the lines around them), and returns the
// submatches of the first n.
func awaitLines(t *testing.T, v *vm.VM, re *regexp.Regexp, n int, timeout time.Duration) [][]string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var found [][]string
		for _, l := range v.Lines() {
			if m := re.FindStringSubmatch(l.Text); m != nil {
				found = append(found, m)
			}
		}
		if len(found) >= n {
			return found[:n]
		}
		select {
		case <-v.Done():
			res, _ := v.Wait()
			t.Fatalf("%d lines matching /%s/ seen, want %d; QEMU %s\n%s", len(found), re, n, res.Meaning(), res.Report())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d lines matching /%s/ within %v, want %d\n%s", len(found), re, timeout, n, strings.Join(tail(v), "\n"))
		}
	}
}

// typeLine types s and Enter on the USB keyboard send-key would reach,
// and waits for the shell's echo of the line.
func typeLine(t *testing.T, v *vm.VM, s string) {
	t.Helper()
	keys, err := vm.KeysFor(s + "\n")
	if err != nil {
		t.Fatal(err)
	}
	typeUSB(t, v, keys...)
	expectLine(t, v, `^> `+regexp.QuoteMeta(s)+`$`)
}

// test=keyboard with the usb-kbd on a root port as the only keyboard:
// the lines of TestKeyboardTest, typed through QMP, come back. The
// controller's interrupt under each firmware is logged.
func TestUSBKeyboardTest(t *testing.T) {
	iso := filepath.Join(t.TempDir(), "keyboard.iso")
	if err := vm.BuildISO(artifact(t, "kernel.elf"), "test=keyboard", iso); err != nil {
		t.Fatal(err)
	}
	for _, b := range usbBoots {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			v := vm.StartT(t, b.options(t, iso, "test=keyboard", usbArgs("usb-kbd")))
			awaitLines(t, v, regexp.MustCompile(`^keyboard: ready \(layout us\)$`), 1, usbBootLimit)
			mode := awaitLines(t, v, xhciLine, 1, 30*time.Second)[0][1]
			awaitLines(t, v, kbdAttached, 1, 30*time.Second)
			t.Logf("%s: xHCI interrupts by %s", b.name, mode)
			typeUSB(t, v, "h", "e", "l", "l", "o", "ret")
			typeUSB(t, v, "shift-h", "i", "shift-1", "ret")
			typeUSB(t, v, "caps_lock", "a", "b", "caps_lock", "c", "ret")
			typeUSB(t, v, "1", "2", "3", "spc", "shift-equal", "ret")
			typeUSB(t, v, "a", "b", "backspace", "c", "ret")
			typeUSB(t, v, "up")
			// Esc ends the test and QEMU: by send-key, which returns
			// before the release QEMU will not be there to take.
			if err := v.SendKeysHold(usbHold, "esc"); err != nil {
				t.Fatal(err)
			}
			expectKeyboardLines(t, v)
		})
	}
}

// The shell with two keyboards at boot, one on a root port and one
// behind a hub, then one unplugged and another plugged in: each types
// into the shell, and each plug and unplug has its line.
func TestUSBShell(t *testing.T) {
	for _, b := range usbBoots {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			// The root port's keyboard comes last, so send-key types on it.
			args := usbArgs("usb-hub,bus=xhci.0,port=1,id=hub",
				"usb-kbd,bus=xhci.0,port=1.1,id=hubkbd",
				"usb-kbd,bus=xhci.0,port=2,id=kbd")
			v := vm.StartT(t, b.options(t, artifact(t, "kernel.iso"), "", args))
			awaitLines(t, v, regexp.MustCompile(`^ready$`), 1, usbBootLimit)
			mode := awaitLines(t, v, xhciLine, 1, 30*time.Second)[0][1]
			t.Logf("%s: xHCI interrupts by %s", b.name, mode)
			hub := awaitLines(t, v, hubAttached, 1, 30*time.Second)[0]
			var root, behind string
			for _, m := range awaitLines(t, v, kbdAttached, 2, 30*time.Second) {
				if strings.HasPrefix(m[1], hub[1]+".") {
					behind = m[1]
				} else {
					root = m[1]
				}
			}
			if root == "" || behind != hub[1]+".1" {
				t.Fatalf("keyboards attached at %q and %q, want a root port and port 1 of the hub at port %s", root, behind, hub[1])
			}

			typeLine(t, v, "echo on the root port")
			expectLine(t, v, `^on the root port$`)

			// Unplugged, the root keyboard's line; send-key then types on
			// the one behind the hub, the only one left.
			if _, err := v.RunQMP("device_del", map[string]string{"id": "kbd"}); err != nil {
				t.Fatal(err)
			}
			if m := awaitLines(t, v, kbdDetached, 1, 30*time.Second)[0]; m[1] != root {
				t.Fatalf("keyboard detached at port %s, want %s", m[1], root)
			}
			typeLine(t, v, "echo behind the hub")
			expectLine(t, v, `^behind the hub$`)

			// Plugged in again on the same port: a new keyboard, which
			// send-key now types on.
			if _, err := v.RunQMP("device_add", map[string]string{"driver": "usb-kbd", "bus": "xhci.0", "port": "2", "id": "kbd2"}); err != nil {
				t.Fatal(err)
			}
			if m := awaitLines(t, v, kbdAttached, 3, 30*time.Second)[2]; m[1] != root {
				t.Fatalf("keyboard plugged in again attached at port %s, want %s", m[1], root)
			}
			typeLine(t, v, "echo plugged in again")
			expectLine(t, v, `^plugged in again$`)
		})
	}
}

// Each way of interrupting, by -kernel: NEC's xHCI model (which, unlike
// qemu-xhci, can turn MSI-X and MSI off) with MSI and with neither
// (polling), and qemu-xhci on the i440FX, whose PCI configuration space
// is reached by the 0xCF8/0xCFC ports (no MCFG). The shell answers a
// line typed on the keyboard in each.
func TestUSBInterruptModes(t *testing.T) {
	for _, tc := range []struct {
		name, machine, xhci, mode, pci string
	}{
		{"MSI", "q35,i8042=off", "nec-usb-xhci,id=xhci,msix=off", "MSI", "ECAM"},
		{"polling", "q35,i8042=off", "nec-usb-xhci,id=xhci,msix=off,msi=off", "polling", "ECAM"},
		{"i440FX", "pc,i8042=off", "qemu-xhci,id=xhci", "MSI-X", "ports"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := shellVM(t, vm.Options{QMP: true, Args: []string{"-machine", tc.machine, "-device", tc.xhci, "-device", "usb-kbd,bus=xhci.0"}})
			if m := awaitLines(t, v, regexp.MustCompile(`^pci: \d+ functions \((ECAM|ports)\b`), 1, 10*time.Second)[0]; m[1] != tc.pci {
				t.Errorf("PCI configuration space by %s, want %s", m[1], tc.pci)
			}
			if mode := awaitLines(t, v, xhciLine, 1, 30*time.Second)[0][1]; !strings.HasPrefix(mode, tc.mode) {
				t.Fatalf("xHCI interrupts by %s, want %s", mode, tc.mode)
			}
			awaitLines(t, v, kbdAttached, 1, 30*time.Second)
			typeLine(t, v, "echo typed with "+tc.name)
			expectLine(t, v, `^typed with `+tc.name+`$`)
		})
	}
}

// PS/2 and USB keyboards at once, on q35 with its 8042: the usb-kbd is
// bound to the VGA display, so send-key types on the PS/2 keyboard and
// vm.SendKeysTo on the USB one, into one shell, even within one line.
func TestUSBAndPS2(t *testing.T) {
	t.Parallel()
	v := shellVM(t, vm.Options{QMP: true, Args: []string{"-machine", "q35", "-vga", "none", "-device", "VGA,id=video0",
		"-device", "qemu-xhci,id=xhci", "-device", "usb-kbd,bus=xhci.0,display=video0"}})
	awaitLines(t, v, kbdAttached, 1, 30*time.Second)
	usb := func(s string) {
		t.Helper()
		keys, err := vm.KeysFor(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := v.SendKeysTo("video0", usbHold, keys...); err != nil {
			t.Fatal(err)
		}
	}
	typeKeys(t, v, "e", "c", "h", "o", "spc", "p", "s", "2", "ret")
	expectLine(t, v, `^> echo ps2$`)
	expectLine(t, v, `^ps2$`)
	usb("echo usb\n")
	expectLine(t, v, `^> echo usb$`)
	expectLine(t, v, `^usb$`)
	keys, _ := vm.KeysFor("echo ps2 ")
	from := v.LogLen()
	typeKeys(t, v, keys...)
	if _, _, err := v.ExpectOutput(from, "echo ps2 ", 20*time.Second); err != nil {
		t.Fatal(err)
	}
	usb("and usb\n")
	expectLine(t, v, `^> echo ps2 and usb$`)
	expectLine(t, v, `^ps2 and usb$`)
}

// The time from a key pressed through QMP to its echo on the serial line,
// for the USB and the PS/2 keyboard of one machine, in turns (the same
// host load for both): a figure for the closing note, logged, not
// checked, since a busy host makes any bound flaky. With shell=off the
// keypress printers echo a key as soon as it is decoded. Both keyboards
// get their keys by input-send-event: the clock runs from just before the
// press's command to the arrival of the echo. The release follows, and
// the next key waits until the release has surely been reported (three
// of the USB keyboard's 8 ms periods; a pause, not a check), so each key
// finds an idle keyboard, as a typist's does.
func TestUSBLatency(t *testing.T) {
	t.Parallel()
	v := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf"), QMP: true, Memory: "64M", Cmdline: "shell=off",
		Args: []string{"-machine", "q35", "-vga", "none", "-device", "VGA,id=video0",
			"-device", "qemu-xhci,id=xhci", "-device", "usb-kbd,bus=xhci.0,display=video0"}})
	awaitLines(t, v, kbdAttached, 1, 60*time.Second)
	awaitLines(t, v, regexp.MustCompile(`^async number: 42$`), 1, 10*time.Second)
	const samples = 100
	lat := map[string][]time.Duration{}
	letters := "abcdefghijklmnopqrstuvwxyz"
	for i := range 2 * samples {
		kind, display := "PS/2", ""
		if i%2 == 1 {
			kind, display = "USB", "video0"
		}
		key := letters[i/2%26 : i/2%26+1]
		from := v.LogLen()
		sent := v.Since()
		if err := v.KeyEvent(display, key, true); err != nil {
			t.Fatal(err)
		}
		_, at, err := v.ExpectOutput(from, key, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		lat[kind] = append(lat[kind], at-sent)
		if err := v.KeyEvent(display, key, false); err != nil {
			t.Fatal(err)
		}
		time.Sleep(25 * time.Millisecond)
	}
	for _, kind := range []string{"USB", "PS/2"} {
		d := lat[kind]
		slices.Sort(d)
		t.Logf("%-4s key to echo over %d keys: median %v, p90 %v, min %v, max %v", kind, len(d),
			ms(d[len(d)/2]), ms(d[len(d)*9/10]), ms(d[0]), ms(d[len(d)-1]))
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

// TestKeyFlood for the USB keyboard: 2,000 keys by QMP come back in
// order, or a drop counter accounts for each one missing. The kernel
// drops nothing here (it asks for a report when its reader wants bytes;
// usbhost.Keyboards.Dropped): what could drop is QEMU's usb-kbd, whose
// queue holds 16 scan codes until the guest takes them, and which says
// so with the trace event hid_kbd_queue_full on its stderr. Each such
// event refused one key press or release.
//
// The keys come as fast as the usb-kbd carries them: sent at QEMU's
// full speed (1 ms apart), 10 in 11 are refused, and a refused release
// leaves a key held, which the kernel then rightly repeats. So they go
// in batches of 7, each sent at once, and the next once this one came
// back: 14 scan codes and at most the last key's release still queued
// fit the 16, however slow a busy host makes the guest. The rate is then
// the device's: one scan code per 8 ms report, 2,000 keys in 32 s or a
// little more.
func TestUSBKeyFlood(t *testing.T) {
	t.Parallel()
	v := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf"), QMP: true, Memory: "64M", Timeout: 5 * time.Minute,
		Cmdline: "shell=off", Args: append(usbArgs("usb-kbd"), "-trace", "hid_kbd_queue_full")})
	awaitLines(t, v, kbdAttached, 1, 60*time.Second)
	awaitLines(t, v, regexp.MustCompile(`^async number: 42$`), 1, 10*time.Second)
	start := v.LogLen()
	const n, batch = 2000, 7
	letters := "abcdefghijklmnopqrstuvwxyz"
	var sent strings.Builder
	echo := func() (string, int, int) {
		log := strings.ReplaceAll(v.Log()[start:], "\r", "")
		var dropped int
		var text []string
		for _, l := range strings.Split(log, "\n") {
			if d, ok := strings.CutPrefix(l, "keyboard: scancode queue full; dropped "); ok {
				dropped, _ = strconv.Atoi(d)
				continue
			}
			text = append(text, l)
		}
		return strings.Join(text, ""), dropped, strings.Count(v.Stderr(), "hid_kbd_queue_full")
	}
	t0 := time.Now()
	for i := 0; i < n; i += batch {
		var keys []string
		for j := i; j < i+batch && j < n; j++ {
			keys = append(keys, letters[j%26:j%26+1])
			sent.WriteString(letters[j%26 : j%26+1])
		}
		if err := v.SendKeysHold(time.Millisecond, keys...); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			got, dropped, refused := echo()
			if len(got)+dropped+refused >= sent.Len() {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("after %d keys sent only %d echoed, %d dropped by the kernel, %d refused by QEMU", sent.Len(), len(got), dropped, refused)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	elapsed := time.Since(t0)
	got, dropped, refused := echo()
	t.Logf("%d keys in %v: %d echoed in order, %d dropped by the kernel, %d key events refused by QEMU's usb-kbd", n, elapsed.Round(time.Millisecond), len(got), dropped, refused)
	if !isSubsequence(got, sent.String()) {
		t.Fatalf("echo is not the sent keys in order:\n%q", got)
	}
	if missing := n - len(got); missing > dropped+refused {
		t.Fatalf("%d keys missing but only %d dropped and %d refused", missing, dropped, refused)
	}
	typeUSB(t, v, "ret", "z", "z", "z")
	if _, err := v.Expect("zzz", 10*time.Second); err != nil {
		t.Fatal(err)
	}
}
