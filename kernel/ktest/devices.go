package ktest

import (
	"fmt"
	"os"
	"runtime"

	"gokernel/kernel/firmware"
	"gokernel/kernel/shell"
	"gokernel/kernel/tasks"
	"gokernel/kernel/usbhost"
	"gokernel/keyboard"
	"gokernel/task"
)

// Device tests: the keyboard, typed from the host through QMP.

func init() {
	later(func() {
		register("devices",
			Test{Name: "keyboard", Run: testKeyboard, Outcome: NeedsKeys, Note: "typed lines come back through IRQ 1 or USB, and the keymap= layout"},
		)
	})
}

// testKeyboard reads the keyboards — the 8042's through IRQ 1 and the
// scancode ring, the USB ones through the xHCI driver's transfers, each
// decoded with the keymap= layout — and keeps a line: characters are
// appended, Backspace removes the last one, Enter prints "keyboard: line
// TEXT" and starts a new line, Escape prints the pending line the same
// way and passes. Either keyboard alone will do. The host test types
// through QMP, on the USB keyboard once "usb: keyboard attached" is
// printed.
func testKeyboard() error {
	runtime.LockOSThread() // the idle runs CLI in this thread, see tasks.Idle
	layout := tasks.Keymap()
	e, err := task.NewExecutor(64, tasks.Idle)
	if err != nil {
		return err
	}
	var keys []task.Stream[keyboard.Event]
	var stats []*keyboard.EventStream
	kbd, err := tasks.StartKeyboard(e, firmware.Machine{})
	if err != nil {
		fmt.Printf("keyboard: %v\n", err)
	} else {
		stats = append(stats, keyboard.Events(kbd.Scancodes, layout, kbd.LEDs.Set))
	}
	if u := usbhost.Start(e); u.Controllers > 0 {
		stats = append(stats, keyboard.Events(u.Keyboards, layout, u.Keyboards.SetLEDs))
	}
	if len(stats) == 0 {
		return fmt.Errorf("no PS/2 keyboard and no USB controller")
	}
	for _, s := range stats {
		keys = append(keys, s)
	}
	var line []rune
	var result error = fmt.Errorf("the keyboard stream ended")
	done := false
	lines := task.ForEach[keyboard.Event](shell.Merge(keys...), func(ev keyboard.Event) {
		if done {
			return
		}
		switch ev.Rune {
		case '\b':
			if len(line) > 0 {
				line = line[:len(line)-1]
			}
		case '\n':
			fmt.Printf("keyboard: line %s\n", string(line))
			line = line[:0]
		case 0x1B:
			fmt.Printf("keyboard: line %s\n", string(line))
			result, done = nil, true
			e.Stop() // and the executor, with the LED and USB tasks
		case 0:
			fmt.Printf("keyboard: key %s\n", ev)
		default:
			line = append(line, ev.Rune)
		}
	})
	if _, err := e.Spawn(lines); err != nil {
		return err
	}
	fmt.Printf("keyboard: ready (layout %s)\n", layout.Name())
	if err := e.Run(); err != nil {
		return err
	}
	for _, s := range stats {
		if st := s.Stats(); st.UnknownKeys+st.StrayReleases > 0 {
			fmt.Fprintf(os.Stderr, "keyboard: %d unknown keys, %d stray releases\n", st.UnknownKeys, st.StrayReleases)
		}
	}
	return result
}
