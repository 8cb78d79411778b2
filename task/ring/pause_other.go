//go:build !amd64

package ring

import "sync/atomic"

// pauseWord is loaded by pause, so that its loop is not optimised away.
var pauseWord uint32

// pause spins for about n short steps: the portable stand-in for amd64's
// PAUSE loop.
//
//go:nosplit
func pause(n uint32) {
	for range n {
		atomic.LoadUint32(&pauseWord)
	}
}
