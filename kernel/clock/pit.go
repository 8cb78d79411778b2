package clock

import "gokernel/arch"

// TSC calibration with the 8254 PIT's channel 2 (Intel 8254 data sheet;
// the channel-2 gate and output sit in port 0x61 on PCs). Channel 2 counts
// down from a known value at 1.193182 MHz in mode 0 and raises OUT2 when it
// reaches zero; the TSC delta over that interval gives its frequency. No
// interrupt is involved, so this works before the IDT and PIC are set up.
const (
	pitHz      = 1193182
	pitCh2     = 0x42
	pitCmd     = 0x43
	portB      = 0x61
	portBGate2 = 1 << 0
	portBSpkr  = 1 << 1
	portBOut2  = 1 << 5

	calibrateMs = 10
	// Under emulation one poll of port 0x61 can take a microsecond or more;
	// this bound is far above 10 ms of polls on any machine, so reaching it
	// means there is no PIT.
	calibrateSpin = 50_000_000
)

//go:nosplit
func calibrateTSC() (uint64, bool) {
	const count = pitHz * calibrateMs / 1000
	b := arch.Inb(portB)
	arch.Outb(portB, (b&^portBSpkr)|portBGate2) // gate on, speaker off
	arch.Outb(pitCmd, 0xB0)                     // channel 2, lo/hi byte, mode 0, binary
	arch.Outb(pitCh2, uint8(count&0xFF))
	arch.Outb(pitCh2, uint8(count>>8))
	t1 := arch.Rdtsc()
	for i := 0; i < calibrateSpin; i++ {
		if arch.Inb(portB)&portBOut2 != 0 {
			t2 := arch.Rdtsc()
			arch.Outb(portB, b)
			if t2 <= t1 {
				return 0, false
			}
			return (t2 - t1) * 1000 / calibrateMs, true
		}
	}
	arch.Outb(portB, b)
	return 0, false
}
