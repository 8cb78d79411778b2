package pit

import "gokernel/arch"

// TSC calibration with the 8254 PIT's channel 2 (Intel 8254 data sheet;
// the channel-2 gate and output sit in port 0x61 on PCs). Channel 2 counts
// down at 1.193182 MHz; the kernel reads the counter at the start and end
// of a short interval, each read bracketed by two TSC reads, and divides.
// No interrupt is involved, so this works before the IDT and PIC are set up.
//
// Under emulation the virtual CPU can be descheduled at any instruction:
// a read whose bracket is wide was interrupted and is retried, the
// tightest of several reads is kept, and the median of three rounds wins.
const (
	roundCounts = InputHz / 100 // 10 ms per round
	rounds      = 3
	tries       = 8
	// Reaching this many polls means there is no PIT (or it is stuck).
	calibrateSpin = 10_000_000
)

//go:nosplit
func readCh2() uint16 {
	arch.Outb(cmd, latch2)
	return uint16(readLatched(ch2))
}

// sample returns the tightest of several bracketed counter reads: the TSC
// at the middle of the read, the count, and the bracket's width.
//
//go:nosplit
func sample() (tsc uint64, count uint16, width uint64) {
	width = ^uint64(0)
	for i := 0; i < tries; i++ {
		t0 := arch.Rdtsc()
		c := readCh2()
		t1 := arch.Rdtsc()
		if t1 >= t0 && t1-t0 < width {
			tsc, count, width = t0+(t1-t0)/2, c, t1-t0
		}
	}
	return
}

// round measures the TSC frequency over about 10 ms of PIT counts.
//
//go:nosplit
func round() (uint64, bool) {
	arch.Outb(cmd, mode2OneShot)
	writeCount(ch2, 0xFFFF)
	// Wait for the count to start moving (it loads on the next PIT clock).
	for i := 0; readCh2() >= 0xFFF0; i++ {
		if i > calibrateSpin {
			return 0, false
		}
	}
	t1, c1, _ := sample()
	var t2 uint64
	var c2 uint16
	for i := 0; ; i++ {
		if i > calibrateSpin {
			return 0, false
		}
		t2, c2, _ = sample()
		if c2 < c1 && uint64(c1-c2) >= roundCounts {
			break
		}
	}
	if t2 <= t1 {
		return 0, false
	}
	return (t2 - t1) * InputHz / uint64(c1-c2), true
}

// CalibrateTSC measures the TSC's frequency in Hz against channel 2, or
// reports false when the 8254 does not count.
//
//go:nosplit
func CalibrateTSC() (uint64, bool) {
	b := arch.Inb(portB)
	arch.Outb(portB, (b&^portBSpkr)|portBGate2) // gate on, speaker off
	var r [rounds]uint64
	for i := range r {
		hz, ok := round()
		if !ok {
			arch.Outb(portB, b)
			return 0, false
		}
		r[i] = hz
	}
	arch.Outb(portB, b)
	// Median of three.
	if r[0] > r[1] {
		r[0], r[1] = r[1], r[0]
	}
	if r[1] > r[2] {
		r[1], r[2] = r[2], r[1]
	}
	if r[0] > r[1] {
		r[0], r[1] = r[1], r[0]
	}
	return r[1], true
}
