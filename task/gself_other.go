//go:build !linux || !amd64

package task

// Off linux/amd64 there is no goroutine identity check: currentG reports
// none, so Run records no owner and every wake takes the shared path (see
// local.go). Only speed differs.

func currentG() uintptr { return 0 }

//go:nosplit
func onOwnStack(uintptr) bool { return false }

func stackBounds() (lo, hi, sp uintptr) { return 0, 0, 0 }
