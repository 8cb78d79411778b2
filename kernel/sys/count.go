package sys

// Accounting of the system calls the Go program makes: per call number,
// how many, how many succeeded, and which errors came back. test=syscalls
// prints it; make syscall-report compares it across Go releases.

// MaxCounted is the number of call numbers counted individually; higher
// numbers share the last entry.
const MaxCounted = 512

// MaxErrnos is how many distinct errors are kept per call; more share Other.
const MaxErrnos = 4

// Count is the tally of one call number.
type Count struct {
	Calls, OK, Other uint64
	Errno            [MaxErrnos]uint16
	ErrN             [MaxErrnos]uint64
}

// Counts is indexed by call number. Ordinary Go code may read it.
var Counts [MaxCounted]Count

//go:nosplit
func count(nr, ret uint64) {
	if nr >= MaxCounted {
		nr = MaxCounted - 1
	}
	c := &Counts[nr%MaxCounted] // nr < MaxCounted; the modulo lets the compiler see it
	c.Calls++
	if int64(ret) >= -4095 && int64(ret) < 0 {
		e := uint16(-int64(ret))
		for i := 0; i < MaxErrnos; i++ {
			if c.Errno[i] == e || c.Errno[i] == 0 {
				c.Errno[i] = e
				c.ErrN[i]++
				return
			}
		}
		c.Other++
		return
	}
	c.OK++
}

// Listed reports whether the personality's table has call nr.
func Listed(nr int) bool {
	return nr >= 0 && nr < len(table) && table[nr].fn != nil
}
