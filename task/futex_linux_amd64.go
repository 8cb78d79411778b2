package task

// futexWake wakes one thread blocked in FutexWait on addr: futex(addr,
// FUTEX_WAKE_PRIVATE, 1). It is a bare SYSCALL instruction, without the
// runtime's entersyscall (the call does not block), so that Waker.Wake,
// which reaches it, makes no runtime call; see park for when it runs. In
// ring 0 (an interrupt handler in the kernel) it makes no call at all.
//
//go:noescape
//go:nosplit
func futexWake(addr *uint32) // implemented in futex_linux_amd64.s
