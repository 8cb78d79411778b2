package signal

import (
	"gokernel/arch"
	"gokernel/kernel/trap"
)

// Returns to ring 3 that fault. IRETQ checks the state it returns to and
// can fault in ring 0 for the thread's state: #GP for a non-canonical RIP
// on real CPUs (QEMU's TCG does not check), #GP, #NP or #SS for bad
// selectors (SDM Vol. 2A, IRET). Linux turns such a fault into the
// thread's own, "as if we faulted immediately after IRET"
// (arch/x86/entry/entry_64.S, error_entry's .Lerror_bad_iret, and
// fixup_bad_iret in arch/x86/kernel/traps.c): a SIGSEGV. So does the
// kernel, and rt_sigreturn checks RIP itself (Sigreturn) so that it never
// asks the CPU for such a return.

// IsReturnFault reports whether vector is one IRETQ raises for a bad
// return state.
//
//go:nosplit
func IsReturnFault(vector uint64) bool { return vector == 11 || vector == 12 || vector == trap.VecGP }

// FromBadReturn serves a fault of the kernel's IRETQ to ring 3: f is the
// fault's frame, whose general registers and FXSAVE area are the thread's
// (restored before the IRETQ) and whose RSP points at the interrupt frame
// the IRETQ was popping. f becomes the thread's state at the return, with
// the selectors the kernel gives ring 3, and the fault its SIGSEGV. Ring
// 0.
//
//go:nosplit
func FromBadReturn(f *arch.Frame) {
	ret := (*[5]uint64)(arch.Ptr(uintptr(f.RSP))) // RIP, CS, RFLAGS, RSP, SS
	f.RIP, f.RFLAGS, f.RSP = ret[0], ret[2], ret[3]
	f.CS, f.SS = trap.UserCS, trap.UserDS
	FromException(f)
}

// canonical reports whether a is a canonical 48-bit address (SDM Vol. 1
// §3.3.7.1): bits 63:47 all equal.
//
//go:nosplit
func canonical(a uint64) bool { return uint64(int64(a<<16)>>16) == a }
