package signal

import (
	"math/bits"

	"gokernel/arch"
	"gokernel/kernel/console"
	"gokernel/kernel/machine"
	"gokernel/kernel/mem"
	"gokernel/kernel/sched"
	"gokernel/kernel/trap"
)

// DeliverPending delivers one pending, unblocked signal to the thread
// about to return to ring 3 with frame f. The others wait for its next
// return: the first handler runs with its own mask, as on Linux. Ring 0.
//
//go:nosplit
func DeliverPending(f *arch.Frame) {
	t := sched.Current()
	if t == nil || t.Pending&^t.SigMask == 0 {
		return
	}
	sig := bits.TrailingZeros64(t.Pending&^t.SigMask) + 1
	t.Pending &^= 1 << (sig - 1)
	in := Sent(sig)
	why := Deliver(f, t, &in)
	if why == OK || (why == NoHandler && IgnoredByDefault(sig)) {
		return
	}
	console.WriteString("kernel: signal ")
	console.Dec(int64(sig))
	console.WriteString(" ends the Go program: ")
	console.Line(why)
	machine.Stop(false)
}

// FromException turns a fault in Go code (ring 3), whose frame is f, into
// the signal Linux would send, delivered to the runtime's handler, which
// turns it into a Go panic. A page fault in a mapped area is served
// instead (demand paging). Ring 0.
//
//go:nosplit
func FromException(f *arch.Frame) {
	var pfCode int32
	if f.Vector == trap.VecPageFault {
		addr := arch.ReadCR2()
		switch mem.Fault(addr, f.ErrorCode) {
		case mem.FaultFixed:
			return
		case mem.FaultNoMem:
			console.WriteString("kernel: out of memory: no free frame for the page at ")
			console.Hex(addr)
			console.WriteString("\n")
			machine.Stop(false)
		case mem.FaultNoArea:
			pfCode = SEGV_MAPERR
		default:
			pfCode = SEGV_ACCERR
		}
	}
	in := ForException(f.Vector, f.ErrorCode, arch.ReadCR2(), f.RIP, pfCode)
	t := sched.Current()
	if t == nil {
		trap.Report("kernel: fault in Go code with no current thread", f)
		machine.Stop(false)
		return
	}
	if why := Deliver(f, t, &in); why != OK {
		console.WriteString("kernel: cannot deliver signal ")
		console.Dec(int64(in.Signo))
		console.WriteString(" to the Go runtime: ")
		console.Line(why)
		trap.Report("kernel: fatal fault in Go code (ring 3)", f)
		machine.Stop(false)
	}
}
