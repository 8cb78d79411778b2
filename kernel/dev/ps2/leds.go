package ps2

import (
	"fmt"
	"sync/atomic"
	"time"

	"gokernel/task"
)

// The lock lights, set without waiting inside a Poll.
//
// The Set LEDs command is two bytes to the keyboard, 0xED and then the
// lights (bit 0 Scroll Lock, bit 1 Num Lock, bit 2 Caps Lock), and the
// keyboard answers each with ACK (0xFA), or RESEND (0xFE) to ask for the
// byte again (IBM PS/2 Hardware Interface Technical Reference, "Keyboard
// Commands"). With IRQ 1 enabled the answers arrive through the interrupt
// like scancodes. So the command is a small state machine, LEDTask, driven
// by those answers: it writes a byte, and its next poll comes when the
// interrupt handler has seen the answer (ledAnswer wakes it) or when the
// answer's deadline, a timer, has passed. A Caps Lock press costs no task
// any waiting.

const (
	// answerTimeout bounds the wait for an answer: the keyboard answers
	// within 20 ms (the reference's limit for a command response).
	answerTimeout = 25 * time.Millisecond
	// busyRetry is how long LEDTask waits when the controller has not
	// taken the previous byte yet (it takes one in microseconds).
	busyRetry = time.Millisecond
	busyTries = 20
)

// The interrupt side: while a byte of the command awaits its answer,
// ledAnswer takes an ACK or RESEND from the data port instead of the
// scancode stream.
var (
	ledAwaiting atomic.Uint32 // 1 while an answer is due
	ledReply    atomic.Uint32 // the answer, 0x100|byte; 0 for none yet
	ledWaker    task.AtomicWaker
)

// ledAnswer reports whether b is the answer to the LED command in flight;
// if so it hands b to the LED task and wakes it. Ring 0, from Interrupt:
// integer stores and AtomicWaker.Wake only.
//
//go:nosplit
func ledAnswer(b byte) bool {
	if (b != kbdACK && b != kbdResend) || ledAwaiting.Load() == 0 {
		return false
	}
	ledAwaiting.Store(0)
	ledReply.Store(0x100 | uint32(b))
	ledWaker.Wake()
	return true
}

type ledState uint8

const (
	ledIdle ledState = iota // the lights show what was asked, or nothing is asked
	ledSend                 // write the next byte when the controller takes it
	ledWait                 // an answer is due
)

// LEDTask is the task that keeps the keyboard's lights as Set asks. There
// is one keyboard, so one LEDTask: spawn it once, after Init. It never
// completes.
type LEDTask struct {
	// OnError, if set, is told when a command fails (no answer, too many
	// resends, a controller that does not take input); the lights are then
	// left as they are until the next Set.
	OnError func(error)

	want    atomic.Uint32 // 0x100|lights asked for by Set; 0 for nothing yet
	shown   uint32        // 0x100|lights the keyboard last accepted
	sending uint32        // 0x100|lights of the command in flight
	state   ledState
	byteNow byte // the byte in flight: kbdSetLEDs or the lights
	tries   int  // resends of byteNow, or busy retries
	timer   *task.Timer
}

// NewLEDTask returns the LED task.
func NewLEDTask() *LEDTask { return &LEDTask{} }

// Set asks for the lights leds (bit 0 Scroll, 1 Num, 2 Caps Lock). It
// returns at once; the task sends the command. Any goroutine or task may
// call it.
func (l *LEDTask) Set(leds uint8) {
	l.want.Store(0x100 | uint32(leds&7))
	ledWaker.Wake()
}

// Poll runs the command's state machine as far as it can without waiting.
func (l *LEDTask) Poll(cx *task.Context) (struct{}, bool) {
	ledWaker.Register(cx.Waker())
	for {
		switch l.state {
		case ledIdle:
			w := l.want.Load()
			if w == 0 || w == l.shown {
				return struct{}{}, false
			}
			l.sending, l.byteNow, l.tries, l.state = w, kbdSetLEDs, 0, ledSend
		case ledSend:
			if inb(statusPort)&statusInFull != 0 {
				if l.tries++; l.tries > busyTries {
					l.fail(fmt.Errorf("the controller does not take input"))
					continue
				}
				if !l.wait(cx, busyRetry) {
					return struct{}{}, false
				}
				continue
			}
			ledReply.Store(0)
			ledAwaiting.Store(1)
			outb(dataPort, l.byteNow)
			l.state = ledWait
			l.cancelTimer()
			if !l.wait(cx, answerTimeout) {
				return struct{}{}, false
			}
		case ledWait:
			r := ledReply.Swap(0)
			if r == 0 {
				if l.timer != nil {
					if _, due := l.timer.Poll(cx); !due {
						return struct{}{}, false
					}
				}
				ledAwaiting.Store(0)
				l.fail(fmt.Errorf("keyboard did not answer %#x", l.byteNow))
				continue
			}
			l.cancelTimer()
			switch byte(r) {
			case kbdACK:
				if l.byteNow == kbdSetLEDs {
					l.byteNow, l.tries, l.state = byte(l.sending), 0, ledSend
				} else {
					l.shown, l.state = l.sending, ledIdle
				}
			default: // kbdResend
				if l.tries++; l.tries >= tries {
					l.fail(fmt.Errorf("keyboard asked for %#x to be resent %d times", l.byteNow, tries))
					continue
				}
				l.state = ledSend
			}
		}
	}
}

// wait arms the timer for d from now and polls it once, so that it wakes
// the task; it reports whether the deadline has already passed.
func (l *LEDTask) wait(cx *task.Context, d time.Duration) bool {
	l.cancelTimer()
	l.timer = task.Sleep(d)
	_, due := l.timer.Poll(cx)
	return due
}

func (l *LEDTask) cancelTimer() {
	if l.timer != nil {
		l.timer.Cancel()
		l.timer = nil
	}
}

// fail gives up on the command in flight: the lights asked for are taken
// as shown, so the task does not retry until the next Set.
func (l *LEDTask) fail(err error) {
	l.cancelTimer()
	l.shown, l.state = l.sending, ledIdle
	if l.OnError != nil {
		l.OnError(err)
	}
}
