package shell

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"gokernel/keyboard"
	"gokernel/task"
)

// fakeSys is a System for tests. Tasks and Spawn use a real executor; the
// clock is fake: Sleep's timers fire when the harness lets time pass.
type fakeSys struct {
	ex      *task.Executor
	now     time.Duration
	timers  []*fakeTimer
	mem     MemInfo
	machine string

	keymaps   []string
	keymapErr error
	sleeps    []time.Duration
	reboots   int
	halts     int
	poweroffs int
	dropped   uint64
}

type fakeTimer struct {
	at    time.Duration
	w     task.Waker
	fired bool
}

func (s *fakeSys) Tasks() []task.TaskInfo { return s.ex.Snapshot() }
func (s *fakeSys) Memory() MemInfo        { return s.mem }
func (s *fakeSys) Uptime() time.Duration  { return s.now }
func (s *fakeSys) Machine() string        { return s.machine }
func (s *fakeSys) Timekeeping() (string, string) {
	return "LAPIC one-shot at 62 MHz, 1000 Hz tick", "TSC 2596 MHz (HPET)"
}
func (s *fakeSys) Interrupts() IRQInfo {
	return IRQInfo{Controller: "APIC", Lines: []IRQLine{
		{Name: "keyboard (8042)", Line: 1, GSI: 1, Vector: 33, Trigger: "edge", Enabled: true, Count: 42},
		{Name: "local APIC timer", Line: -1, GSI: -1, Vector: 48, Trigger: "edge", Enabled: true, Count: 1000},
	}}
}
func (s *fakeSys) CPUs() []CPUInfo {
	return []CPUInfo{{APICID: 0, Up: 10 * time.Second, Idle: 9 * time.Second, Interrupts: 1200, Runs: 300},
		{APICID: 2, Up: 5 * time.Second, Idle: 5 * time.Second, Interrupts: 7, Runs: 0}}
}
func (s *fakeSys) PCI() []string {
	return []string{"PCI configuration through ports", "00:04.0 1b36:000d  USB controller (xHCI)         xhci"}
}
func (s *fakeSys) SerialDropped() uint64 { return s.dropped }
func (s *fakeSys) Reboot()               { s.reboots++ }
func (s *fakeSys) Halt()                 { s.halts++ }
func (s *fakeSys) PowerOff() error {
	s.poweroffs++
	return errors.New("no \\_S5")
}

func (s *fakeSys) Spawn(f task.Future[struct{}]) (task.TaskID, error) { return s.ex.Spawn(f) }

func (s *fakeSys) SetKeymap(name string) error {
	if s.keymapErr != nil {
		return s.keymapErr
	}
	s.keymaps = append(s.keymaps, name)
	return nil
}

func (s *fakeSys) Sleep(d time.Duration) task.Future[struct{}] {
	s.sleeps = append(s.sleeps, d)
	tm := &fakeTimer{at: s.now + d}
	s.timers = append(s.timers, tm)
	return task.FutureFunc[struct{}](func(cx *task.Context) (struct{}, bool) {
		if s.now >= tm.at {
			return struct{}{}, true
		}
		tm.w = cx.Waker()
		return struct{}{}, false
	})
}

// fire lets time pass until the earliest pending timer is due and wakes
// its task. It reports whether there was one.
func (s *fakeSys) fire() bool {
	var next *fakeTimer
	for _, tm := range s.timers {
		if !tm.fired && (next == nil || tm.at < next.at) {
			next = tm
		}
	}
	if next == nil {
		return false
	}
	s.now = max(s.now, next.at)
	next.fired = true
	next.w.Wake()
	return true
}

// fakeInput is the shell's input: key events that the harness's idle
// function pushes, one per idle call, as the keyboard interrupt would.
type fakeInput struct {
	q      []keyboard.Event
	closed bool
	w      task.AtomicWaker
}

