package xhci

import (
	"fmt"
	"time"

	"gokernel/task"
)

// Result is what a command or a transfer completes with.
type Result struct {
	Code Completion // the completion code of the event that ended it
	Slot int        // Enable Slot: the slot the controller gave
	N    int        // transfers: bytes transferred
	Data []byte     // IN transfers: the bytes
	Err  error      // nil on success
}

// op is one command or transfer in flight: Run completes it when its
// event arrives (finish), and the future that owns it polls it.
type op struct {
	done  bool
	ev    Event
	err   error
	waker task.Waker
}

// finish completes o with event e or error err, and wakes its task.
func (o *op) finish(e Event, err error) {
	if o.done {
		return
	}
	o.done, o.ev, o.err = true, e, err
	o.waker.Wake()
}

// Timeouts of commands and transfers. Commands complete in microseconds
// on a working controller; Linux gives them 5 s (XHCI_CMD_DEFAULT_TIMEOUT),
// which this driver shortens to 1 s. Control transfers get USB's usual 5 s
// (Linux's USB_CTRL_GET_TIMEOUT).
const (
	CommandTimeout = time.Second
	ControlTimeout = 5 * time.Second
)

// Command returns a future that puts t on the command ring, rings the
// host controller's doorbell and completes with the Command Completion
// Event (§4.6). A completion code other than Success is an error. If no
// event comes within CommandTimeout, the controller is taken as broken:
// it fails (Failed), and so does every later operation, because a
// command ring whose controller stopped answering cannot be trusted
// (Linux aborts the ring and often ends up resetting the controller).
func (c *Controller) Command(t TRB) task.Future[Result] {
	return &command{c: c, trb: t}
}

type command struct {
	c       *Controller
	trb     TRB
	o       op
	ptr     uint64
	started bool
	timer   *task.Timer
}

func (f *command) Poll(cx *task.Context) (Result, bool) {
	c := f.c
	if !f.started {
		f.started = true
		if c.failed != nil || c.cmd == nil {
			return Result{Err: c.notRunning()}, true
		}
		ptrs, err := c.cmd.Enqueue(f.trb)
		if err != nil {
			return Result{Err: fmt.Errorf("xhci: command ring: %w", err)}, true
		}
		f.ptr = ptrs[0]
		c.cmds[f.ptr] = &f.o
		f.timer = c.q.Sleep(CommandTimeout)
		c.ringDoorbell(0, 0)
	}
	if f.o.done {
		f.timer.Cancel()
		r := Result{Code: f.o.ev.Code, Slot: f.o.ev.Slot, Err: f.o.err}
		if r.Err == nil && r.Code != CCSuccess {
			r.Err = fmt.Errorf("xhci: command %d: %v", f.trb.Type(), r.Code)
		}
		return r, true
	}
	f.o.waker = cx.Waker()
	if _, due := f.timer.Poll(cx); due {
		delete(c.cmds, f.ptr)
		err := fmt.Errorf("xhci: command %d: no completion in %v: %w", f.trb.Type(), CommandTimeout, ErrTimeout)
		c.fail(err)
		return Result{Err: err}, true
	}
	return Result{}, false
}

func (c *Controller) notRunning() error {
	if c.failed != nil {
		return c.failed
	}
	return ErrNotRunning
}
