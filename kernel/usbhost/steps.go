package usbhost

import (
	"errors"
	"fmt"
	"time"

	"gokernel/kernel/dev/xhci"
	"gokernel/kernel/usb"
	"gokernel/task"
)

// A class driver's setup is a list of things to wait for, one after the
// other — control transfers, a Configure Endpoint command, a pause — each
// with what to do with its result: the sequence a USB 2.0 §9.1.2
// enumeration is, written as data rather than as a state machine per
// driver.

// step is one thing to wait for.
type step struct {
	what string                          // names the step in an error: "device descriptor"
	run  func() task.Future[xhci.Result] // starts it
	then func(r xhci.Result) error       // checks the result, may add steps; nil accepts any success

	stallOK bool // a STALL is no failure: the request is optional
}

// steps runs a list of steps in order: a future of nil after the last,
// or of the first failure, "what: error". A step's then may add steps
// (the configuration's length decides how much to ask for next).
type steps struct {
	list []step
	i    int
	cur  task.Future[xhci.Result]
}

func (s *steps) add(st ...step) { s.list = append(s.list, st...) }

func (s *steps) Poll(cx *task.Context) (error, bool) {
	for s.i < len(s.list) {
		st := s.list[s.i] // a copy: then may grow the list
		if s.cur == nil {
			s.cur = st.run()
		}
		r, ok := s.cur.Poll(cx)
		if !ok {
			return nil, false
		}
		s.cur = nil
		s.i++
		err := r.Err
		if st.stallOK && errors.Is(err, xhci.ErrStall) {
			continue
		}
		if err == nil && st.then != nil {
			err = st.then(r)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", st.what, err), true
		}
	}
	return nil, true
}

// control is the step of a control transfer; then, if not nil, gets the
// bytes an IN transfer brought (fewer than asked is no error here: then
// decides).
func control(d Dev, what string, s usb.Setup, then func(data []byte) error) step {
	return step{what: what,
		run: func() task.Future[xhci.Result] { return d.Control(s, make([]byte, s.Length)) },
		then: func(r xhci.Result) error {
			if then == nil {
				return nil
			}
			return then(r.Data)
		}}
}

// pause is a step that waits d on q.
func pause(q *task.Timers, what string, d time.Duration) step {
	return step{what: what, run: func() task.Future[xhci.Result] {
		return task.Map(q.Sleep(d), func(struct{}) xhci.Result { return xhci.Result{} })
	}}
}
