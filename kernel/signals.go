package main

import (
	"math/bits"

	"gokernel/arch"
	"gokernel/kernel/console"
	"gokernel/kernel/machine"
	"gokernel/kernel/sched"
	"gokernel/kernel/signal"
)

// deliverPending delivers one pending, unblocked signal to the thread about
// to return to ring 3 with frame f. The others wait for its next return:
// the first handler runs with its own mask, as on Linux.
//
//go:nosplit
func deliverPending(f *arch.Frame) {
	t := sched.Current()
	if t == nil || t.Pending&^t.SigMask == 0 {
		return
	}
	sig := bits.TrailingZeros64(t.Pending&^t.SigMask) + 1
	t.Pending &^= 1 << (sig - 1)
	in := signal.Sent(sig)
	why := signal.Deliver(f, t, &in)
	if why == signal.OK || (why == signal.NoHandler && signal.IgnoredByDefault(sig)) {
		return
	}
	console.WriteString("kernel: signal ")
	console.Dec(int64(sig))
	console.WriteString(" ends the Go program: ")
	console.Line(why)
	machine.Stop(false)
}
