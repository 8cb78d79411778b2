package rtc

import (
	"testing"
	"time"
)

func TestUnixSeconds(t *testing.T) {
	for _, tm := range []time.Time{
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2000, 2, 29, 12, 30, 45, 0, time.UTC),
		time.Date(2026, 11, 25, 23, 59, 59, 0, time.UTC),
		time.Date(2099, 12, 31, 1, 2, 3, 0, time.UTC),
		time.Date(1999, 3, 1, 0, 0, 0, 0, time.UTC),
	} {
		got := UnixSeconds(int64(tm.Year()), int64(tm.Month()), int64(tm.Day()),
			int64(tm.Hour()), int64(tm.Minute()), int64(tm.Second()))
		if got != tm.Unix() {
			t.Errorf("%v: got %d, want %d", tm, got, tm.Unix())
		}
	}
}

func TestBCD(t *testing.T) {
	if bcd(0x59) != 59 || bcd(0x00) != 0 || bcd(0x12) != 12 {
		t.Error("bcd conversion wrong")
	}
}

func TestDecode(t *testing.T) {
	want := time.Date(2026, 12, 4, 16, 35, 9, 0, time.UTC).Unix()
	for _, c := range []struct {
		name    string
		t       Time
		statusB uint8
	}{
		{"BCD, 24-hour (QEMU's default)", Time{0x09, 0x35, 0x16, 0x04, 0x12, 0x26}, statusB24Hour},
		{"binary, 24-hour", Time{9, 35, 16, 4, 12, 26}, statusB24Hour | statusBBinary},
		{"BCD, 12-hour, PM", Time{0x09, 0x35, 0x04 | hourPM, 0x04, 0x12, 0x26}, 0},
		{"binary, 12-hour, PM", Time{9, 35, 4 | hourPM, 4, 12, 26}, statusBBinary},
	} {
		if got := Decode(c.t, c.statusB); got != want {
			t.Errorf("%s: %v, want %v", c.name, time.Unix(got, 0).UTC(), time.Unix(want, 0).UTC())
		}
	}
	// 12 AM is midnight, 12 PM noon; years from 70 are 19xx.
	if got := Decode(Time{0, 0, 0x12, 0x01, 0x01, 0x99}, 0); got != time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC).Unix() {
		t.Errorf("12 AM 1999: %v", time.Unix(got, 0).UTC())
	}
	if got := Decode(Time{0, 0, 0x12 | hourPM, 0x01, 0x01, 0x00}, 0); got != time.Date(2000, 1, 1, 12, 0, 0, 0, time.UTC).Unix() {
		t.Errorf("12 PM 2000: %v", time.Unix(got, 0).UTC())
	}
}
