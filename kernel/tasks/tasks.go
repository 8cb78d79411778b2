// Package tasks is the kernel's own program in ring 3: the post's main in
// Go. Run makes an executor whose idle halts the CPU between interrupts
// (idle.go), spawns the post's example task, starts the keyboards (the
// 8042's scancodes and LED task; USB through kernel/usbhost) and the
// serial input, and runs the shell (shell.go) or the post's keypress
// printer on them.
//
// Ring 3: ordinary Go code; it reaches the ring-0 core only through
// system calls and the private call (kernel/kcall).
package tasks

import (
	"fmt"
	"os"
	"runtime"

	"gokernel/kernel/cmdline"
	"gokernel/kernel/firmware"
	"gokernel/kernel/usbhost"
	"gokernel/keyboard"
	"gokernel/task"
)

// MaxTasks bounds the executor's tasks.
const MaxTasks = 256

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

// Run sets up the keyboard and the serial input and runs the executor
// with its tasks: the post's example task, then either the shell (the
// default) or, with shell=off on the command line, the post's keypress
// printer. It does not return while a task that waits for keys lives.
func Run(m firmware.Machine) error {
	// The idle disables interrupts in this thread (CLI, which IOPL 3
	// allows in ring 3) around its check. Locked to one OS thread, the
	// executor's goroutine is the only code that thread runs, so no other
	// goroutine ever finds interrupts off.
	runtime.LockOSThread()

	layout := Keymap()
	e, err := task.NewExecutor(MaxTasks, Idle)
	if err != nil {
		return err
	}
	if _, err := e.Spawn(exampleTask()); err != nil {
		return err
	}
	kbd, err := StartKeyboard(e, m)
	if err != nil {
		fmt.Printf("keyboard: %v\n", err)
	}
	u := usbhost.Start(e)
	var ts []task.Future[struct{}]
	if cmdline.Get(cmdline.Shell).Str != "off" {
		if t := shellTask(e, kbd, u, layout, m); t != nil {
			ts = append(ts, t)
		}
	} else {
		// The post's printer, one per keyboard kind (each decodes its
		// own scan codes).
		if kbd != nil {
			p := keyboard.PrintKeypresses(kbd.Scancodes, layout, os.Stdout)
			p.OnLEDs = kbd.LEDs.Set
			ts = append(ts, p)
		}
		if u.Controllers > 0 {
			p := keyboard.PrintKeypresses(u.Keyboards, layout, os.Stdout)
			p.OnLEDs = u.Keyboards.SetLEDs
			ts = append(ts, p)
		}
	}
	for _, t := range ts {
		if _, err := e.Spawn(t); err != nil {
			return err
		}
	}
	fmt.Println("ready")
	return e.Run()
}
