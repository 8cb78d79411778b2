package pic

import "testing"

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		irq, m, s uint8
		want      Action
	}{
		{0, 0, 0, Handle}, // only 7 and 15 can be spurious
		{1, 0, 0, Handle},
		{7, 0x80, 0, Handle},        // IRQ 7 in service: real
		{7, 0x00, 0, SpuriousNoEOI}, // not in service: spurious, no EOI
		{7, 0x7F, 0xFF, SpuriousNoEOI},
		{15, 0x04, 0x80, Handle},      // IRQ 15 in service at the slave: real
		{15, 0x04, 0x00, SpuriousEOI}, // spurious at the slave; the master saw IRQ 2
		{15, 0xFF, 0x7F, SpuriousEOI},
		{8, 0, 0, Handle},
	} {
		if got := Classify(c.irq, c.m, c.s); got != c.want {
			t.Errorf("Classify(%d, %#x, %#x) = %d, want %d", c.irq, c.m, c.s, got, c.want)
		}
	}
}
