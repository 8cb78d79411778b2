package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"

	"gokernel/arch"
	"gokernel/kernel/ps2"
	"gokernel/keyboard"
	"gokernel/task"
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

// runTasks sets up the keyboard and runs the executor. It does not return
// while the keypress task lives.
func runTasks() error {
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
	if s, err := startKeyboard(); err != nil {
		fmt.Printf("keyboard: %v\n", err)
	} else {
		p := keyboard.PrintKeypresses(s, layout, os.Stdout)
		p.OnLEDs = setLEDs
		if _, err := e.Spawn(p); err != nil {
			return err
		}
	}
	fmt.Println("ready")
	return e.Run()
}

// idle is the executor's idle function: the post's race-free halt. With
// interrupts disabled, check the queue; only if it is empty, ask the
// kernel to enable interrupts and halt in one step (STI;HLT in the ring-0
// idle loop, or another thread runs meanwhile). An interrupt that arrives
// between the check and the halt stays pending until interrupts are on
// again and then wakes us: no key is slept through. (A task woken by an
// ordinary goroutine rather than an interrupt is noticed within ten
// ticks of the timer, which wakes the waiting thread every tenth tick
// while any thread runs.)
func idle(queueEmpty func() bool) {
	arch.Cli()
	if queueEmpty() {
		// syscall.Syscall, not RawSyscall: the runtime lends the
		// processor to other goroutines while this thread waits.
		syscall.Syscall(sysGokernel, opWaitIRQ, 0, 0)
	}
	arch.Sti()
}

// startKeyboard initialises the PS/2 controller, opens the scancode
// stream and unmasks IRQ 1.
func startKeyboard() (*keyboard.ScancodeStream, error) {
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
