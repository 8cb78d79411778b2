package clock

import "gokernel/arch"

// The CMOS real-time clock (MC146818; register map in the PC/AT technical
// reference): seconds 0x00, minutes 0x02, hours 0x04, day 0x07, month 0x08,
// year 0x09, status A 0x0A (bit 7: update in progress), status B 0x0B
// (bit 2: binary, not BCD; bit 1: 24-hour). Century register 0x32 is common
// but not universal, so years below 70 are taken as 20xx.
const (
	cmosAddr = 0x70
	cmosData = 0x71
)

//go:nosplit
func cmos(reg uint8) uint8 {
	arch.Outb(cmosAddr, reg|0x80) // bit 7 keeps NMIs disabled while we read
	return arch.Inb(cmosData)
}

type rtcTime struct{ sec, min, hour, day, mon, year uint8 }

//go:nosplit
func readRTCOnce() rtcTime {
	for i := 0; i < 100000 && cmos(0x0A)&0x80 != 0; i++ {
	}
	return rtcTime{cmos(0x00), cmos(0x02), cmos(0x04), cmos(0x07), cmos(0x08), cmos(0x09)}
}

// readRTC returns the RTC time as Unix seconds (the RTC is assumed to keep
// UTC, as QEMU's does by default).
//
//go:nosplit
func readRTC() int64 {
	// Read until two reads agree, so an update between bytes is not seen.
	t := readRTCOnce()
	for i := 0; i < 5; i++ {
		u := readRTCOnce()
		if u == t {
			break
		}
		t = u
	}
	b := cmos(0x0B)
	pm := t.hour&0x80 != 0
	t.hour &= 0x7F
	if b&0x04 == 0 { // BCD
		t.sec, t.min, t.hour = bcd(t.sec), bcd(t.min), bcd(t.hour)
		t.day, t.mon, t.year = bcd(t.day), bcd(t.mon), bcd(t.year)
	}
	if b&0x02 == 0 { // 12-hour clock
		if t.hour == 12 {
			t.hour = 0
		}
		if pm {
			t.hour += 12
		}
	}
	year := int64(t.year) + 2000
	if t.year >= 70 {
		year = int64(t.year) + 1900
	}
	return UnixSeconds(year, int64(t.mon), int64(t.day), int64(t.hour), int64(t.min), int64(t.sec))
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
