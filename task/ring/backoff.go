package ring

// maxBackoff is the longest spin of a backoff, in PAUSE instructions:
// about 1.6 µs on the machine measured (a PAUSE took 25 ns there).
const maxBackoff = 64

// backoff is the spin after a lost race in Ring (a failed CAS, a stale
// position), as crossbeam's Backoff::spin: 1 PAUSE, then 2, 4, ... up to
// maxBackoff, doubling at each retry of one operation. The loser stays off
// the contended cache lines for a while, so that the winner finishes its
// operation, and a few more, with the lines in its own cache; see Ring's
// Contention section for why that matters.
type backoff uint32

// spin pauses for the current length and doubles it. It spins without
// touching memory, and it waits for nothing: it ends after a fixed count.
//
//go:nosplit
func (b *backoff) spin() {
	pause(uint32(*b))
	if *b < maxBackoff {
		*b <<= 1
	}
}
