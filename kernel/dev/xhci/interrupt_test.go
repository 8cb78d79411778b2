package xhci

import (
	"testing"

	"gokernel/task"
)

// TestInterruptQueueFull: when the dispatcher falls behind, Interrupt
// leaves what does not fit on the event ring, and the controller's next
// interrupt brings it; nothing is lost.
func TestInterruptQueueFull(t *testing.T) {
	s := newSim(t, 1, nil)
	s.run(func(a await) {
		if err := aw(a, s.c.Start()); err != nil {
			t.Error(err)
		}
	})
	f, c := s.hc, s.c
	stray := func(n int) {
		for range n {
			f.post(Event{Type: TypeTransferEvent, Code: CCSuccess, Slot: 9, DCI: 1})
		}
	}
	run := c.Run()
	cx := task.NewContext(task.Waker{})
	drain := func() {
		for c.queue.Len() > 0 {
			run.Poll(cx)
		}
	}
	stray(200)
	f.step() // the interrupt: 200 events queued
	stray(200)
	f.step() // 56 fit, 144 stay on the event ring
	if c.queue.Len() != eventQueueSize || c.Stats().Deferred != 1 {
		t.Fatalf("queue %d, deferred %d", c.queue.Len(), c.Stats().Deferred)
	}
	if !f.irqWant || !f.evPending() {
		t.Fatal("events left on the ring did not raise another interrupt")
	}
	drain()
	f.step()
	drain()
	if got := c.Stats().Stray; got != 400 || f.evPending() || f.evFull != 0 {
		t.Errorf("%d events dispatched, pending %v, lost %d", got, f.evPending(), f.evFull)
	}
	// Nothing new: an interrupt finds nothing and does no harm.
	c.Interrupt()
	if c.queue.Len() != 0 {
		t.Error("spurious interrupt queued something")
	}
}
