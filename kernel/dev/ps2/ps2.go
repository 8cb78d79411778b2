// Package ps2 drives the 8042 PS/2 controller and the keyboard on its first
// port (IBM PS/2 Hardware Interface Technical Reference; the command set
// also in the OSDev wiki's "8042 PS/2 Controller" and "PS/2 Keyboard").
// It is the only place the 8042's ports are used.
//
// Both rings. Init and the LED task (leds.go) run in ring 3, in ordinary
// Go code (ring 3 with IOPL 3 may use the ports); every wait for the
// controller is bounded, so a machine without a controller, or one that
// never answers, costs a timeout and a message, never a hang. After Init
// the keyboard's bytes arrive through IRQ 1: Interrupt (stream.go) and
// PulseReset (reset.go) run in ring 0 and are //go:nosplit.
package ps2

import (
	"errors"
	"fmt"
	"time"

	"gokernel/arch"
)

const (
	dataPort   = 0x60
	statusPort = 0x64 // read: status; write: command

	statusOutFull = 1 << 0 // a byte waits in the output buffer (port 0x60)
	statusInFull  = 1 << 1 // the controller has not taken the last byte yet

	cmdReadConfig  = 0x20
	cmdWriteConfig = 0x60
	cmdDisable2    = 0xA7
	cmdTest2       = 0xA9
	cmdSelfTest    = 0xAA
	cmdTest1       = 0xAB
	cmdDisable1    = 0xAD
	cmdEnable1     = 0xAE

	cfgIRQ1        = 1 << 0
	cfgIRQ2        = 1 << 1
	cfgClock1Off   = 1 << 4 // set by cmdDisable1, cleared by cmdEnable1
	cfgClock2Off   = 1 << 5
	cfgTranslation = 1 << 6 // the controller turns set 2 into set 1

	selfTestOK = 0x55

	kbdSetLEDs = 0xED
	kbdReset   = 0xFF
	kbdACK     = 0xFA
	kbdResend  = 0xFE
	kbdTestOK  = 0xAA

	timeout = 100 * time.Millisecond // per byte; the 8042 answers in microseconds
	tries   = 3                      // for a keyboard command answered with resend
)

// ErrNoController is returned when nothing answers at the 8042's ports.
var ErrNoController = errors.New("no PS/2 controller")

// Port I/O, replaceable in tests.
var (
	inb  = arch.Inb
	outb = arch.Outb
	now  = time.Now
)

func waitWritable() error {
	for deadline := now().Add(timeout); ; {
		if inb(statusPort)&statusInFull == 0 {
			return nil
		}
		if now().After(deadline) {
			return errors.New("the controller does not take input")
		}
	}
}

func read() (byte, error) {
	for deadline := now().Add(timeout); ; {
		if inb(statusPort)&statusOutFull != 0 {
			return inb(dataPort), nil
		}
		if now().After(deadline) {
			return 0, errors.New("timed out waiting for a byte")
		}
	}
}

func command(c byte) error {
	if err := waitWritable(); err != nil {
		return err
	}
	outb(statusPort, c)
	return nil
}

func commandWithArg(c, arg byte) error {
	if err := command(c); err != nil {
		return err
	}
	if err := waitWritable(); err != nil {
		return err
	}
	outb(dataPort, arg)
	return nil
}

func commandRead(c byte) (byte, error) {
	if err := command(c); err != nil {
		return 0, err
	}
	return read()
}

// send writes a byte to the keyboard and waits for its ACK, sending again
// when it asks for a resend.
func send(b byte) error {
	for i := 0; i < tries; i++ {
		if err := waitWritable(); err != nil {
			return err
		}
		outb(dataPort, b)
		r, err := read()
		if err != nil {
			return fmt.Errorf("keyboard did not answer %#x: %v", b, err)
		}
		switch r {
		case kbdACK:
			return nil
		case kbdResend:
			continue
		default:
			return fmt.Errorf("keyboard answered %#x to %#x", r, b)
		}
	}
	return fmt.Errorf("keyboard asked for %#x to be resent %d times", b, tries)
}

// Init sets up the controller and resets the keyboard, with IRQ 1 enabled
// in the controller and translation to scancode set 1 on. The PIC line
// stays masked: the caller unmasks it once a handler is ready. Interrupts
// from the controller must be masked at the PIC while Init runs, since it
// polls the data port itself.
func Init() error {
	if inb(statusPort) == 0xFF {
		return ErrNoController // an empty bus reads all ones
	}
	// Disable both ports so no device talks while we configure.
	if err := command(cmdDisable1); err != nil {
		return fmt.Errorf("%w (%v)", ErrNoController, err)
	}
	if err := command(cmdDisable2); err != nil {
		return err
	}
	// Flush whatever the devices sent before.
	for i := 0; i < 64 && inb(statusPort)&statusOutFull != 0; i++ {
		inb(dataPort)
	}
	cfg, err := commandRead(cmdReadConfig)
	if err != nil {
		return fmt.Errorf("reading the configuration byte: %v", err)
	}
	cfg &^= cfgIRQ1 | cfgIRQ2 | cfgTranslation
	if err := commandWithArg(cmdWriteConfig, cfg); err != nil {
		return err
	}
	if r, err := commandRead(cmdSelfTest); err != nil || r != selfTestOK {
		return fmt.Errorf("controller self-test: answer %#x, %v", r, err)
	}
	// The self-test may reset the controller: write the configuration again.
	if err := commandWithArg(cmdWriteConfig, cfg); err != nil {
		return err
	}
	if r, err := commandRead(cmdTest1); err != nil || r != 0 {
		return fmt.Errorf("port 1 interface test: answer %#x, %v", r, err)
	}
	if err := command(cmdEnable1); err != nil {
		return err
	}
	// Reset the keyboard: ACK, then its self-test result.
	if err := send(kbdReset); err != nil {
		return err
	}
	if r, err := read(); err != nil || r != kbdTestOK {
		return fmt.Errorf("keyboard self-test: answer %#x, %v", r, err)
	}
	// IRQ 1 on, translation on (set 1), port 1's clock on (cfg was read
	// while port 1 was disabled, so its clock-off bit is set), the second
	// port's clock off.
	cfg = cfg&^cfgClock1Off | cfgIRQ1 | cfgTranslation | cfgClock2Off
	return commandWithArg(cmdWriteConfig, cfg)
}
