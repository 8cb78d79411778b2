// Package rtc reads the CMOS real-time clock (Motorola MC146818, as wired
// in the PC/AT: index port 0x70, data port 0x71; register map in the IBM
// PC/AT Technical Reference). It is the only place those ports are used.
//
// The kernel reads it once at boot, in ring 0 before the runtime, to set
// the wall clock: every function is //go:nosplit and allocates nothing.
// The decoding (BCD, 12-hour clock, century) is a pure function that host
// tests check.
package rtc

import "gokernel/arch"

const (
	cmosAddr = 0x70
	cmosData = 0x71
	nmiOff   = 0x80 // bit 7 of the index keeps NMIs disabled while we read

	regSec, regMin, regHour = 0x00, 0x02, 0x04
	regDay, regMon, regYear = 0x07, 0x08, 0x09
	regStatusA              = 0x0A // bit 7: update in progress
	regStatusB              = 0x0B // bit 2: binary, not BCD; bit 1: 24-hour

	statusAUpdate = 0x80
	statusBBinary = 0x04
	statusB24Hour = 0x02
	hourPM        = 0x80 // in the 12-hour format
)

//go:nosplit
func cmos(reg uint8) uint8 {
	arch.Outb(cmosAddr, reg|nmiOff)
	return arch.Inb(cmosData)
}

// Time is the RTC's registers as read: BCD or binary, 12- or 24-hour, as
// status register B says.
type Time struct{ Sec, Min, Hour, Day, Mon, Year uint8 }

//go:nosplit
func readOnce() Time {
	for i := 0; i < 100000 && cmos(regStatusA)&statusAUpdate != 0; i++ {
	}
	return Time{cmos(regSec), cmos(regMin), cmos(regHour), cmos(regDay), cmos(regMon), cmos(regYear)}
}

// ReadUnix returns the RTC time as Unix seconds (the RTC is assumed to
// keep UTC, as QEMU's does by default). It reads until two reads agree, so
// an update between bytes is not seen.
//
//go:nosplit
func ReadUnix() int64 {
	t := readOnce()
	for i := 0; i < 5; i++ {
		u := readOnce()
		if u == t {
			break
		}
		t = u
	}
	return Decode(t, cmos(regStatusB))
}

// Decode turns the registers into Unix seconds, given status register B.
// The century register (0x32) is common but not universal, so years below
// 70 are taken as 20xx.
//
//go:nosplit
func Decode(t Time, statusB uint8) int64 {
	pm := t.Hour&hourPM != 0
	t.Hour &^= hourPM
	if statusB&statusBBinary == 0 {
		t.Sec, t.Min, t.Hour = bcd(t.Sec), bcd(t.Min), bcd(t.Hour)
		t.Day, t.Mon, t.Year = bcd(t.Day), bcd(t.Mon), bcd(t.Year)
	}
	if statusB&statusB24Hour == 0 {
		if t.Hour == 12 {
			t.Hour = 0
		}
		if pm {
			t.Hour += 12
		}
	}
	year := int64(t.Year) + 2000
	if t.Year >= 70 {
		year = int64(t.Year) + 1900
	}
	return UnixSeconds(year, int64(t.Mon), int64(t.Day), int64(t.Hour), int64(t.Min), int64(t.Sec))
}

//go:nosplit
func bcd(v uint8) uint8 { return v>>4*10 + v&0xF }

// UnixSeconds converts a proleptic Gregorian UTC date to Unix seconds
// (the days-from-civil algorithm; months 1-12).
//
//go:nosplit
func UnixSeconds(y, m, d, hh, mm, ss int64) int64 {
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	days := era*146097 + doe - 719468
	return days*86400 + hh*3600 + mm*60 + ss
}
