package ktest

import (
	"fmt"
	"os"
	"runtime"

	"gokernel/kernel/firmware"
	"gokernel/kernel/tasks"
	"gokernel/keyboard"
	"gokernel/task"
)

// Device tests: the keyboard, typed from the host through QMP.

func init() {
	register("devices",
		Test{Name: "keyboard", Run: testKeyboard, Outcome: NeedsKeys, Note: "typed lines come back through IRQ 1, the ring and the keymap= layout"},
	)
}

// testKeyboard reads the keyboard through IRQ 1, the scancode ring and the
// decoder with the keymap= layout, and keeps a line: characters are
// appended, Backspace removes the last one, Enter prints "keyboard: line
// TEXT" and starts a new line, Escape prints the pending line the same way
// and passes. The host test types through QMP.
func testKeyboard() error {
	runtime.LockOSThread() // the idle runs CLI in this thread, see tasks.Idle
	layout := tasks.Keymap()
	e, err := task.NewExecutor(4, tasks.Idle)
	if err != nil {
		return err
	}
	kbd, err := tasks.StartKeyboard(e, firmware.Machine{})
	if err != nil {
		return err
	}
	s := kbd.Scancodes
	dec := keyboard.NewDecoder(layout, keyboard.CtrlMapsToControlChars)
	var line []rune
	var result error = fmt.Errorf("the keyboard stream ended")
	done := false
	lines := task.ForEach[byte](s, func(b byte) {
		ev, ok := dec.Feed(b)
		if leds, changed := dec.LEDs(); changed {
			kbd.LEDs.Set(leds)
		}
		if !ok || done {
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
			s.Close() // ends the stream, and so this task
			e.Stop()  // and the executor, with the LED task
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
	if st := dec.Stats(); st.UnknownKeys+st.StrayReleases > 0 {
		fmt.Fprintf(os.Stderr, "keyboard: %d unknown keys, %d stray releases\n", st.UnknownKeys, st.StrayReleases)
	}
	return result
}
