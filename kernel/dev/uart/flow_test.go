package uart

import "testing"

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		iir  uint8
		want Kind
	}{
		{0x01, Kind8250},   // no interrupt pending, no FIFO: 8250/16450
		{0x81, Kind8250},   // the 16550 without A: FIFO bits 10
		{0xC1, Kind16550A}, // QEMU's
		{0xC4, Kind16550A}, // with data waiting
		{0xE1, Kind16750},
	} {
		if got := Classify(c.iir); got != c.want {
			t.Errorf("Classify(%#x) = %d, want %d", c.iir, got, c.want)
		}
	}
}
