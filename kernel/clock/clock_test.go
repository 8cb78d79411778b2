package clock

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
