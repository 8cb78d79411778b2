package ring

// pause executes n PAUSE instructions (n > 0): the spin-wait hint of x86
// (Intel SDM Vol. 2B, PAUSE), which lets the other hyperthread run and
// keeps the spinning CPU off the memory bus.
//
//go:noescape
//go:nosplit
func pause(n uint32) // implemented in pause_amd64.s
