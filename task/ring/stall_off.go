//go:build !ringstall

package ring

// stallPoint marks the window of an operation between its claim and its
// publication (see stall_on.go). In normal builds it is empty and
// inlined away: no instruction is left of it.
//
//go:nosplit
func stallPoint() {}
