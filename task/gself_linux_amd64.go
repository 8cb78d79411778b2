package task

// currentG returns the address of the running goroutine's g, as an
// integer: an identity to compare, never dereferenced in Go.
//
//go:nosplit
func currentG() uintptr // implemented in gself_amd64.s

// onOwnStack reports whether the caller runs on goroutine gp (a
// currentG value) and on that goroutine's own stack: false on any other
// goroutine, on a system or signal stack, and on an interrupt handler's
// kernel stack, which the interrupted goroutine's g does not describe.
//
//go:nosplit
func onOwnStack(gp uintptr) bool // implemented in gself_amd64.s

// stackBounds returns the running goroutine's stack bounds and the stack
// pointer, for TestGoroutineIdentity.
//
//go:nosplit
func stackBounds() (lo, hi, sp uintptr) // implemented in gself_amd64.s
