package shell

import (
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"
	"time"

	"gokernel/keyboard"
	"gokernel/task"
)

// command is one entry of the command table. run does the command and
// returns nil when it is done, or a future that the shell's task awaits.
type command struct {
	name  string
	args  string // the arguments, for help
	brief string // one line, for help
	run   func(sh *Shell, args []string) task.Future[struct{}]
}

// commands is the command table, in the order help lists it.
var commands = []command{
	{"help", "", "list the commands", (*Shell).help},
	{"echo", "ARGS...", "print the arguments", (*Shell).echo},
	{"tasks", "", "list the executor's tasks", (*Shell).tasks},
	{"mem", "", "memory: Go heap, kernel frames, firmware memory map", (*Shell).mem},
	{"uptime", "", "time since boot, the timer and the clock", (*Shell).uptime},
	{"irq", "", "interrupt lines: their input, vector and count", (*Shell).irq},
	{"cpus", "", "the CPUs: APIC ID, idle share, interrupts, threads run", (*Shell).cpus},
	{"pci", "", "PCI functions: address, vendor:device, class, driver", (*Shell).pci},
	{"sleep", "SECONDS", "wait (fractions allowed) without blocking other tasks", (*Shell).sleep},
	{"keymap", "NAME", "switch the keyboard layout (" + strings.Join(keyboard.LayoutNames(), ", ") + ")", (*Shell).keymap},
	{"panic", "", "spawn a task that panics; the shell lives on", (*Shell).panicCmd},
	{"fault", "", "spawn a task that dereferences nil; the shell lives on", (*Shell).fault},
	{"reboot", "", "reset the machine", (*Shell).reboot},
	{"poweroff", "", "switch the machine off (ACPI); QEMU exits", (*Shell).poweroff},
	{"halt", "", "stop the CPU, the machine stays on (QEMU: Ctrl-A X quits)", (*Shell).halt},
}

// exec runs one command line: nil when it is done, or the future of a
// command still running. The line is split with Split; an empty line does
// nothing.
func (sh *Shell) exec(line string) task.Future[struct{}] {
	words, err := Split(line)
	if err != nil {
		sh.printf("shell: %v\n", err)
		return nil
	}
	if len(words) == 0 {
		return nil
	}
	for i := range sh.cmds {
		if c := &sh.cmds[i]; c.name == words[0] {
			return c.run(sh, words[1:])
		}
	}
	sh.printf("unknown command: %s (try help)\n", words[0])
	return nil
}

func (sh *Shell) printf(format string, args ...any) { fmt.Fprintf(sh.out, format, args...) }

func (sh *Shell) help([]string) task.Future[struct{}] {
	width := 0
	for _, c := range sh.cmds {
		width = max(width, len(c.name)+1+len(c.args))
	}
	for _, c := range sh.cmds {
		sh.printf("  %-*s  %s\n", width, strings.TrimSpace(c.name+" "+c.args), c.brief)
	}
	sh.printf("Keys: arrows, Home, End, Delete edit the line; Up and Down walk the history;\n" +
		"Ctrl+W deletes a word, Ctrl+U the line, Ctrl+C abandons it or a command.\n")
	return nil
}

func (sh *Shell) echo(args []string) task.Future[struct{}] {
	sh.printf("%s\n", strings.Join(args, " "))
	return nil
}

func (sh *Shell) tasks([]string) task.Future[struct{}] {
	infos := sh.sys.Tasks()
	sh.printf("%6s  %-16s %-8s %3s %10s %10s\n", "ID", "NAME", "STATE", "CPU", "POLLS", "WAKES")
	for _, ti := range infos {
		name, cpu, note := ti.Name, "-", ""
		if name == "" {
			name = "-"
		}
		if ti.CPU >= 0 {
			cpu = strconv.Itoa(ti.CPU) // where its runner last polled it
		}
		if ti.State == task.Running {
			note = "  (this shell)"
		}
		sh.printf("%6d  %-16s %-8s %3s %10d %10d%s\n", ti.ID, name, ti.State, cpu, ti.Polls, ti.Wakes, note)
	}
	return nil
}