func (in *fakeInput) PollNext(cx *task.Context) (keyboard.Event, bool, bool) {
	if len(in.q) > 0 {
		e := in.q[0]
		in.q = in.q[1:]
		return e, true, true
	}
	if in.closed {
		return keyboard.Event{}, false, true
	}
	in.w.Register(cx.Waker())
	return keyboard.Event{}, false, false
}

// Script elements besides strings and events: wait lets time pass until
// no timer is pending; call runs a function (from the idle function).
type (
	wait struct{}
	call func()
)

// harness runs a shell on a real executor. Its idle function plays the
// outside world: each time no task is runnable, it delivers the next
// element of the script (a key, time passing, a call), and when the script
// is done it lets time pass and then closes the input, which ends the
// shell and, once every task is done, Run.
type harness struct {
	t       *testing.T
	sys     *fakeSys
	ex      *task.Executor
	scr     *screen
	in      *fakeInput
	shellID task.TaskID
	sh      *Shell
	script  []any
	idles   int
	stuck   int
	wide    bool // lines of 80 columns and more are expected
}

func newHarness(t *testing.T, script ...any) *harness {
	t.Helper()
	// The screen is wider than the shell's 80 columns, so that the
	// executor's panic reports do not wrap; run checks that the shell's
	// own lines fit in 80.
	h := &harness{t: t, sys: &fakeSys{}, scr: newScreen(t, 160), in: &fakeInput{}}
	for _, x := range script {
		switch x := x.(type) {
		case string:
			for _, r := range x {
				h.script = append(h.script, keyboard.Event{Rune: r})
			}
		case keyboard.Event, wait, call:
			h.script = append(h.script, x)
		case []keyboard.Event:
			for _, e := range x {
				h.script = append(h.script, e)
			}
		default:
			t.Fatalf("script: %T", x)
		}
	}
	ex, err := task.NewExecutor(16, fakeIdle(h.idle))
	if err != nil {
		t.Fatal(err)
	}
	h.ex, h.sys.ex = ex, ex
	// The executor reports a task's panic on the console, as the kernel's
	// does (without the stack, whose tabs are not in the vocabulary).
	ex.SetPanicHandler(func(p *task.TaskPanic) { fmt.Fprintf(h.scr, "executor: %v\n", p) })
	return h
}

// fakeIdle makes f a task.IdleFunc. The fake needs only the queue-empty
// check; the shell's sleeps run on the fake System's clock, not on the
// executor's timers, so the next-deadline arguments are ignored.
func fakeIdle(f func(queueEmpty func() bool)) task.IdleFunc {
	return func(queueEmpty func() bool, _ time.Duration, _ bool) { f(queueEmpty) }
}

func (h *harness) idle(queueEmpty func() bool) {
	if !queueEmpty() {
		return
	}
	h.idles++
	if len(h.script) > 0 {
		switch x := h.script[0].(type) {
		case keyboard.Event:
			h.script = h.script[1:]
			h.in.q = append(h.in.q, x)
			h.in.w.Wake()
		case wait:
			if !h.sys.fire() {
				h.script = h.script[1:]
			}
		case call:
			h.script = h.script[1:]
			x()
		}
		return
	}
	if h.sys.fire() {
		return
	}
	if !h.in.closed {
		h.in.closed = true
		h.in.w.Wake()
		return
	}
	// Nothing can happen any more, yet a task waits: stop.
	if h.stuck++; h.stuck > 10 {
		h.ex.Stop()
	}
}

