package tasks

import (
	"errors"
	"fmt"
	"os"
	"time"

	"gokernel/kernel/boot"
	"gokernel/kernel/clock"
	"gokernel/kernel/dev/uart"
	"gokernel/kernel/firmware"
	"gokernel/kernel/irq"
	"gokernel/kernel/kcall"
	"gokernel/kernel/shell"
	"gokernel/kernel/timer"
	"gokernel/kernel/usbhost"
	"gokernel/keyboard"
	"gokernel/task"
)

// shellTask returns the shell's task, reading the PS/2 keyboard (if there
// is one), the USB keyboards (if there is a controller to plug them in)
// and the serial line merged, or nil when there is none of them.
func shellTask(e *task.Executor, kbd *Keyboard, u *usbhost.USB, l *keyboard.Layout, m firmware.Machine) task.Future[struct{}] {
	sys := &kernelSystem{ex: e, machine: m, pci: u.PCI}
	var in []task.Stream[keyboard.Event]
	if kbd != nil {
		sys.keys = keyboard.Events(kbd.Scancodes, l, kbd.LEDs.Set)
		in = append(in, sys.keys)
	}
	if u.Controllers > 0 {
		sys.usbKeys = keyboard.Events(u.Keyboards, l, u.Keyboards.SetLEDs)
		in = append(in, sys.usbKeys)
	}
	if s, err := openSerialInput(); err != nil {
		fmt.Printf("serial: no input: %v\n", err)
	} else {
		sys.serial = s
		in = append(in, shell.MarkLosses(keyboard.SerialEvents(s), s.Gaps))
	}
	if len(in) == 0 {
		fmt.Println("shell: no keyboard and no serial input; not started")
		return nil
	}
	sh := shell.New(sys, os.Stdout)
	u.Log = sh.Notice
	return sh.Task(shell.Merge(in...))
}

// openSerialInput enables IRQ 4 and opens COM1's receive stream, in that
// order: an I/O APIC pin in edge mode drops an edge that comes while it
// is masked, and the UART holds its interrupt line up until its data is
// read, so a byte arriving in between would silence the line for good.
func openSerialInput() (*uart.Input, error) {
	if err := kcall.EnableInterrupt(irq.COM1); err != nil {
		return nil, fmt.Errorf("cannot enable IRQ 4: %v", err)
	}
	return uart.Open()
}

// kernelSystem is the shell's view of the kernel (shell.System): the
// executor the shell runs on, the keyboard whose layout keymap switches,
// and what the firmware said about the machine. The shell calls it from
// its own task only.
type kernelSystem struct {
	ex      *task.Executor
	keys    *keyboard.EventStream // nil without a PS/2 keyboard
	usbKeys *keyboard.EventStream // nil without a USB controller
	serial  *uart.Input           // nil without serial input
	machine firmware.Machine
	pci     *usbhost.PCI
}

func (s *kernelSystem) Tasks() []task.TaskInfo { return s.ex.Snapshot() }

func (s *kernelSystem) Spawn(f task.Future[struct{}]) (task.TaskID, error) {
	return s.ex.Spawn(f)
}

func (s *kernelSystem) Sleep(d time.Duration) task.Future[struct{}] { return task.Sleep(d) }

func (s *kernelSystem) Machine() string { return s.machine.Name }

func (s *kernelSystem) SerialDropped() uint64 {
	if s.serial == nil {
		return 0
	}
	return s.serial.Dropped()
}

const pageSize = 4096

// Memory reports the frame allocator's counters and the loader's memory
// map.
func (s *kernelSystem) Memory() shell.MemInfo {
	var m shell.MemInfo
	if st, err := kcall.ReadStats(); err == nil {
		m.FreeBytes, m.TotalBytes = st.FreeFrames*pageSize, st.TotalFrames*pageSize
	}
	in := boot.Info()
	for _, r := range in.Regions[:in.NRegions] {
		m.Map = append(m.Map, shell.MemRegion{Base: r.Base, Length: r.Length, Type: r.Type.String()})
	}
	return m
}

func (s *kernelSystem) Uptime() time.Duration {
	st, err := kcall.ReadStats()
	if err != nil {
		return 0
	}
	return time.Duration(st.Uptime)
}

