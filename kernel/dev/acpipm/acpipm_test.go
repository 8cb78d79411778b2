package acpipm

import "testing"

func TestSleepValue(t *testing.T) {
	for _, c := range []struct {
		cur           uint16
		typ           uint8
		first, second uint16
	}{
		{0x0000, 0, 0x0000, 0x2000},    // QEMU's \_S5 is 0: SLP_EN alone
		{0x0001, 0, 0x0001, 0x2001},    // SCI_EN kept
		{0x1c01, 5, 0x1401, 0x3401},    // an old SLP_TYP replaced
		{0x2001, 7, 0x1c01, 0x3c01},    // a stale SLP_EN cleared in the first write
		{0x0001, 0xfd, 0x1401, 0x3401}, // only 3 bits of the type
	} {
		f, s := SleepValue(c.cur, c.typ)
		if f != c.first || s != c.second {
			t.Errorf("SleepValue(%#04x, %d) = %#04x, %#04x; want %#04x, %#04x", c.cur, c.typ, f, s, c.first, c.second)
		}
	}
}
