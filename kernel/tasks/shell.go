package tasks

import (
	"errors"
	"fmt"
	"os"
	"time"

	"gokernel/kernel/boot"
	"gokernel/kernel/dev/uart"
	"gokernel/kernel/firmware"
	"gokernel/kernel/irq"
	"gokernel/kernel/kcall"
	"gokernel/kernel/shell"
	"gokernel/keyboard"
	"gokernel/task"
)

// shellTask returns the shell's task, reading the PS/2 keyboard (if there
// is one) and the serial line merged, or nil when there is neither.
func shellTask(e *task.Executor, kbd *Keyboard, l *keyboard.Layout, m firmware.Machine) task.Future[struct{}] {
	sys := &kernelSystem{ex: e, machine: m}
	var in []task.Stream[keyboard.Event]
	if kbd != nil {
		sys.keys = keyboard.Events(kbd.Scancodes, l, kbd.LEDs.Set)
		in = append(in, sys.keys)
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
	return shell.New(sys, os.Stdout).Task(shell.Merge(in...))
}

// openSerialInput opens COM1's receive stream and enables IRQ 4.
func openSerialInput() (*uart.Input, error) {
	s, err := uart.Open()
	if err != nil {
		return nil, err
	}
	if err := kcall.EnableInterrupt(irq.COM1); err != nil {
		return nil, fmt.Errorf("cannot enable IRQ 4: %v", err)
	}
	return s, nil
}

// kernelSystem is the shell's view of the kernel (shell.System): the
// executor the shell runs on, the keyboard whose layout keymap switches,
// and what the firmware said about the machine. The shell calls it from
// its own task only.
type kernelSystem struct {
	ex      *task.Executor
	keys    *keyboard.EventStream // nil without a PS/2 keyboard
	serial  *uart.Input           // nil without serial input
	machine firmware.Machine
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

var errNoKeyboard = errors.New("no PS/2 keyboard; the serial terminal keeps its own layout")

func (s *kernelSystem) SetKeymap(name string) error {
	l, ok := keyboard.LayoutByName(name)
	if !ok {
		return fmt.Errorf("unknown keymap %q", name)
	}
	if s.keys == nil {
		return errNoKeyboard
	}
	s.keys.SetLayout(l)
	return nil
}

// Reboot and Halt return only if the ring-0 core refused; the shell then
// says so.
func (s *kernelSystem) Reboot() { kcall.ResetMachine() }
func (s *kernelSystem) Halt()   { kcall.HaltMachine() }