// Timekeeping names the timer and the clock's source from the ring-0
// counters.
func (s *kernelSystem) Timekeeping() (string, string) {
	st, err := kcall.ReadStats()
	if err != nil {
		return "", ""
	}
	tm := timer.Kind(st.Timer).String()
	if st.Timer == uint64(timer.LAPIC) {
		tm += fmt.Sprintf(" at %d MHz", st.TimerRate/1_000_000)
	}
	if st.Timer != uint64(timer.None) {
		tm += fmt.Sprintf(", %d Hz tick", st.TickHz)
	}
	return tm, fmt.Sprintf("TSC %d MHz (%s)", st.TSCHz/1_000_000, clock.Source(st.ClockSource))
}

// Interrupts lists the ISA lines and the local APIC's vectors.
func (s *kernelSystem) CPUs() []shell.CPUInfo {
	cs, err := kcall.ReadCPUs()
	if err != nil {
		return nil
	}
	out := make([]shell.CPUInfo, len(cs))
	for i, c := range cs {
		out[i] = shell.CPUInfo{APICID: int(c.APICID), Up: time.Duration(c.UpNs), Idle: time.Duration(c.IdleNs),
			Interrupts: c.Interrupts, Runs: c.Runs}
	}
	return out
}

func (s *kernelSystem) Interrupts() shell.IRQInfo {
	t, err := kcall.ReadIRQTable()
	if err != nil {
		return shell.IRQInfo{Controller: err.Error()}
	}
	info := shell.IRQInfo{Controller: t.Controller.String()}
	for l, r := range t.Lines {
		name := irq.LineName(l)
		if name == "" && !r.Enabled && t.LineCounts[l] == 0 {
			continue
		}
		if name == "" {
			name = fmt.Sprintf("ISA line %d", l)
		}
		trig := "edge"
		if r.Level {
			trig = "level"
		}
		if r.ActiveLow {
			trig += ", low"
		}
		info.Lines = append(info.Lines, shell.IRQLine{Name: name, Line: l, GSI: int(r.GSI),
			Vector: int(r.Vector), Trigger: trig, Enabled: r.Enabled, Count: t.LineCounts[l]})
	}
	if t.Controller == irq.APIC {
		for _, v := range []struct {
			name  string
			vec   int
			count uint64
		}{{"local APIC timer", irq.TimerVector, t.Timer}, {"APIC error", irq.ErrorVector, t.Errors}, {"APIC spurious", irq.SpuriousVector, t.Spurious}} {
			info.Lines = append(info.Lines, shell.IRQLine{Name: v.name, Line: -1, GSI: -1, Vector: v.vec,
				Trigger: "edge", Enabled: true, Count: v.count})
		}
		for i := 0; i < t.MSIVectors && i < len(t.MSICounts); i++ {
			info.Lines = append(info.Lines, shell.IRQLine{Name: "MSI/MSI-X", Line: -1, GSI: -1, Vector: irq.MSIBase + i,
				Trigger: "edge", Enabled: true, Count: t.MSICounts[i]})
		}
	}
	return info
}

var errNoKeyboard = errors.New("no keyboard; the serial terminal keeps its own layout")

func (s *kernelSystem) SetKeymap(name string) error {
	l, ok := keyboard.LayoutByName(name)
	if !ok {
		return fmt.Errorf("unknown keymap %q", name)
	}
	if s.keys == nil && s.usbKeys == nil {
		return errNoKeyboard
	}
	for _, k := range []*keyboard.EventStream{s.keys, s.usbKeys} {
		if k != nil {
			k.SetLayout(l)
		}
	}
	return nil
}

// PCI lists the PCI functions and the drivers bound to them.
func (s *kernelSystem) PCI() []string {
	if s.pci == nil {
		return nil
	}
	return append([]string{"PCI configuration through " + s.pci.Access}, s.pci.Lines()...)
}

// Reboot and Halt return only if the ring-0 core refused; the shell then
// says so.
func (s *kernelSystem) Reboot() { kcall.ResetMachine() }
func (s *kernelSystem) Halt()   { kcall.HaltMachine() }

// PowerOff returns only if the ring-0 core could not switch off.
func (s *kernelSystem) PowerOff() error { return kcall.PowerOffMachine() }
