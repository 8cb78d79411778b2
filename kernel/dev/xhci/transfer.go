package xhci

import (
	"errors"
	"fmt"
	"time"

	"gokernel/task"
)

// xfer is a transfer in flight on an endpoint: its TD's TRBs, and what
// their events said.
type xfer struct {
	o        op
	setup    uint64 // TRB addresses; 0 where the TD has none
	data     uint64
	last     uint64 // the TRB with IOC, whose event ends the transfer
	residual int    // bytes not transferred, from the data TRB's event
}

// ErrStall is a transfer the device answered with STALL: an unsupported
// request, or a halted endpoint (USB 2.0 §8.4.5).
var ErrStall = errors.New("stall")

// transferEvent gives a Transfer Event to the transfer it ends, and
// reports whether it matched one.
func (d *Device) transferEvent(e Event) bool {
	if e.DCI < 1 || e.DCI > 31 || d.eps[e.DCI] == nil {
		return false
	}
	ep := d.eps[e.DCI]
	if err := ep.ring.Completed(e.Ptr); err != nil {
		return false
	}
	x := ep.cur
	if x == nil || e.Ptr != x.setup && e.Ptr != x.data && e.Ptr != x.last {
		return false
	}
	if e.Ptr == x.data {
		x.residual = e.Len
	}
	switch {
	case !e.Code.OK():
		// An error ends the TD wherever it happened and halts the
		// endpoint (§4.10.2.1), unless the transfer was stopped.
		ep.halted = e.Code != CCStopped && e.Code != CCStoppedLenInval
		err := fmt.Errorf("xhci: slot %d endpoint %d: %v", d.Slot, e.DCI, e.Code)
		if e.Code == CCStall {
			err = fmt.Errorf("xhci: slot %d endpoint %d: %w", d.Slot, e.DCI, ErrStall)
		}
		ep.cur = nil
		x.o.finish(e, err)
	case e.Ptr == x.last:
		ep.cur = nil
		x.o.finish(e, nil)
	}
	return true
}

// transfer is the future of one TD on one endpoint: it first recovers the
// endpoint if an earlier transfer left it halted or stale, then queues
// the TD, rings the doorbell and waits for its end, for at most timeout
// (0: no limit; the transfer then ends only with its event, an error,
// or the device's detach).
type transfer struct {
	d       *Device
	ep      *endpoint
	trbs    []TRB
	setupAt int // index in trbs, or -1
	dataAt  int // index in trbs, or -1
	want    int
	in      []byte // where IN data goes, nil for OUT
	timeout time.Duration
	x       xfer
	state   int
	sub     task.Future[error]
	timer   *task.Timer
}

func (t *transfer) Poll(cx *task.Context) (Result, bool) {
	d, ep := t.d, t.ep
	for {
		switch t.state {
		case 0:
			switch {
			case d.c.failed != nil:
				return Result{Err: d.c.failed}, true
			case d.gone:
				return Result{Err: ErrDetached}, true
			case ep.cur != nil:
				return Result{Err: fmt.Errorf("xhci: slot %d endpoint %d busy", d.Slot, ep.dci)}, true
			}
			if ep.halted || ep.stale {
				t.sub = d.recover(ep)
			}
			t.state = 1
		case 1:
			if t.sub != nil {
				err, ok := t.sub.Poll(cx)
				if !ok {
					return Result{}, false
				}
				t.sub = nil
				if err != nil {
					return Result{Err: fmt.Errorf("xhci: slot %d endpoint %d: recovering: %w", d.Slot, ep.dci, err)}, true
				}
			}
			ptrs, err := ep.ring.Enqueue(t.trbs...)
			if err != nil {
				return Result{Err: err}, true
			}
			if t.setupAt >= 0 {
				t.x.setup = ptrs[t.setupAt]
			}
			if t.dataAt >= 0 {
				t.x.data = ptrs[t.dataAt]
			}
			t.x.last = ptrs[len(ptrs)-1]
			ep.cur = &t.x
			if t.timeout > 0 {
				t.timer = d.c.q.Sleep(t.timeout)
			}
			d.c.ringDoorbell(d.Slot, ep.dci)
			t.state = 2
		case 2:
			if t.x.o.done {
				if t.timer != nil {
					t.timer.Cancel()
				}
				return t.result(), true
			}
			t.x.o.waker = cx.Waker()
			if t.timer != nil {
				if _, due := t.timer.Poll(cx); due {
					// The TD is still on the ring: stop the endpoint and
					// skip it before the next transfer.
					ep.cur, ep.stale = nil, true
					return Result{Err: fmt.Errorf("xhci: slot %d endpoint %d: no answer in %v: %w", d.Slot, ep.dci, t.timeout, ErrTimeout)}, true
				}
			}
			return Result{}, false
		}
	}
}

