package tasks

import (
	"fmt"

	"gokernel/kernel/cmdline"
	"gokernel/kernel/dev/ps2"
	"gokernel/kernel/firmware"
	"gokernel/kernel/irq"
	"gokernel/kernel/kcall"
	"gokernel/keyboard"
	"gokernel/task"
)

// Keyboard is the PS/2 keyboard once started: its scancode stream and the
// task that keeps its lock lights.
type Keyboard struct {
	Scancodes *ps2.ScancodeStream
	LEDs      *ps2.LEDTask
}

const ledNumLock = 1 << 1

// StartKeyboard initialises the PS/2 controller, opens the scancode
// stream, enables IRQ 1 and spawns the LED task on e. It first asks ACPI:
// since revision 2 the FADT says whether the machine has an 8042
// (IAPC_BOOT_ARCH bit 1, ACPI 6.5 §5.2.9.3), and where it says no, the
// controller is not touched, as Linux does; ps2=force on the command line
// probes anyway (firmware that emulates an 8042 for a USB keyboard may
// still deny having one).
func StartKeyboard(e *task.Executor, m firmware.Machine) (*Keyboard, error) {
	if m.Know8042 && !m.Has8042 && cmdline.Get(cmdline.PS2).Str != "force" {
		return nil, fmt.Errorf("ACPI says there is no 8042 (FADT IAPC_BOOT_ARCH); not probing (ps2=force probes anyway)")
	}
	if err := ps2.Init(); err != nil {
		if err == ps2.ErrNoController {
			return nil, fmt.Errorf("no PS/2 controller")
		}
		return nil, fmt.Errorf("PS/2 controller: %v", err)
	}
	s, err := ps2.Open()
	if err != nil {
		return nil, err
	}
	if err := kcall.EnableInterrupt(irq.Keyboard); err != nil {
		return nil, fmt.Errorf("cannot enable IRQ 1: %v", err)
	}
	l := ps2.NewLEDTask()
	l.OnError = func(err error) { fmt.Printf("keyboard: cannot set the LEDs: %v\n", err) }
	if _, err := e.SpawnOn(0, "ps2 leds", l); err != nil {
		return nil, err
	}
	l.Set(ledNumLock) // the decoder starts with Num Lock on
	return &Keyboard{s, l}, nil
}

// Keymap returns the layout the command line asks for (keymap=NAME; the
// boot warned about a name it does not know, and the default is US).
func Keymap() *keyboard.Layout {
	if l, ok := keyboard.LayoutByName(cmdline.Get(cmdline.Keymap).Str); ok {
		return l
	}
	return keyboard.US
}
