package task

// futexWake wakes one thread blocked in FutexWait on addr: futex(addr,
// FUTEX_WAKE_PRIVATE, 1). It is a bare SYSCALL instruction, without the
// runtime's entersyscall (the call does not block), so that Waker.Wake,
// which reaches it, makes no runtime call; see park for when it runs.
// Ring 0 must not call it (unpark checks inRing0).
//
//go:noescape
//go:nosplit
func futexWake(addr *uint32) // implemented in futex_linux_amd64.s

// inRing0 reports whether the caller runs in ring 0: in the kernel, an
// interrupt handler, which cannot make a system call (see park).
//
//go:nosplit
func inRing0() bool // implemented in futex_linux_amd64.s
