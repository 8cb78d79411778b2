package pmtimer

import "testing"

func TestElapsedWraps(t *testing.T) {
	Init(0x608, 24)
	if got := Elapsed(0xFFFFF0, 0x10); got != 0x20 {
		t.Errorf("24-bit wrap: %#x, want 0x20", got)
	}
	Init(0x608, 32)
	if got := Elapsed(0xFFFFFFF0, 0x10); got != 0x20 {
		t.Errorf("32-bit wrap: %#x, want 0x20", got)
	}
	if Init(0, 24) || Init(0x608, 16) {
		t.Error("port 0 or a 16-bit timer accepted")
	}
}
