package ioapic

import "testing"

func TestEntry(t *testing.T) {
	for _, c := range []struct {
		vec                      uint8
		dest                     uint32
		activeLow, level, masked bool
		want                     uint64
	}{
		{33, 0, false, false, false, 0x21},                // the keyboard: edge, active high
		{34, 1, false, false, false, 1<<56 | 0x22},        // to APIC ID 1
		{41, 0, false, true, false, 0x8029},               // a level-triggered PCI line (ACPI SCI)
		{41, 0, true, true, false, 0xA029},                // ... active low
		{0, 0, false, false, true, 0x10000},               // masked
		{32, 0x1FF, false, false, false, 0xFF<<56 | 0x20}, // 8-bit destination
	} {
		if got := Entry(c.vec, c.dest, c.activeLow, c.level, c.masked); got != c.want {
			t.Errorf("Entry(%d, %d, %v, %v, %v) = %#x, want %#x", c.vec, c.dest, c.activeLow, c.level, c.masked, got, c.want)
		}
	}
}

// TestHasAndBounds: a chip claims only its own GSIs and pins.
func TestHasAndBounds(t *testing.T) {
	c := Chip{GSIBase: 24, Pins: 24}
	if pin, ok := c.Has(30); !ok || pin != 6 {
		t.Errorf("Has(30) = %d, %v", pin, ok)
	}
	for _, gsi := range []uint32{23, 48, 1 << 31} {
		if _, ok := c.Has(gsi); ok {
			t.Errorf("Has(%d) claims a pin", gsi)
		}
	}
	if c.Route(24, 33, 0, false, false) {
		t.Error("Route of a pin past the last one succeeded")
	}
}
