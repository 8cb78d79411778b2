package sys

import (
	"gokernel/kernel/console"
	"gokernel/kernel/linux"
)

// Accounting of the system calls the Go program makes: per call number,
// how many, how many succeeded, and which errors came back. test=syscalls
// prints it; make syscall-report compares it across Go releases.

// MaxCounted is the number of entries of Counts: call numbers below
// HighSlot are counted individually, higher ones share HighSlot, and the
// kernel's private call (4096, kernel/kcall) has PrivateSlot.
const (
	MaxCounted  = 512
	HighSlot    = MaxCounted - 2
	PrivateSlot = MaxCounted - 1

	privateNumber = 4096
)

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
	switch {
	case nr == privateNumber:
		nr = PrivateSlot
	case nr >= HighSlot:
		nr = HighSlot
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

// reportFailures prints, when a program from a boot module ends, the calls
// that failed with ENOSYS or EINVAL and how often: what a program missed
// from the personality, for make test-std's table. Nothing if none did.
//
//go:nosplit
func reportFailures() {
	first := true
	for nr := 0; nr < HighSlot; nr++ {
		c := &Counts[nr]
		for i := 0; i < MaxErrnos; i++ {
			e := c.Errno[i]
			if c.ErrN[i] == 0 || (e != uint16(linux.ENOSYS) && e != uint16(linux.EINVAL)) {
				continue
			}
			if first {
				console.WriteString("sys: failed with ENOSYS or EINVAL:")
				first = false
			}
			console.WriteString(" ")
			if name := linux.SyscallName(uint64(nr)); name != "" {
				console.WriteString(name)
			} else {
				console.Dec(int64(nr))
			}
			if e == uint16(linux.ENOSYS) {
				console.WriteString(" ENOSYS x")
			} else {
				console.WriteString(" EINVAL x")
			}
			console.Dec(int64(c.ErrN[i]))
		}
	}
	if !first {
		console.Line("")
	}
}
