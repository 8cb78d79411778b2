package xhci

import (
	"fmt"
	"time"

	"gokernel/task"
)

// Machine is a state machine over the controller's registers that waits
// by asking its caller to come back later: Step runs as far as it can at
// time now and returns when to step again (an absolute time on the same
// clock), or done, with an error if it failed. The host tests drive
// machines with a clock they advance; the driver, with Await.
type Machine interface {
	Step(now time.Duration) (again time.Duration, done bool, err error)
}

// Await returns a future that steps m on the timers q (task.DefaultTimers
// if nil), sleeping between steps, and completes with m's error.
func Await(m Machine, q *task.Timers) task.Future[error] {
	if q == nil {
		q = task.DefaultTimers()
	}
	return &awaitMachine{m: m, q: q}
}

type awaitMachine struct {
	m     Machine
	q     *task.Timers
	timer *task.Timer
}

func (a *awaitMachine) Poll(cx *task.Context) (error, bool) {
	for {
		if a.timer != nil {
			if _, due := a.timer.Poll(cx); !due {
				return nil, false
			}
			a.timer = nil
		}
		again, done, err := a.m.Step(a.q.Now())
		if done {
			return err, true
		}
		a.timer = a.q.At(again)
	}
}

// regWait is one step of a Sequence: write something (once, on entry),
// then wait until ready holds, looking every poll, for at most timeout.
type regWait struct {
	what    string
	write   func(r MMIO)
	ready   func(r MMIO) bool
	delay   time.Duration // before the first look
	poll    time.Duration
	timeout time.Duration
}

// Sequence runs register steps one after the other: a Machine.
type Sequence struct {
	r        MMIO
	steps    []regWait
	i        int
	entered  bool
	deadline time.Duration
}

// Step implements Machine.
func (s *Sequence) Step(now time.Duration) (time.Duration, bool, error) {
	for s.i < len(s.steps) {
		st := &s.steps[s.i]
		if !s.entered {
			s.entered, s.deadline = true, now+st.timeout
			if st.write != nil {
				st.write(s.r)
			}
			if st.delay > 0 {
				return now + st.delay, false, nil
			}
		}
		if !st.ready(s.r) {
			if now >= s.deadline {
				return 0, true, fmt.Errorf("xhci: %s: not done after %v", st.what, st.timeout)
			}
			return min(now+st.poll, s.deadline), false, nil
		}
		s.i, s.entered = s.i+1, false
	}
	return 0, true, nil
}

// Timeouts of the controller's state changes. The halt must complete in
// 16 ms (§5.4.1, R/S; Linux's XHCI_MAX_HALT_USEC). The reset has no
// bound in the specification; Linux waits 250 ms for most controllers
// and 10 s for a few slow ones; 1 s is taken here. CNR clears when the
// controller is ready after power-on or reset (§5.4.2); Linux's PCI
// quirk gives it 5 s, which a working controller never needs, so 1 s
// here too: the cost of a controller that never leaves reset.
const (
	HaltTimeout  = 16 * time.Millisecond
	ResetTimeout = time.Second
	ReadyTimeout = time.Second
	pollEvery    = time.Millisecond
	// resetSettle is the wait after setting HCRST before the first
	// register read: some Intel controllers hang if read sooner (Linux's
	// XHCI_INTEL_HOST quirk waits 1 ms in xhci_reset).
	resetSettle = time.Millisecond
)

// ResetSequence halts the controller (clears Run/Stop and the interrupt
// enables, waits for HCHalted), resets it (HCRST, which it clears when
// done) and waits until it is ready (CNR clear) (§4.2, §5.4.1).
func ResetSequence(r MMIO, c *Caps) *Sequence {
	cmd, sts := c.op(opUSBCMD), c.op(opUSBSTS)
	bit := func(off uintptr, mask uint32, want bool) func(MMIO) bool {
		return func(r MMIO) bool { return (r.Read32(off)&mask != 0) == want }
	}
	return &Sequence{r: r, steps: []regWait{
		{what: "controller not ready (CNR) before reset", ready: bit(sts, stsCNR, false), poll: pollEvery, timeout: ReadyTimeout},
		{what: "halt", write: func(r MMIO) { r.Write32(cmd, r.Read32(cmd)&^(cmdRun|cmdINTE|cmdHSEE)) },
			ready: bit(sts, stsHalted, true), poll: pollEvery, timeout: HaltTimeout},
		{what: "reset (HCRST)", write: func(r MMIO) { r.Write32(cmd, r.Read32(cmd)|cmdReset) },
			ready: bit(cmd, cmdReset, false), delay: resetSettle, poll: pollEvery, timeout: ResetTimeout},
		{what: "controller not ready (CNR) after reset", ready: bit(sts, stsCNR, false), poll: pollEvery, timeout: ReadyTimeout},
	}}
}

// StartSequence sets Run/Stop with interrupts enabled and waits until the
// controller runs (HCHalted clear) (§4.2, step 9).
func StartSequence(r MMIO, c *Caps) *Sequence {
	cmd, sts := c.op(opUSBCMD), c.op(opUSBSTS)
	return &Sequence{r: r, steps: []regWait{
		{what: "start (Run/Stop)", write: func(r MMIO) { r.Write32(cmd, r.Read32(cmd)|cmdRun|cmdINTE|cmdHSEE) },
			ready: func(r MMIO) bool { return r.Read32(sts)&stsHalted == 0 }, poll: pollEvery, timeout: HaltTimeout},
	}}
}
