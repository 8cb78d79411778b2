package ps2

import (
	"slices"
	"strings"
	"testing"
	"time"

	"gokernel/task"
)

// ledRig runs an LEDTask on an executor against a fake 8042 whose answers
// the "interrupt" delivers: after each poll, the bytes the fake put in its
// output buffer go through irqByte, as IRQ 1 would deliver them.
type ledRig struct {
	t      *testing.T
	f      *fake8042
	l      *LEDTask
	errs   []string
	maxIn  int // the most port reads one poll made
	inbs   int
	polls  int
	silent bool // swallow the keyboard's answers (a keyboard that never answers)
}

func newLEDRig(t *testing.T, f *fake8042) *ledRig {
	r := &ledRig{t: t, f: f, l: NewLEDTask()}
	r.l.OnError = func(err error) { r.errs = append(r.errs, err.Error()) }
	oi, oo := inb, outb
	inb = func(p uint16) uint8 { r.inbs++; return f.inb(p) }
	outb = f.outb
	t.Cleanup(func() { inb, outb = oi, oo; ledAwaiting.Store(0); ledReply.Store(0) })
	return r
}

// poll polls the task once, then delivers the answers.
func (r *ledRig) poll() {
	r.inbs = 0
	r.l.Poll(task.NewContext(task.Waker{}))
	r.polls++
	r.maxIn = max(r.maxIn, r.inbs)
	for len(r.f.out) > 0 {
		b := r.f.out[0]
		r.f.out = r.f.out[1:]
		if !r.silent {
			irqByte(b)
		}
	}
}

// run polls until the task has nothing left to do or d has passed.
func (r *ledRig) run(d time.Duration) {
	for end := time.Now().Add(d); time.Now().Before(end); {
		r.poll()
		if r.l.state == ledIdle {
			return
		}
		time.Sleep(time.Millisecond) // the test's pace, not the task's
	}
}

func TestLEDCommand(t *testing.T) {
	f := &fake8042{}
	r := newLEDRig(t, f)
	r.l.Set(0x04) // Caps Lock
	r.run(time.Second)
	if want := []byte{kbdSetLEDs, 0x04}; !slices.Equal(f.sent, want) || len(r.errs) > 0 {
		t.Fatalf("sent % x, errors %v; want % x", f.sent, r.errs, want)
	}
	// The same lights again: nothing to send.
	r.l.Set(0x04)
	r.run(time.Second)
	if len(f.sent) != 2 {
		t.Errorf("sent % x for lights already shown", f.sent)
	}
	// Two changes in a row before the task runs: only the last is sent.
	r.l.Set(0x02)
	r.l.Set(0x06)
	r.run(time.Second)
	if want := []byte{kbdSetLEDs, 0x04, kbdSetLEDs, 0x06}; !slices.Equal(f.sent, want) {
		t.Errorf("sent % x, want % x", f.sent, want)
	}
	if r.maxIn > 1 {
		t.Errorf("a poll read the status port %d times: it spins", r.maxIn)
	}
}

func TestLEDResend(t *testing.T) {
	f := &fake8042{resends: 1}
	r := newLEDRig(t, f)
	r.l.Set(0x01)
	r.run(time.Second)
	if want := []byte{kbdSetLEDs, kbdSetLEDs, 0x01}; !slices.Equal(f.sent, want) || len(r.errs) > 0 {
		t.Errorf("sent % x, errors %v; want % x", f.sent, r.errs, want)
	}
	f2 := &fake8042{resends: 10}
	r2 := newLEDRig(t, f2)
	r2.l.Set(0x01)
	r2.run(time.Second)
	if len(r2.errs) != 1 || !strings.Contains(r2.errs[0], "resent 3 times") {
		t.Errorf("errors %v, want one about resends", r2.errs)
	}
}

// TestLEDNoAnswer: a keyboard that never answers costs a timeout and an
// error, never a wait inside Poll; the next Set tries again.
func TestLEDNoAnswer(t *testing.T) {
	f := &fake8042{}
	r := newLEDRig(t, f)
	r.silent = true
	r.l.Set(0x04)
	start := time.Now()
	r.run(5 * time.Second)
	if len(r.errs) != 1 || !strings.Contains(r.errs[0], "did not answer 0xed") {
		t.Fatalf("errors %v, want one about no answer", r.errs)
	}
	if d := time.Since(start); d < answerTimeout {
		t.Errorf("gave up after %v, before the %v timeout", d, answerTimeout)
	}
	if r.maxIn > 1 || r.polls < 2 {
		t.Errorf("%d polls, at most %d port reads each: the wait must be a timer, not a loop", r.polls, r.maxIn)
	}
	r.silent = false
	r.l.Set(0x02)
	r.run(time.Second)
	if got := f.sent[len(f.sent)-2:]; !slices.Equal(got, []byte{kbdSetLEDs, 0x02}) {
		t.Errorf("after a failure the next Set sent % x", got)
	}
}

// TestLEDBusyController: a controller that never takes input costs a
// bounded number of timer-paced retries and an error.
func TestLEDBusyController(t *testing.T) {
	f := &fake8042{}
	r := newLEDRig(t, f)
	inb = func(p uint16) uint8 { r.inbs++; return statusInFull }
	r.l.Set(0x04)
	r.run(5 * time.Second)
	if len(r.errs) != 1 || !strings.Contains(r.errs[0], "does not take input") {
		t.Fatalf("errors %v", r.errs)
	}
	if r.maxIn > 1 || len(f.sent) != 0 {
		t.Errorf("at most %d port reads a poll, sent % x", r.maxIn, f.sent)
	}
}
