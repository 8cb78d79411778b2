package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"
	"time"

	"gokernel/arch"
	"gokernel/kernel/firmware"
	"gokernel/kernel/ps2"
	"gokernel/kernel/serialin"
	"gokernel/kernel/shell"
	"gokernel/keyboard"
	"gokernel/task"
	"gokernel/task/source"
)

// The kernel's tasks, the post's main in Go: an executor, the example task
// and the keypress task, and the idle that halts the CPU between keys.

const maxTasks = 256

// asyncNumber is the post's `async fn async_number() -> u32 { 42 }`.
func asyncNumber() task.Future[uint32] { return task.Ready[uint32](42) }

// exampleTask is the post's example_task: it awaits asyncNumber and prints
// the result.
func exampleTask() task.Future[struct{}] {
	return task.Map(asyncNumber(), func(n uint32) struct{} {
		fmt.Printf("async number: %d\n", n)
		return struct{}{}
	})
}

// runTasks sets up the keyboard and the serial input and runs the
// executor with its tasks: the post's example task, then either the shell
// (the default) or, with shell=off on the command line, the post's
// keypress printer. It does not return while a task that waits for keys
// lives.
func runTasks(m firmware.Machine) error {
	// The idle below disables interrupts in this thread (CLI, which IOPL 3
	// allows in ring 3) around its check. Locked to one OS thread, the
	// executor's goroutine is the only code that thread runs, so no other
	// goroutine ever finds interrupts off.
	runtime.LockOSThread()

	layout := keymap()
	e, err := task.NewExecutor(maxTasks, idle)
	if err != nil {
		return err
	}
	if _, err := e.Spawn(exampleTask()); err != nil {
		return err
	}
	kbd, err := startKeyboard(m)
	if err != nil {
		fmt.Printf("keyboard: %v\n", err)
	}
	var t task.Future[struct{}]
	if shellWanted() {
		t = shellTask(e, kbd, layout, m)
	} else if kbd != nil {
		p := keyboard.PrintKeypresses(kbd, layout, os.Stdout)
		p.OnLEDs = setLEDs
		t = p
	}
	if t != nil {
		if _, err := e.Spawn(t); err != nil {
			return err
		}
	}
	fmt.Println("ready")
	return e.Run()
}

// shellWanted reads shell=on|off from the command line (on by default).
func shellWanted() bool {
	switch v, _ := os.LookupEnv("shell"); v {
	case "", "on":
		return true
	case "off":
		return false
	default:
		fmt.Printf("shell: unknown setting shell=%s (on or off); starting the shell\n", v)
		return true
	}
}

// shellTask returns the shell's task, reading the PS/2 keyboard (if there
// is one) and the serial line merged, or nil when there is neither.
func shellTask(e *task.Executor, kbd *keyboard.ScancodeStream, l *keyboard.Layout, m firmware.Machine) task.Future[struct{}] {
	sys := &kernelSystem{ex: e, machine: m}
	var in []task.Stream[keyboard.Event]
	if kbd != nil {
		sys.keys = keyboard.Events(kbd, l, setLEDs)
		in = append(in, sys.keys)
	}
	if s, err := openSerialInput(); err != nil {
		fmt.Printf("serial: no input: %v\n", err)
	} else {
		in = append(in, keyboard.SerialEvents(s))
	}
	if len(in) == 0 {
		fmt.Println("shell: no keyboard and no serial input; not started")
		return nil
	}
	return shell.New(sys, os.Stdout).Task(shell.Merge(in...))
}

// openSerialInput opens COM1's receive stream and unmasks IRQ 4.
func openSerialInput() (*source.Source[byte], error) {
	s, err := serialin.Open()
	if err != nil {
		return nil, err
	}
	if _, _, e := syscall.Syscall(sysGokernel, opEnableIRQ, irqCOM1, 0); e != 0 {
		return nil, fmt.Errorf("cannot enable IRQ 4: %v", e)
	}
	return s, nil
}

// idle is the executor's idle function: the post's race-free halt. With
// interrupts disabled, check the queue; only if it is empty, ask the
// kernel to enable interrupts and halt in one step, until an interrupt or
// the executor's next timer (task.Sleep, tickers) (STI;HLT in the ring-0
// idle loop, or another thread runs meanwhile). An interrupt that arrives
// between the check and the halt stays pending until interrupts are on
// again and then wakes us: no key is slept through. (A task woken by an
// ordinary goroutine rather than an interrupt is noticed within ten
// ticks of the timer, which wakes the waiting thread every tenth tick
// while any thread runs.)
func idle(queueEmpty func() bool, deadline time.Duration, hasDeadline bool) {
	arch.Cli()
	if queueEmpty() {
		var timeout time.Duration // none: only an interrupt wakes us
		if hasDeadline {
			if timeout = deadline - task.DefaultTimers().Now(); timeout <= 0 {
				arch.Sti()
				return // a timer is due: fire it
			}
		}
		// syscall.Syscall, not RawSyscall: the runtime lends the
		// processor to other goroutines while this thread waits.
		syscall.Syscall(sysGokernel, opWaitIRQ, uintptr(timeout), 0)
	}
	arch.Sti()
}

// startKeyboard initialises the PS/2 controller, opens the scancode
// stream and unmasks IRQ 1. It first asks ACPI: since revision 2 the FADT
// says whether the machine has an 8042 (IAPC_BOOT_ARCH bit 1, ACPI 6.5
// §5.2.9.3), and where it says no, the controller is not touched, as
// Linux does; ps2=force on the command line probes anyway (firmware that
// emulates an 8042 for a USB keyboard may still deny having one).
func startKeyboard(m firmware.Machine) (*keyboard.ScancodeStream, error) {
	if m.Know8042 && !m.Has8042 {
		if v, _ := os.LookupEnv("ps2"); v != "force" {
			return nil, fmt.Errorf("ACPI says there is no 8042 (FADT IAPC_BOOT_ARCH); not probing (ps2=force probes anyway)")
		}
	}
	if err := ps2.Init(); err != nil {
		if err == ps2.ErrNoController {
			return nil, fmt.Errorf("no PS/2 controller")
		}
		return nil, fmt.Errorf("PS/2 controller: %v", err)
	}
	s, err := keyboard.NewScancodeStream()
	if err != nil {
		return nil, err
	}
	if _, _, e := syscall.Syscall(sysGokernel, opEnableIRQ, irqKeyboard, 0); e != 0 {
		return nil, fmt.Errorf("cannot enable IRQ 1: %v", e)
	}
	setLEDs(ledNumLock) // the decoder starts with Num Lock on
	return s, nil
}

const ledNumLock = 1 << 1

// setLEDs makes the keyboard's lock lights follow the decoder's locks.
func setLEDs(leds uint8) {
	if err := ps2.SetLEDs(leds); err != nil {
		fmt.Printf("keyboard: cannot set the LEDs: %v\n", err)
	}
}

// keymap returns the layout the command line asks for (keymap=NAME), or US
// with a warning for a name it does not know.
func keymap() *keyboard.Layout {
	name, ok := os.LookupEnv("keymap")
	if !ok {
		return keyboard.US
	}
	if l, ok := keyboard.LayoutByName(name); ok {
		return l
	}
	fmt.Printf("keyboard: unknown keymap %q (known: %s); using us\n", name, strings.Join(keyboard.LayoutNames(), ", "))
	return keyboard.US
}
