//go:build !linux

package task

import "time"

// maxParkSlice bounds a park without futexes: the default idle then
// sleeps in slices of at most this long and looks at the queue between
// them, so a wake is noticed within one slice.
const maxParkSlice = time.Millisecond

// FutexWait is the default WaitFunc. Without futexes it sleeps for
// timeout, at most maxParkSlice: there is no futex to be woken through
// here.
func FutexWait(addr *uint32, val uint32, timeout time.Duration) {
	if timeout < 0 || timeout > maxParkSlice {
		timeout = maxParkSlice
	}
	time.Sleep(timeout)
}

// futexWake does nothing: FutexWait wakes up by itself.
func futexWake(addr *uint32) {}

// inRing0 reports false: the kernel is linux/amd64.
func inRing0() bool { return false }