func (t *transfer) result() Result {
	r := Result{Code: t.x.o.ev.Code, Err: t.x.o.err}
	if r.Err != nil {
		return r
	}
	if t.dataAt >= 0 {
		r.N = max(t.want-t.x.residual, 0)
	}
	if t.in != nil {
		r.Data = t.in[:copy(t.in, t.ep.buf.Mem[:r.N])]
	}
	return r
}

// recover makes a halted or stale endpoint usable again: Reset Endpoint
// (halted) or Stop Endpoint (stale), then Set TR Dequeue Pointer to the
// ring's enqueue position, which skips whatever the failed TD left on
// the ring (§4.6.8, §4.6.9, §4.6.10).
func (d *Device) recover(ep *endpoint) task.Future[error] {
	c := d.c
	first := c.Command(StopEndpoint(d.Slot, ep.dci))
	if ep.halted {
		first = c.Command(ResetEndpoint(d.Slot, ep.dci))
	}
	return task.Then(first, func(r Result) task.Future[error] {
		// A Stop that finds the endpoint already halted or stopped fails
		// with Context State Error; the dequeue pointer can be set anyway.
		if r.Err != nil && r.Code != CCContextState {
			return task.Ready(r.Err)
		}
		return task.Map(c.Command(SetTRDequeue(d.Slot, ep.dci, ep.ring.EnqueuePtr(), ep.ring.CycleState())), func(r Result) error {
			if r.Err == nil {
				ep.ring.Reset()
				ep.halted, ep.stale = false, false
			}
			return r.Err
		})
	})
}

// Control returns the future of a control transfer on endpoint 0
// (§4.11.2.2): the Setup Stage with the 8-byte setup packet, a Data
// Stage of wLength bytes if wLength is not 0 (into data for IN, from
// data for OUT; at most a page), and the Status Stage. It completes with
// the bytes transferred (Result.N; fewer than wLength for a short
// answer, which is no error) within ControlTimeout. A STALL is an error
// wrapping ErrStall; the endpoint is reset before the next transfer.
func (d *Device) Control(setup [8]byte, data []byte) task.Future[Result] {
	if d.gone {
		return task.Ready(Result{Err: ErrDetached})
	}
	n := int(setup[6]) | int(setup[7])<<8
	in := setup[0]&0x80 != 0
	ep := d.eps[1]
	if ep == nil || n > len(data) || n > PageSize {
		return task.Ready(Result{Err: fmt.Errorf("xhci: control transfer of %d bytes into %d: %w", n, len(data), ErrBadArgument)})
	}
	t := &transfer{d: d, ep: ep, setupAt: 0, dataAt: -1, want: n, timeout: ControlTimeout}
	t.trbs = append(t.trbs, SetupStage(setup, n > 0, in))
	if n > 0 {
		t.dataAt = 1
		t.trbs = append(t.trbs, DataStage(ep.buf.Phys, n, in))
		if in {
			t.in = data[:n]
		} else {
			copy(ep.buf.Mem, data[:n])
		}
	}
	t.trbs = append(t.trbs, StatusStage(n == 0 || !in))
	return t
}

// In returns the future of one transfer from IN endpoint epAddress (an
// interrupt or bulk endpoint configured with ConfigureEndpoints) of up to
// the endpoint's maximum packet size: a Normal TRB (§4.11.2.1). It has no
// timeout: an interrupt endpoint answers only when it has something to
// say (a key pressed); it ends early with ErrDetached when the device
// goes away. Result.Data is a fresh copy of the bytes.
func (d *Device) In(epAddress uint8) task.Future[Result] {
	if d.gone {
		return task.Ready(Result{Err: ErrDetached})
	}
	dci := DCI(epAddress)
	ep := d.eps[dci]
	if epAddress&0x80 == 0 || dci < 2 || ep == nil {
		return task.Ready(Result{Err: fmt.Errorf("xhci: endpoint %#x not configured: %w", epAddress, ErrBadArgument)})
	}
	n := min(ep.maxPacket, PageSize)
	return &transfer{d: d, ep: ep, setupAt: -1, dataAt: 0, want: n, in: make([]byte, n),
		trbs: []TRB{Normal(ep.buf.Phys, n)}}
}
