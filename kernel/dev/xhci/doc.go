// Package xhci drives USB host controllers of the eXtensible Host
// Controller Interface (xHCI 1.2, Intel, May 2019; section numbers below
// are that document's). It is the only place the controller's registers
// are named.
//
// The hardware sits behind two small interfaces the kernel implements:
// MMIO, the controller's registers (BAR 0 mapped uncached), and Memory,
// which allocates DMA memory as a Go byte slice with its physical
// address. Everything the controller reads or writes in memory (the
// rings, the contexts, the device context base address array, the
// scratchpad) is encoded and decoded here as pure functions over those
// byte slices, so the host tests run the driver against a fake
// controller (fake_test.go).
//
// The driver is written as tasks (package task). Each command and each
// transfer is a future that completes when its event arrives, and every
// wait has a deadline on the executor's timers; nothing waits inside a
// Poll. Interrupt moves event TRBs from the controller's event ring into
// a lock-free ring and wakes the task that dispatches them (Run); it is
// what the interrupt handler, or a polling timer, calls.
//
// Ring 3 (ordinary Go), except Interrupt, which is written to the ring-0
// rules (no allocation, no lock, integer stores only) so that the
// kernel's interrupt handler may call it.
package xhci