func (sh *Shell) mem([]string) task.Future[struct{}] {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	sh.printf("Go runtime:\n")
	sh.printf("  heap in use    %s\n", size(ms.HeapInuse))
	sh.printf("  heap objects   %d\n", ms.HeapObjects)
	sh.printf("  GC cycles      %d\n", ms.NumGC)
	sh.printf("  total alloc    %s\n", size(ms.TotalAlloc))
	sh.printf("  sys            %s\n", size(ms.Sys))
	mi := sh.sys.Memory()
	pct := 0.0
	if mi.TotalBytes > 0 {
		pct = 100 * float64(mi.FreeBytes) / float64(mi.TotalBytes)
	}
	sh.printf("Kernel frames:\n  free %s of %s (%.0f%%)\n", size(mi.FreeBytes), size(mi.TotalBytes), pct)
	sh.printf("Firmware memory map:\n")
	if len(mi.Map) == 0 {
		sh.printf("  (none)\n")
	}
	for _, r := range mi.Map {
		end := r.Base + r.Length
		if r.Length > 0 {
			end-- // inclusive
		}
		sh.printf("  0x%016x-0x%016x %10s  %s\n", r.Base, end, size(r.Length), r.Type)
	}
	return nil
}

// size formats a byte count: "512 B", "639.0 KiB", "127.9 MiB".
func size(n uint64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatUint(n, 10) + " B"
	}
	v, i := float64(n), -1
	for v >= unit && i < 4 {
		v /= unit
		i++
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + "KMGTP"[i:i+1] + "iB"
}

func (sh *Shell) uptime([]string) task.Future[struct{}] {
	up := sh.sys.Uptime().Round(time.Millisecond)
	if m := sh.sys.Machine(); m != "" {
		sh.printf("up %v on %s\n", up, m)
	} else {
		sh.printf("up %v\n", up)
	}
	if tm, clk := sh.sys.Timekeeping(); tm != "" || clk != "" {
		sh.printf("timer: %s; clock: %s\n", tm, clk)
	}
	return nil
}

func (sh *Shell) irq([]string) task.Future[struct{}] {
	info := sh.sys.Interrupts()
	sh.printf("interrupt controller: %s\n", info.Controller)
	sh.printf("%-18s %4s %4s %6s %-11s %s\n", "SOURCE", "IRQ", "GSI", "VECTOR", "TRIGGER", "COUNT")
	for _, l := range info.Lines {
		irq, gsi := "-", "-"
		if l.Line >= 0 {
			irq = strconv.Itoa(l.Line)
		}
		if l.GSI >= 0 {
			gsi = strconv.Itoa(l.GSI)
		}
		state := ""
		if !l.Enabled {
			state = " (masked)"
		}
		sh.printf("%-18s %4s %4s %6d %-11s %d%s\n", l.Name, irq, gsi, l.Vector, l.Trigger, l.Count, state)
	}
	return nil
}

func (sh *Shell) cpus([]string) task.Future[struct{}] {
	cs := sh.sys.CPUs()
	sh.printf("%3s %7s %6s %12s %12s\n", "CPU", "APIC ID", "IDLE", "INTERRUPTS", "THREADS RUN")
	for i, c := range cs {
		idle := 0.0
		if c.Up > 0 {
			idle = 100 * float64(c.Idle) / float64(c.Up)
		}
		sh.printf("%3d %7d %5.1f%% %12d %12d\n", i, c.APICID, idle, c.Interrupts, c.Runs)
	}
	return nil
}

func (sh *Shell) pci([]string) task.Future[struct{}] {
	lines := sh.sys.PCI()
	if lines == nil {
		sh.printf("pci: not scanned\n")
	}
	for _, l := range lines {
		sh.printf("%s\n", l)
	}
	return nil
}

// maxSleep is the longest sleep: what a time.Duration holds, in seconds.
const maxSleep = float64(math.MaxInt64) / float64(time.Second)

func (sh *Shell) sleep(args []string) task.Future[struct{}] {
	if len(args) != 1 {
		sh.printf("usage: sleep SECONDS\n")
		return nil
	}
	d, err := parseSeconds(args[0])
	if err != nil {
		sh.printf("sleep: %v\n", err)
		return nil
	}
	return sh.sys.Sleep(d)
}

