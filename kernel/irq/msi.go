package irq

import (
	"sync/atomic"

	"gokernel/kernel/dev/lapic"
	"gokernel/kernel/sched"
	"gokernel/task"
)

// Message-signalled interrupts (PCI MSI and MSI-X): a device writes a
// vector straight to a local APIC (SDM Vol. 3A §11.11), no I/O APIC pin
// on the way. The kernel hands out the vectors MSIBase to
// MSIBase+MSICount-1, one per request, all to the boot CPU, with the
// APICs only (under the PICs there is no local APIC to send to).
//
// A driver in ring 3 cannot run in ring 0, so the handler does not touch
// the device: it wakes the driver's task through the AtomicWaker the
// driver stored for the vector, and acknowledges the local APIC. The task
// then reads the device (for the xHCI driver: its event ring). A message
// interrupt is an edge: nothing stays asserted while the task is yet to
// run.
const (
	MSIBase  = 0x50
	MSICount = 16
)

var (
	msiNext  uint8                                      // vectors handed out, under the big kernel lock
	msiWaker [MSICount]atomic.Pointer[task.AtomicWaker] // stored in ring 3, loaded in ring 0
)

// AllocMSI hands out a free MSI vector and the APIC ID of the CPU it
// must be sent to. It reports false when every vector is taken or the
// interrupt controller is not the APICs. Ring 0 (the private call).
//
//go:nosplit
func AllocMSI() (vector uint8, apicID uint32, ok bool) {
	if ctrl != APIC || msiNext >= MSICount {
		return 0, 0, false
	}
	v := MSIBase + msiNext
	msiNext++
	return v, dest, true
}

// SetMSIWaker makes vector v's interrupt wake w (nil: wake nothing). Ring
// 3 only: storing a pointer needs the garbage collector's write barrier.
// w must stay registered for as long as the device may interrupt; it is
// kept alive by this table.
func SetMSIWaker(v uint8, w *task.AtomicWaker) bool {
	if v < MSIBase || v >= MSIBase+MSICount {
		return false
	}
	msiWaker[v-MSIBase].Store(w)
	return true
}

// msi handles vector v, an MSI vector: wake the driver's task, then the
// executor's thread if it waits for an interrupt; acknowledge.
//
//go:nosplit
func msi(v uint8) {
	if i := v - MSIBase; i < MSICount {
		if w := msiWaker[i].Load(); w != nil {
			w.Wake()
		}
	}
	lapic.EOI()
	sched.WakeIRQWaiters()
}

// MSIVectors returns the number of MSI vectors handed out.
//
//go:nosplit
func MSIVectors() int { return int(msiNext) }
