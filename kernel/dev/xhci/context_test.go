package xhci

import "testing"

func TestContexts(t *testing.T) {
	b := make([]byte, 32)
	s := SlotContext{Route: 0x12345, Speed: 3, MTT: true, Hub: true, Entries: 3, RootPort: 2, Ports: 4,
		TTHubSlot: 5, TTPort: 6, TTT: 2, Interrupter: 1, Address: 7, State: SlotConfigured}
	s.Encode(b)
	// Figure 6-2's bit positions.
	want := []uint32{0x12345 | 3<<20 | 1<<25 | 1<<26 | 3<<27, 2<<16 | 4<<24, 5 | 6<<8 | 2<<16 | 1<<22, 7 | 3<<27}
	for i, w := range want {
		if got := (DMA{Mem: b}).get32(4 * i); got != w {
			t.Errorf("slot dword %d: %#x, want %#x", i, got, w)
		}
	}
	if DecodeSlot(b) != s {
		t.Errorf("slot round trip: %+v", DecodeSlot(b))
	}
	e := EndpointContext{State: 1, Mult: 2, MaxPStreams: 3, Interval: 7, CErr: 3, Type: EPInterruptIn,
		MaxBurst: 1, MaxPacket: 8, Dequeue: 0x1234_5670, DCS: true, AvgTRBLen: 8, MaxESIT: 0x12_3456}
	e.Encode(b)
	want = []uint32{1 | 2<<8 | 3<<10 | 7<<16 | 0x12<<24, 3<<1 | 7<<3 | 1<<8 | 8<<16, 0x1234_5671, 0, 8 | 0x3456<<16}
	for i, w := range want {
		if got := (DMA{Mem: b}).get32(4 * i); got != w {
			t.Errorf("endpoint dword %d: %#x, want %#x", i, got, w)
		}
	}
	if DecodeEndpoint(b) != e {
		t.Errorf("endpoint round trip: %+v", DecodeEndpoint(b))
	}
	c := InputControl{Drop: 0xC, Add: 0x9, Config: 1, Interface: 2, Alternate: 3}
	c.Encode(b)
	if DecodeInputControl(b) != c || (DMA{Mem: b}).get32(28) != 0x030201 {
		t.Errorf("input control: %+v", DecodeInputControl(b))
	}
	InputControl{Drop: 3}.Encode(b)
	if DecodeInputControl(b).Drop != 0 {
		t.Error("D0/D1 written")
	}
	for _, cs := range []int{32, 64} {
		in := make([]byte, InputContextSize(cs))
		out := make([]byte, DeviceContextSize(cs))
		if &InputSlot(in, cs)[0] != &in[cs] || &InputEndpoint(in, cs, 3)[0] != &in[4*cs] ||
			&OutputSlot(out, cs)[0] != &out[0] || &OutputEndpoint(out, cs, 31)[0] != &out[31*cs] {
			t.Errorf("context offsets for size %d", cs)
		}
	}
}

func TestDCIAndIntervals(t *testing.T) {
	for addr, want := range map[uint8]int{0x00: 1, 0x80: 1, 0x01: 2, 0x81: 3, 0x02: 4, 0x8F: 31} {
		if DCI(addr) != want {
			t.Errorf("DCI(%#x) = %d, want %d", addr, DCI(addr), want)
		}
	}
	for _, c := range []struct {
		s    Speed
		typ  int
		b    uint8
		want int
	}{
		{SpeedHigh, EPInterruptIn, 7, 6},   // QEMU's keyboard: 2^6 × 125 µs = 8 ms
		{SpeedHigh, EPInterruptIn, 0, 0},   // out of range, clamped
		{SpeedHigh, EPInterruptIn, 20, 15}, // clamped
		{SpeedSuper, EPIsochIn, 4, 3},
		{SpeedFull, EPInterruptIn, 10, 6},   // 80 microframes -> 64
		{SpeedLow, EPInterruptIn, 1, 3},     // 8 microframes, the minimum
		{SpeedFull, EPInterruptIn, 255, 10}, // 2040 -> 1024, the maximum
		{SpeedFull, EPIsochOut, 1, 3},
		{SpeedFull, EPBulkIn, 10, 0},
		{SpeedHigh, EPControl, 10, 0},
	} {
		if got := Interval(c.s, c.typ, c.b); got != c.want {
			t.Errorf("Interval(%v, %d, %d) = %d, want %d", c.s, c.typ, c.b, got, c.want)
		}
	}
	for _, c := range []struct {
		attr, addr uint8
		want       int
	}{
		{0, 0, EPControl}, {1, 0x81, EPIsochIn}, {1, 1, EPIsochOut}, {2, 0x82, EPBulkIn},
		{2, 2, EPBulkOut}, {3, 0x81, EPInterruptIn}, {3, 1, EPInterruptOut},
	} {
		if got := EndpointType(c.attr, c.addr); got != c.want {
			t.Errorf("EndpointType(%d, %#x) = %d", c.attr, c.addr, got)
		}
	}
	if SpeedFull.DefaultMaxPacket0() != 8 || SpeedHigh.DefaultMaxPacket0() != 64 || SpeedSuper.DefaultMaxPacket0() != 512 {
		t.Error("DefaultMaxPacket0")
	}
	if SpeedFull.String() != "full speed" || Speed(9).Valid() {
		t.Error("Speed")
	}
}