// parseSeconds parses a non-negative number of seconds, fractions allowed
// ("2", "0.5", "1e-3"), into a Duration.
func parseSeconds(s string) (time.Duration, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f >= maxSleep {
		return 0, fmt.Errorf("bad number of seconds: %q", s)
	}
	return time.Duration(math.Round(f * float64(time.Second))), nil
}

func (sh *Shell) keymap(args []string) task.Future[struct{}] {
	known := strings.Join(keyboard.LayoutNames(), ", ")
	if len(args) != 1 {
		sh.printf("usage: keymap NAME (known: %s)\n", known)
		return nil
	}
	l, ok := keyboard.LayoutByName(args[0])
	if !ok {
		sh.printf("unknown keymap: %s (known: %s)\n", args[0], known)
		return nil
	}
	if err := sh.sys.SetKeymap(l.Name()); err != nil {
		sh.printf("keymap: %v\n", err)
		return nil
	}
	sh.printf("keymap: %s\n", l.Name())
	return nil
}

// PanicValue is what the task that the panic command spawns panics with.
const PanicValue = "shell: the panic command's task panics on purpose"

func (sh *Shell) panicCmd([]string) task.Future[struct{}] {
	return sh.spawnFailing("panics on purpose", task.FutureFunc[struct{}](func(*task.Context) (struct{}, bool) {
		panic(PanicValue)
	}))
}

// nilInt is a nil pointer the compiler cannot see is nil, so that the
// fault command's load is a real memory access to address 0: a page
// fault, which the kernel turns into SIGSEGV and the Go runtime into a
// panic ("invalid memory address or nil pointer dereference").
var nilInt *int

// faultSink keeps the load from being optimised away.
var faultSink int

func (sh *Shell) fault([]string) task.Future[struct{}] {
	return sh.spawnFailing("dereferences nil on purpose", task.FutureFunc[struct{}](func(*task.Context) (struct{}, bool) {
		faultSink = *nilInt
		return struct{}{}, true
	}))
}

// failWaits is how many times the panic and fault commands yield, waiting
// for the spawned task to fail, before they give up watching it.
const failWaits = 8

// spawnFailing spawns f, a task that will fail as what says, and returns
// a future that yields until the task is gone (the executor polled it,
// recovered its panic, reported it and removed it), then says that the
// shell is alive. Its lines start with "shell:", so that they do not read
// like the Go runtime's own "panic: ..." report.
func (sh *Shell) spawnFailing(what string, f task.Future[struct{}]) task.Future[struct{}] {
	id, err := sh.sys.Spawn(f)
	if err != nil {
		sh.printf("shell: cannot spawn a task: %v\n", err)
		return nil
	}
	sh.printf("shell: spawned task %d, which %s\n", id, what)
	waits := 0
	return task.FutureFunc[struct{}](func(cx *task.Context) (struct{}, bool) {
		alive, self := false, task.TaskID(0)
		for _, ti := range sh.sys.Tasks() {
			switch {
			case ti.ID == id:
				alive = true
			case ti.State == task.Running:
				self = ti.ID
			}
		}
		if alive && waits < failWaits {
			waits++
			cx.Waker().Wake() // yield: the new task runs first
			return struct{}{}, false
		}
		who := "the shell"
		if self != 0 {
			who = fmt.Sprintf("the shell (task %d)", self)
		}
		if alive {
			sh.printf("shell: task %d is still running; %s lives on\n", id, who)
		} else {
			sh.printf("shell: task %d failed and was removed; %s lives on\n", id, who)
		}
		return struct{}{}, true
	})
}

func (sh *Shell) reboot([]string) task.Future[struct{}] {
	sh.printf("rebooting\n")
	sh.sys.Reboot()
	sh.printf("reboot: the machine did not reset\n")
	return nil
}

func (sh *Shell) poweroff([]string) task.Future[struct{}] {
	sh.printf("powering off\n")
	if err := sh.sys.PowerOff(); err != nil {
		sh.printf("poweroff: %v\n", err)
	}
	return nil
}

func (sh *Shell) halt([]string) task.Future[struct{}] {
	sh.printf("halting; the machine stays on (in QEMU's terminal Ctrl-A X quits)\n")
	sh.sys.Halt()
	sh.printf("halt: the machine did not stop\n")
	return nil
}
