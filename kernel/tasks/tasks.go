// Package tasks is the kernel's own program in ring 3: the post's main in
// Go. Run makes an executor with a runner per CPU that parks between
// interrupts (kcall.Park), spawns the post's example task, starts the keyboards (the
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
	"gokernel/kernel/kcall"
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
//
// The executor has a runner per CPU (runtime.NumCPU: the CPUs online, or
// cpus=N), each on a goroutine locked to its thread. A runner with nothing
// to do parks on the kernel's WaitIRQ with its park word (kcall.Park): a
// wake from another runner or goroutine ends it with a FUTEX_WAKE, one
// from an interrupt handler (which can only mark the word) because the
// kernel ends every wait for an interrupt after a device's handler.
//
// The kernel's own tasks (the example, the keyboards, the LED task, the
// USB driver's and the shell) run on runner 0: they share the drivers'
// state, written for one thread, and runner 0's timer queue is the one
// the drivers keep time on (Executor.Timers). Tasks spawned later without
// a runner (the shell's panic and fault commands, tests) go to the least
// loaded runner.
func Run(m firmware.Machine) error {
	layout := Keymap()
	n := runtime.NumCPU()
	e, err := task.NewExecutorWith(task.Config{MaxTasks: MaxTasks, Runners: n, Wait: kcall.Park, CPU: kcall.GetCPU})
	if err != nil {
		return err
	}
	if _, err := e.SpawnOn(0, "example", exampleTask()); err != nil {
		return err
	}
	kbd, err := StartKeyboard(e, m)
	if err != nil {
		fmt.Printf("keyboard: %v\n", err)
	}
	u := usbhost.Start(e)
	type named struct {
		name string
		f    task.Future[struct{}]
	}
	var ts []named
	if cmdline.Get(cmdline.Shell).Str != "off" {
		if t := shellTask(e, kbd, u, layout, m); t != nil {
			ts = append(ts, named{"shell", t})
		}
	} else {
		// The post's printer, one per keyboard kind (each decodes its
		// own scan codes).
		if kbd != nil {
			p := keyboard.PrintKeypresses(kbd.Scancodes, layout, os.Stdout)
			p.OnLEDs = kbd.LEDs.Set
			ts = append(ts, named{"keypresses", p})
		}
		if u.Controllers > 0 {
			p := keyboard.PrintKeypresses(u.Keyboards, layout, os.Stdout)
			p.OnLEDs = u.Keyboards.SetLEDs
			ts = append(ts, named{"usb keypresses", p})
		}
	}
	for _, t := range ts {
		if _, err := e.SpawnOn(0, t.name, t.f); err != nil {
			return err
		}
	}
	fmt.Println("ready")
	errs := make(chan error, n)
	for range n {
		go func() {
			runtime.LockOSThread() // a runner parks its own thread
			errs <- e.Run()
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}