// run spawns the shell and runs the executor until the shell has read the
// whole script and ended. It returns the screen's text.
func (h *harness) run() string {
	h.t.Helper()
	h.sh = New(h.sys, h.scr)
	id, err := h.ex.SpawnNamed("shell", h.sh.Task(h.in))
	if err != nil {
		h.t.Fatal(err)
	}
	h.shellID = id
	done := make(chan error, 1)
	go func() { done <- h.ex.Run() }()
	select {
	case err := <-done:
		if err != nil {
			h.t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		h.ex.Stop()
		h.t.Fatal("the executor does not finish")
	}
	if len(h.script) > 0 {
		h.t.Fatalf("the shell ended with %d script elements left", len(h.script))
	}
	text := h.scr.text()
	for _, l := range strings.Split(text, "\n") {
		if !h.wide && !strings.HasPrefix(l, "executor: ") && len([]rune(l)) >= 80 {
			h.t.Errorf("a line of %d columns: %q", len([]rune(l)), l)
		}
	}
	return text
}

// transcript runs a shell over the script and returns the screen.
func transcript(t *testing.T, script ...any) string {
	t.Helper()
	return newHarness(t, script...).run()
}

// ended is how every transcript ends: the last prompt, and the shell's
// word that its input has ended.
const ended = ">\nshell: input ended\n"

// checkTranscript compares a session's screen after the hint line that
// comes before the first prompt.
func checkTranscript(t *testing.T, got, want string) {
	t.Helper()
	got, ok := strings.CutPrefix(got, Hint+"\n")
	if !ok {
		t.Errorf("the screen does not start with the hint %q:\n%s", Hint, got)
	}
	if got != want {
		t.Errorf("screen:\n%s\n--- want:\n%s", got, want)
	}
}

func TestShellEcho(t *testing.T) {
	got := transcript(t, "echo hello   world\n", `echo "a  b" 'c'`+"\n")
	checkTranscript(t, got, "> echo hello   world\nhello world\n"+
		`> echo "a  b" 'c'`+"\na  b c\n"+ended)
}

func TestShellEmptyLine(t *testing.T) {
	checkTranscript(t, transcript(t, "\n   \n"), ">\n>\n"+ended)
}

func TestShellUnknownCommand(t *testing.T) {
	got := transcript(t, "frobnicate now\n", `echo "open`+"\n")
	checkTranscript(t, got, "> frobnicate now\nunknown command: frobnicate (try help)\n"+
		`> echo "open`+"\nshell: unterminated quote\n"+ended)
}

func TestShellEditing(t *testing.T) {
	// Keys edit the line before it runs; Ctrl+C abandons one; the
	// history recalls one.
	got := transcript(t, "ecjo hi", kHome, kRight, kRight, kDel, "h", kEnd, "!\n",
		"echo lost", kCtrlC, kUp, kBS, "?\n")
	checkTranscript(t, got, "> echo hi!\nhi!\n> echo lost^C\n> echo hi?\nhi?\n"+ended)
}

func TestShellOverlongLine(t *testing.T) {
	h := newHarness(t, strings.Repeat("x", MaxLine+10)+"\n")
	h.wide = true
	got := strings.ReplaceAll(h.run(), "\n", "") // the message wraps
	if h.scr.bells != 10 {
		t.Errorf("%d bells, want 10", h.scr.bells)
	}
	if want := "unknown command: " + strings.Repeat("x", MaxLine) + " (try help)"; !strings.Contains(got, want) {
		t.Errorf("screen:\n%s\n--- want a line %q", got, want)
	}
}

func TestShellHelp(t *testing.T) {
	got := transcript(t, "help\n")
	for _, c := range commands {
		if !strings.Contains(got, "  "+c.name) || !strings.Contains(got, c.brief) {
			t.Errorf("help lacks %s (%s):\n%s", c.name, c.brief, got)
		}
	}
	if !strings.Contains(got, "sleep SECONDS") || !strings.Contains(got, "keymap NAME") {
		t.Errorf("help lacks the arguments:\n%s", got)
	}
}

func TestShellTasks(t *testing.T) {
	h := newHarness(t, "tasks\n")
	// Another task, waiting for ever, spawned before the shell.
	other, err := h.ex.SpawnNamed("waiter", task.Pending[struct{}]())
	if err != nil {
		t.Fatal(err)
	}
	got := strings.TrimPrefix(h.run(), Hint+"\n")
	lines := strings.Split(got, "\n")
	if len(lines) < 4 || lines[1] != "    ID  NAME             STATE    CPU      POLLS      WAKES" {
		t.Fatalf("tasks:\n%s", got)
	}
	// The shell was polled once at the start and once per key: "tasks\n"
	// is 6 keys, each a wake.
	want := []string{
		fmt.Sprintf("%6d  waiter           waiting    0          1          0", other),
		fmt.Sprintf("%6d  shell            running    0          7          6  (this shell)", h.shellID),
	}
	if !slices.Equal(lines[2:4], want) {
		t.Errorf("tasks:\n%s\n--- want lines\n%s", got, strings.Join(want, "\n"))
	}
}

func TestShellMem(t *testing.T) {
	h := newHarness(t, "mem\n")
	h.sys.mem = MemInfo{
		FreeBytes:  96 << 20,
		TotalBytes: 128 << 20,
		Map: []MemRegion{
			{Base: 0, Length: 0x9fc00, Type: "available"},
			{Base: 0x9fc00, Length: 0x400, Type: "reserved"},
			{Base: 0x100000, Length: 0x7ee0000, Type: "available"},
		},
	}
	got := h.run()
	for _, want := range []string{
		"Go runtime:\n  heap in use    ",
		"\n  heap objects   ",
		"\n  GC cycles      ",
		"\n  total alloc    ",
		"\n  sys            ",
		"\nKernel frames:\n  free 96.0 MiB of 128.0 MiB (75%)\n",
		"Firmware memory map:\n" +
			"  0x0000000000000000-0x000000000009fbff  639.0 KiB  available\n" +
			"  0x000000000009fc00-0x000000000009ffff    1.0 KiB  reserved\n" +
			"  0x0000000000100000-0x0000000007fdffff  126.9 MiB  available\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("mem:\n%s\n--- lacks %q", got, want)
		}
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[uint64]string{
		0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 1536: "1.5 KiB", 128 << 20: "128.0 MiB",
		3 << 30: "3.0 GiB", 1 << 50: "1.0 PiB", 1 << 62: "4096.0 PiB",
	} {
		if got := size(n); got != want {
			t.Errorf("size(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestShellUptime(t *testing.T) {
	var h *harness
	h = newHarness(t, "uptime\n",
		call(func() { h.sys.machine = "QEMU Standard PC (i440FX + PIIX, 1996)" }),
		"uptime\n")
	h.sys.now = 83*time.Second + 456789*time.Microsecond
	clocks := "timer: LAPIC one-shot at 62 MHz, 1000 Hz tick; clock: TSC 2596 MHz (HPET)\n"
	checkTranscript(t, h.run(), "> uptime\nup 1m23.457s\n"+clocks+
		"> uptime\nup 1m23.457s on QEMU Standard PC (i440FX + PIIX, 1996)\n"+clocks+ended)
}

func TestShellIRQ(t *testing.T) {
	h := newHarness(t, "irq\n")
	checkTranscript(t, h.run(), "> irq\ninterrupt controller: APIC\n"+
		"SOURCE              IRQ  GSI VECTOR TRIGGER     COUNT\n"+
		"keyboard (8042)       1    1     33 edge        42\n"+
		"local APIC timer      -    -     48 edge        1000\n"+ended)
}

func TestShellCPUs(t *testing.T) {
	h := newHarness(t, "cpus\n")
	checkTranscript(t, h.run(), "> cpus\n"+
		"CPU APIC ID   IDLE   INTERRUPTS  THREADS RUN\n"+
		"  0       0  90.0%         1200          300\n"+
		"  1       2 100.0%            7            0\n"+ended)
}

func TestShellSleep(t *testing.T) {
	var during []task.TaskInfo
	var h *harness
	h = newHarness(t, "sleep 1.5\n",
		// While the shell sleeps, another task runs to completion.
		call(func() {
			n := 0
			h.ex.Spawn(task.FutureFunc[struct{}](func(cx *task.Context) (struct{}, bool) {
				if n++; n < 10 {
					cx.Waker().Wake()
					return struct{}{}, false
				}
				during = h.sys.Tasks()
				return struct{}{}, true
			}))
		}),
		"echo typed ahead\n", // read while the shell sleeps, run after
		wait{},
		"sleep 0\n",
	)
	got := h.run()
	checkTranscript(t, got, "> sleep 1.5\n> echo typed ahead\ntyped ahead\n> sleep 0\n"+ended)
	if want := []time.Duration{1500 * time.Millisecond, 0}; !slices.Equal(h.sys.sleeps, want) {
		t.Errorf("sleeps %v, want %v", h.sys.sleeps, want)
	}
	if len(during) != 2 || during[0].ID != h.shellID || during[0].State != task.Waiting || h.sys.now != 1500*time.Millisecond {
		t.Errorf("while the shell slept, the tasks were %+v (shell %d); the clock ended at %v", during, h.shellID, h.sys.now)
	}
}

func TestShellSleepCtrlC(t *testing.T) {
	h := newHarness(t, "sleep 100\n", "echo lost\n", kCtrlC, "echo ok\n")
	checkTranscript(t, h.run(), "> sleep 100\n^C\n> echo ok\nok\n"+ended)
}

func TestShellSleepErrors(t *testing.T) {
	h := newHarness(t, "sleep\n", "sleep x\n", "sleep -1\n", "sleep NaN\n", "sleep 1e300\n", "sleep 1 2\n")
	checkTranscript(t, h.run(), "> sleep\nusage: sleep SECONDS\n"+
		"> sleep x\nsleep: bad number of seconds: \"x\"\n"+
		"> sleep -1\nsleep: bad number of seconds: \"-1\"\n"+
		"> sleep NaN\nsleep: bad number of seconds: \"NaN\"\n"+
		"> sleep 1e300\nsleep: bad number of seconds: \"1e300\"\n"+
		"> sleep 1 2\nusage: sleep SECONDS\n"+ended)
	if len(h.sys.sleeps) != 0 {
		t.Errorf("sleeps %v", h.sys.sleeps)
	}
}

func TestParseSeconds(t *testing.T) {
	for s, want := range map[string]time.Duration{
		"0": 0, "1": time.Second, "0.5": 500 * time.Millisecond, "1e-3": time.Millisecond,
		"2.25": 2250 * time.Millisecond, "9e9": 9e9 * time.Second,
	} {
		if got, err := parseSeconds(s); got != want || err != nil {
			t.Errorf("parseSeconds(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "x", "-0.1", "NaN", "Inf", "-Inf", "1e10", "0x", "1s"} {
		if got, err := parseSeconds(s); err == nil {
			t.Errorf("parseSeconds(%q) = %v, want an error", s, got)
		}
	}
}

func TestShellKeymap(t *testing.T) {
	var h *harness
	h = newHarness(t, "keymap de\n", "keymap DVORAK\n", "keymap xx\n", "keymap\n",
		call(func() { h.sys.keymapErr = errors.New("no keyboard") }),
		"keymap uk\n")
	known := "us, uk, de, fr, dvorak, colemak"
	checkTranscript(t, h.run(), "> keymap de\nkeymap: de\n"+
		"> keymap DVORAK\nkeymap: dvorak\n"+
		"> keymap xx\nunknown keymap: xx (known: "+known+")\n"+
		"> keymap\nusage: keymap NAME (known: "+known+")\n"+
		"> keymap uk\nkeymap: no keyboard\n"+ended)
	if !slices.Equal(h.sys.keymaps, []string{"de", "dvorak"}) {
		t.Errorf("SetKeymap calls %q", h.sys.keymaps)
	}
}

func TestShellPanic(t *testing.T) {
	h := newHarness(t, "panic\n", "echo ok\n")
	got := h.run()
	// The panicking task is the one after the shell.
	id := h.shellID + 1
	want := fmt.Sprintf("> panic\nshell: spawned task %d, which panics on purpose\n"+
		"executor: task %d panicked: %s\n"+
		"shell: task %d failed and was removed; the shell (task %d) lives on\n"+
		"> echo ok\nok\n"+ended, id, id, PanicValue, id, h.shellID)
	checkTranscript(t, got, want)
}

func TestShellFault(t *testing.T) {
	h := newHarness(t, "fault\n", "echo ok\n")
	got := h.run()
	id := h.shellID + 1
	want := fmt.Sprintf("> fault\nshell: spawned task %d, which dereferences nil on purpose\n"+
		"executor: task %d panicked: runtime error: invalid memory address or nil pointer dereference\n"+
		"shell: task %d failed and was removed; the shell (task %d) lives on\n"+
		"> echo ok\nok\n"+ended, id, id, id, h.shellID)
	checkTranscript(t, got, want)
}

func TestShellRebootHalt(t *testing.T) {
	h := newHarness(t, "reboot\n", "halt\n", "poweroff\n")
	checkTranscript(t, h.run(), "> reboot\nrebooting\nreboot: the machine did not reset\n"+
		"> halt\nhalting; the machine stays on (in QEMU's terminal Ctrl-A X quits)\n"+
		"halt: the machine did not stop\n"+
		"> poweroff\npowering off\npoweroff: no \\_S5\n"+ended)
	if h.sys.reboots != 1 || h.sys.halts != 1 || h.sys.poweroffs != 1 {
		t.Errorf("%d reboots, %d halts, %d poweroffs", h.sys.reboots, h.sys.halts, h.sys.poweroffs)
	}
}

// TestShellBudget: a burst of keys larger than KeyBudget is handled over
// several polls, so other tasks run in between.
func TestShellBudget(t *testing.T) {
	sys := &fakeSys{}
	scr := newScreen(t, 80)
	in := &fakeInput{}
	for range 3 * KeyBudget {
		in.q = append(in.q, keyboard.Event{Rune: 'x'})
	}
	in.q = append(in.q, kCtrlU)
	in.closed = true
	ex, err := task.NewExecutor(4, nil)
	if err != nil {
		t.Fatal(err)
	}
	sys.ex = ex
	polls := 0
	ex.Spawn(New(sys, scr).Task(in))
	ex.Spawn(task.FutureFunc[struct{}](func(cx *task.Context) (struct{}, bool) {
		polls++
		if len(in.q) == 0 {
			return struct{}{}, true
		}
		cx.Waker().Wake()
		return struct{}{}, false
	}))
	if err := ex.Run(); err != nil {
		t.Fatal(err)
	}
	if polls < 3 {
		t.Errorf("the other task was polled %d times while the shell read %d keys", polls, 3*KeyBudget)
	}
	checkTranscript(t, scr.text(), ended)
}

func TestShellPCI(t *testing.T) {
	h := newHarness(t, "pci\n")
	checkTranscript(t, h.run(), "> pci\nPCI configuration through ports\n"+
		"00:04.0 1b36:000d  USB controller (xHCI)         xhci\n"+ended)
}

// A notice from another task goes above the line being typed, which is
// drawn again; during a command it is a line of its own.
func TestShellNotice(t *testing.T) {
	var h *harness
	h = newHarness(t, "ech", call(func() { h.sh.Notice("usb: keyboard attached (port 5, high speed)") }),
		"o hi\n", "sleep 1\n", call(func() { h.sh.Notice("usb: keyboard detached (port 5)") }), wait{})
	checkTranscript(t, h.run(), "usb: keyboard attached (port 5, high speed)\n> echo hi\nhi\n"+
		"> sleep 1\nusb: keyboard detached (port 5)\n"+ended)
}
